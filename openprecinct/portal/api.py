"""Read-only public API of the portal (``/api/v1/public/``): the same tables as the pages.

Every response goes through :mod:`openprecinct.portal.privacy` exactly as the pages and CSV
downloads do (they all call :func:`openprecinct.portal.datasets.table`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from openprecinct.api.permissions import PublicReadOnly
from openprecinct.portal import datasets
from openprecinct.portal.datasets import DATASETS, BadQuery

_COLUMN = inline_serializer(
    "PublicColumn",
    {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "kind": serializers.ChoiceField(
            choices=["dimension", "count", "public_count", "measure", "text"]
        ),
        "description": serializers.CharField(),
    },
)
_TABLE = inline_serializer(
    "PublicTable",
    {
        "dataset": serializers.CharField(),
        "title": serializers.CharField(),
        "available": serializers.BooleanField(),
        "unavailable_reason": serializers.CharField(),
        "columns": _COLUMN.__class__(many=True),
        "rows": serializers.ListField(
            child=serializers.DictField(child=serializers.CharField()),
            help_text='Cells as text, exactly as the page and the CSV show them: "<5" is a '
            'suppressed count, "withheld" a figure hidden so a suppressed one cannot be '
            "worked out.",
        ),
        "notes": serializers.ListField(child=serializers.CharField()),
        "privacy": serializers.DictField(),
        "data_version": serializers.CharField(),
    },
)
_PARAMS = [
    OpenApiParameter(
        "week_ending", OpenApiTypes.DATE, description="CompStat only: a Sunday (default: latest)."
    ),
    OpenApiParameter("days", OpenApiTypes.INT, enum=list(datasets.MAP_WINDOWS)),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description="Map only: last day of the window (default: newest record).",
    ),
]


class _Public(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [PublicReadOnly]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"

    def _params(self, slug: str, request: Request) -> dict[str, Any]:
        try:
            return datasets.parse_params(slug, request.query_params)
        except BadQuery as exc:
            raise ValidationError({"query": [str(exc)]}) from None


class PublicDatasetListView(_Public):
    """Every public dataset: its title, source, columns and where to get it."""

    @extend_schema(
        responses=inline_serializer(
            "PublicDatasetList",
            {
                "datasets": serializers.ListField(
                    child=inline_serializer(
                        "PublicDatasetEntry",
                        {
                            "slug": serializers.CharField(),
                            "title": serializers.CharField(),
                            "source": serializers.CharField(),
                            "description": serializers.CharField(),
                            "columns": _COLUMN.__class__(many=True),
                        },
                    )
                )
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "datasets": [
                    {
                        "slug": d.slug,
                        "title": d.title,
                        "source": d.source,
                        "description": d.description,
                        "columns": [
                            {
                                "key": c.key,
                                "label": c.label,
                                "kind": c.kind,
                                "description": c.description,
                            }
                            for c in d.columns
                        ],
                    }
                    for d in DATASETS.values()
                ]
            }
        )


class PublicDatasetView(_Public):
    """One public table, after the privacy rules. Filter rows by any dimension column
    (e.g. ``?geography=120A`` for one sector's CompStat): suppression is decided on the
    whole table first, so a filtered answer hides exactly the same cells."""

    @extend_schema(parameters=_PARAMS, responses={200: _TABLE})
    def get(self, request: Request, slug: str) -> Response:
        if slug not in DATASETS or slug == "map-points":
            raise NotFound(f"No public dataset {slug!r}; see /api/v1/public/datasets/.")
        table = datasets.table(slug, self._params(slug, request))
        filters = {
            k: v for k, v in request.query_params.items() if k not in ("week_ending", "days", "end")
        }
        return Response(table.filtered(filters).to_json())


class PublicMapPointsView(_Public):
    """The crime map's points as GeoJSON: only records whose rule allows a point, snapped or
    offset as the rules say; sensitive records never appear."""

    @extend_schema(parameters=_PARAMS[1:], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(datasets.map_points(self._params("map-points", request)))
