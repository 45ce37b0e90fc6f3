"""CompStat over the REST API: the same JSON contract as ``openprecinct compstat --format json``."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openprecinct.accounts import permissions as perms
from openprecinct.insights.compstat import compstat_view
from openprecinct.insights.views import BadRequest, parse_compstat_request


class CompStatAPIView(APIView):
    """The CompStat report of a precinct (and its sectors) or one sector for one week."""

    @extend_schema(
        parameters=[
            OpenApiParameter("precinct", str, description="precinct number, e.g. 120"),
            OpenApiParameter("sector", str, description="sector, e.g. 120A"),
            OpenApiParameter("week_ending", str, description="Sunday ending the week"),
            OpenApiParameter("date_field", str, enum=["occurrence", "report"]),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        if not perms.can_view_compstat(request.user):
            raise PermissionDenied("Your role can't see CompStat.")
        try:
            args = parse_compstat_request(
                request.query_params, default_precinct=settings.OPENPRECINCT_PRECINCT
            )
        except BadRequest as exc:
            raise ValidationError({"query": str(exc)}) from None
        view = compstat_view(user=request.user, today=timezone.localdate(), **args)  # type: ignore[arg-type]
        return Response(view.as_dicts())
