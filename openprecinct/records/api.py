"""Incident records over the REST API: list with filters, detail, create, submit, approve, return."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accounts import permissions as perms
from openprecinct.analytics.categories import CATEGORY_ORDER
from openprecinct.records import selectors, services
from openprecinct.records.forms import FilterForm
from openprecinct.records.models import Incident, IncidentKind, ReportStatus
from openprecinct.records.offenses import OFFENSES


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    class Meta:
        model = Incident
        fields = [
            "id",
            "report_number",
            "source",
            "source_key",
            "kind",
            "status",
            "is_sealed",
            "occurred_from",
            "occurred_to",
            "reported_at",
            "ky_cd",
            "pd_cd",
            "offense_description",
            "pd_description",
            "law_category",
            "attempted",
            "compstat_category",
            "premises",
            "address",
            "location_description",
            "precinct",
            "sector",
            "latitude",
            "longitude",
            "x_m",
            "y_m",
            "narrative",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


class ReportWriteSerializer(serializers.Serializer[Any]):
    occurred_from = serializers.DateTimeField()
    occurred_to = serializers.DateTimeField(required=False, allow_null=True)
    ky_cd = serializers.ChoiceField(choices=sorted(OFFENSES))
    pd_description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    attempted = serializers.BooleanField()
    premises = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    location_description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    narrative = serializers.CharField(max_length=20000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from openprecinct.core.geography import locate

        end = attrs.get("occurred_to")
        if end and end < attrs["occurred_from"]:
            raise serializers.ValidationError({"occurred_to": "must come after occurred_from"})
        precinct, _ = locate(latitude=attrs["latitude"], longitude=attrs["longitude"])
        if not precinct:
            raise serializers.ValidationError({"latitude": "the point is outside the precinct"})
        return attrs


class ReturnSerializer(serializers.Serializer[Any]):
    reasons = serializers.CharField(max_length=4000)


FILTERS = [
    OpenApiParameter("date_from", str, description="occurred on or after (YYYY-MM-DD)"),
    OpenApiParameter("date_to", str, description="occurred on or before (YYYY-MM-DD)"),
    OpenApiParameter("category", str, enum=list(CATEGORY_ORDER)),
    OpenApiParameter("ky_cd", int),
    OpenApiParameter("sector", str),
    OpenApiParameter("precinct", str),
    OpenApiParameter("premises", str),
    OpenApiParameter("status", str, enum=ReportStatus.values),
    OpenApiParameter("kind", str, enum=IncidentKind.values),
    OpenApiParameter("q", str, description="free text, up to 100 characters"),
    OpenApiParameter("sort", str, enum=sorted(selectors.SORTS)),
]


def _filters(params: Any) -> selectors.IncidentFilters:
    """The list's filters, read by the same form as the records page; a bad value is a 400
    naming the field."""
    form = FilterForm(params)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.filters()


class IncidentListCreateView(GenericAPIView[Incident]):
    serializer_class = IncidentSerializer

    def get_queryset(self) -> Any:
        if not perms.can_view_records(self.request.user):
            raise PermissionDenied("Your role can't read incident records.")
        return selectors.incident_list_for_user(
            user=self.request.user, filters=_filters(self.request.query_params)
        )  # type: ignore[arg-type]

    @extend_schema(parameters=FILTERS, responses=IncidentSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IncidentSerializer(page, many=True).data)

    @extend_schema(request=ReportWriteSerializer, responses={201: IncidentSerializer})
    def post(self, request: Request) -> Response:
        if not perms.can_create_report(request.user):
            raise PermissionDenied("Your role can't write incident reports.")
        data = ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_create_report(
            author=request.user, data=dict(data.validated_data)
        )  # type: ignore[arg-type]
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentDetailView(GenericAPIView[Incident]):
    serializer_class = IncidentSerializer

    @extend_schema(responses=IncidentSerializer)
    def get(self, request: Request, incident_id: int) -> Response:
        incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)  # type: ignore[arg-type]
        return Response(IncidentSerializer(incident).data)


class _ActionView(GenericAPIView[Incident]):
    serializer_class = IncidentSerializer

    def act(self, request: Request, incident: Incident) -> Incident:
        raise NotImplementedError

    def post(self, request: Request, incident_id: int) -> Response:
        incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)  # type: ignore[arg-type]
        return Response(IncidentSerializer(self.act(request, incident)).data)


class IncidentSubmitView(_ActionView):
    @extend_schema(request=None, responses=IncidentSerializer)
    def post(self, request: Request, incident_id: int) -> Response:
        return super().post(request, incident_id)

    def act(self, request: Request, incident: Incident) -> Incident:
        return services.incident_submit(actor=request.user, incident=incident)  # type: ignore[arg-type]


class IncidentApproveView(_ActionView):
    @extend_schema(request=None, responses=IncidentSerializer)
    def post(self, request: Request, incident_id: int) -> Response:
        return super().post(request, incident_id)

    def act(self, request: Request, incident: Incident) -> Incident:
        return services.incident_approve(actor=request.user, incident=incident)  # type: ignore[arg-type]


class IncidentReturnView(_ActionView):
    @extend_schema(request=ReturnSerializer, responses=IncidentSerializer)
    def post(self, request: Request, incident_id: int) -> Response:
        return super().post(request, incident_id)

    def act(self, request: Request, incident: Incident) -> Incident:
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.incident_return(
            actor=request.user, incident=incident, reasons=data.validated_data["reasons"]
        )  # type: ignore[arg-type]
