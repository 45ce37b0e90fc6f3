"""Dispatch over the REST API (/api/v1/dispatch/): calls, units, status changes, BOLO
queries and §14-149 response times. The mobile data terminal and other CAD clients use it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accounts import permissions as perms
from openprecinct.dispatch import analysis, selectors, services
from openprecinct.dispatch.models import (
    Assignment,
    Bolo,
    Call,
    Disposition,
    Priority,
    Source,
    TimelineEntry,
    Unit,
)
from openprecinct.dispatch.services import CALL_TRANSITIONS, UNIT_TRANSITIONS


class TimelineSerializer(serializers.ModelSerializer[TimelineEntry]):
    unit = serializers.SlugRelatedField(slug_field="call_sign", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TimelineEntry
        fields = ["at", "kind", "unit", "actor", "source", "from_status", "to_status", "note"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    unit = serializers.SlugRelatedField(slug_field="call_sign", read_only=True)

    class Meta:
        model = Assignment
        fields = ["unit", "status", "assigned_at", "en_route_at", "arrived_at", "cleared_at"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer[Call]):
    call_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    call_type_description = serializers.CharField(source="call_type.description", read_only=True)
    caller_callback = serializers.CharField(source="callback_masked", read_only=True)
    duplicate_of = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "number",
            "call_type",
            "call_type_description",
            "priority",
            "status",
            "self_initiated",
            "duplicate_of",
            "address",
            "latitude",
            "longitude",
            "precinct",
            "sector",
            "caller_callback",
            "remarks",
            "received_at",
            "entered_at",
            "first_assigned_at",
            "first_en_route_at",
            "first_arrived_at",
            "closed_at",
            "disposition",
            "report_written",
            "report_number",
            "is_generated",
        ]
        read_only_fields = fields


class CallDetailSerializer(CallSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    timeline = TimelineSerializer(many=True, read_only=True)

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "assignments", "timeline"]
        read_only_fields = fields


class CallCreateSerializer(serializers.Serializer[Any]):
    call_type = serializers.CharField(max_length=8, help_text="NYPD radio code, e.g. 34Q1")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    caller_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    caller_callback = serializers.CharField(max_length=32, required=False, allow_blank=True)
    remarks = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)


class UnitSerializer(serializers.ModelSerializer[Unit]):
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "call_sign",
            "precinct",
            "home_sector",
            "status",
            "status_since",
            "latitude",
            "longitude",
            "members",
        ]
        read_only_fields = fields


class AssignSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(help_text="call sign")


class StatusSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=sorted({a for _, a in UNIT_TRANSITIONS}))
    disposition = serializers.ChoiceField(choices=Disposition.choices, required=False)
    report_number = serializers.CharField(max_length=32, required=False, allow_blank=True)


class CallActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["dispose", "cancel", "reopen", "duplicate"])
    disposition = serializers.ChoiceField(choices=Disposition.choices, required=False)
    report_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    duplicate_of = serializers.CharField(max_length=24, required=False, help_text="event number")


class BoloSerializer(serializers.ModelSerializer[Bolo]):
    class Meta:
        model = Bolo
        fields = [
            "id",
            "kind",
            "name",
            "plate",
            "description",
            "reason",
            "armed_and_dangerous",
            "case_number",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields


def _dispatcher(request: Request) -> None:
    if not perms.can_dispatch(request.user):
        raise PermissionDenied("Your role can't use the dispatch console.")


def _call(request: Request, call_id: int) -> Call:
    return selectors.call_get(user=request.user, call_id=call_id)  # type: ignore[arg-type]


class CallListCreateView(GenericAPIView[Call]):
    serializer_class = CallSerializer

    @extend_schema(
        parameters=[OpenApiParameter("status", str, description="queue | active | closed")],
        responses=CallSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not (perms.can_dispatch(request.user) or perms.can_use_mobile_view(request.user)):
            raise PermissionDenied("Your role can't read calls for service.")
        which = request.query_params.get("status", "")
        if which == "queue":
            calls: Any = selectors.call_queue()
        elif which == "active":
            calls = selectors.active_calls()
        elif which == "closed":
            calls = Call.objects.filter(status="closed").select_related("call_type")
        elif which:
            raise serializers.ValidationError({"status": "use queue, active or closed"})
        else:
            calls = Call.objects.select_related("call_type", "duplicate_of")
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(CallSerializer(page, many=True).data)

    @extend_schema(request=CallCreateSerializer, responses={201: CallSerializer})
    def post(self, request: Request) -> Response:
        _dispatcher(request)
        data = CallCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call = services.call_create(
            actor=request.user,  # type: ignore[arg-type]
            call_type_code=v["call_type"],
            priority=v.get("priority"),
            address=v.get("address", ""),
            latitude=v.get("latitude"),
            longitude=v.get("longitude"),
            caller_name=v.get("caller_name", ""),
            caller_callback=v.get("caller_callback", ""),
            remarks=v.get("remarks", ""),
            received_at=v.get("received_at"),
            source=Source.API,
        )
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)


class CallDetailView(GenericAPIView[Call]):
    serializer_class = CallDetailSerializer

    @extend_schema(responses=CallDetailSerializer)
    def get(self, request: Request, call_id: int) -> Response:
        return Response(CallDetailSerializer(_call(request, call_id)).data)


class CallAssignView(GenericAPIView[Call]):
    serializer_class = CallDetailSerializer

    @extend_schema(request=AssignSerializer, responses=CallDetailSerializer)
    def post(self, request: Request, call_id: int) -> Response:
        _dispatcher(request)
        call = _call(request, call_id)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = Unit.objects.filter(call_sign=data.validated_data["unit"].upper()).first()
        if unit is None:
            raise serializers.ValidationError({"unit": "no unit with that call sign"})
        services.call_assign(actor=request.user, call=call, unit=unit, source=Source.API)  # type: ignore[arg-type]
        call.refresh_from_db()
        return Response(CallDetailSerializer(call).data)


class CallActionView(GenericAPIView[Call]):
    serializer_class = CallDetailSerializer

    @extend_schema(request=CallActionSerializer, responses=CallDetailSerializer)
    def post(self, request: Request, call_id: int) -> Response:
        call = _call(request, call_id)
        data = CallActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user: Any = request.user
        if v["action"] == "dispose":
            services.call_dispose(
                actor=user,
                call=call,
                disposition=v.get("disposition", ""),
                report_number=v.get("report_number", ""),
                source=Source.API,
            )
        elif v["action"] == "cancel":
            services.call_cancel(actor=user, call=call, reason=v.get("reason", ""))
        elif v["action"] == "reopen":
            services.call_reopen(actor=user, call=call, reason=v.get("reason", ""))
        else:
            target = Call.objects.filter(number=v.get("duplicate_of", "")).first()
            if target is None:
                raise serializers.ValidationError({"duplicate_of": "no event with that number"})
            services.call_attach_duplicate(actor=user, call=call, to=target, source=Source.API)
        call.refresh_from_db()
        return Response(CallDetailSerializer(call).data)


class UnitListView(GenericAPIView[Unit]):
    serializer_class = UnitSerializer

    @extend_schema(responses=UnitSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not (perms.can_dispatch(request.user) or perms.can_use_mobile_view(request.user)):
            raise PermissionDenied("Your role can't read the unit board.")
        page = self.paginate_queryset(Unit.objects.prefetch_related("members"))
        return self.get_paginated_response(UnitSerializer(page, many=True).data)


class UnitStatusView(GenericAPIView[Unit]):
    serializer_class = UnitSerializer

    @extend_schema(request=StatusSerializer, responses=UnitSerializer)
    def post(self, request: Request, unit_id: int) -> Response:
        user: Any = request.user
        if not (perms.can_dispatch(user) or perms.can_use_mobile_view(user)):
            raise PermissionDenied("Your role can't change unit status.")
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise Http404
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.unit_status_update(
            actor=user,
            unit=unit,
            action=v["action"],
            disposition=v.get("disposition", ""),
            report_number=v.get("report_number", ""),
            source=Source.CAD if perms.can_dispatch(user) else Source.MDT,
        )
        unit.refresh_from_db()
        return Response(UnitSerializer(unit).data)


class TransitionsView(GenericAPIView[Call]):
    """The two transition tables, so clients draw only the buttons that can work."""

    @extend_schema(
        responses=inline_serializer(
            "DispatchTransitions",
            {"call": serializers.ListField(), "unit": serializers.ListField()},
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "call": [
                    {"from": s, "action": a, "to": t} for (s, a), t in CALL_TRANSITIONS.items()
                ],
                "unit": [
                    {"from": s, "action": a, "to": t} for (s, a), t in UNIT_TRANSITIONS.items()
                ],
            }
        )


class QueryView(GenericAPIView[Bolo]):
    """A name or plate query from the field: live BOLO hits (audited)."""

    serializer_class = BoloSerializer

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses=inline_serializer(
            "DispatchQuery", {"hits": BoloSerializer(many=True), "hit": serializers.BooleanField()}
        ),
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if not (perms.can_use_mobile_view(user) or perms.can_dispatch(user)):
            raise PermissionDenied("Your role can't run field queries.")
        query = request.query_params.get("q", "")
        if len(query.strip()) < 2:
            raise serializers.ValidationError({"q": "at least two characters"})
        hits = services.record_query(actor=user, query=query)
        return Response({"hit": bool(hits), "hits": BoloSerializer(hits, many=True).data})


RT_PARAMS = [
    OpenApiParameter("by", str, enum=sorted(analysis.GROUPINGS)),
    OpenApiParameter("from", str, description="entered on or after (YYYY-MM-DD)"),
    OpenApiParameter("to", str, description="entered on or before (YYYY-MM-DD)"),
]


class ResponseTimesView(GenericAPIView[Call]):
    """§14-149 clocks in seconds: count, mean, median, p90 of dispatch, travel, response and
    end-to-end time, by the grouping asked for, with an ``"all"`` row."""

    @extend_schema(
        parameters=RT_PARAMS,
        responses=inline_serializer(
            "DispatchResponseTimes",
            {
                "by": serializers.CharField(),
                "generated": serializers.BooleanField(),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        if not perms.can_view_response_times(request.user):
            raise PermissionDenied("Your role can't read response-time analytics.")
        by = request.query_params.get("by", "priority")
        if by not in analysis.GROUPINGS:
            raise serializers.ValidationError({"by": f"use one of {', '.join(analysis.GROUPINGS)}"})

        def day(name: str) -> date | None:
            value = request.query_params.get(name)
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise serializers.ValidationError({name: "use YYYY-MM-DD"}) from None

        report = analysis.response_report(by=by, start=day("from"), end=day("to"))
        return Response({"by": by, "generated": report["generated"], "rows": report["rows"]})
