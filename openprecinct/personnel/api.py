"""Personnel over the REST API: alerts (supervisors), rules, training compliance."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accounts import permissions as perms
from openprecinct.personnel import selectors, services
from openprecinct.personnel.models import Alert, IndicatorRule


class AlertSerializer(serializers.ModelSerializer[Alert]):
    officer = serializers.CharField(source="officer.__str__", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "officer",
            "rule",
            "status",
            "raised_on",
            "window_start",
            "window_end",
            "facts",
            "determination",
        ]
        read_only_fields = fields


class AlertActSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=sorted({a for (_, a) in services.ALERT_TRANSITIONS} - {"plan"})
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class RuleSerializer(serializers.ModelSerializer[IndicatorRule]):
    class Meta:
        model = IndicatorRule
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "threshold",
            "window_days",
            "exposure",
            "peer_multiple",
            "active",
            "description",
        ]
        read_only_fields = fields


class ComplianceRowSerializer(serializers.Serializer[Any]):
    command = serializers.CharField()
    course = serializers.CharField()
    required = serializers.IntegerField()
    compliant = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    expired = serializers.IntegerField()
    never = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


def _require_eis(user: Any) -> None:
    if not perms.can_view_early_intervention(user):
        raise PermissionDenied("Early intervention is for supervisors.")


class AlertListView(GenericAPIView[Alert]):
    serializer_class = AlertSerializer

    @extend_schema(responses=AlertSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_eis(request.user)
        qs = selectors.alert_list_for_user(
            user=request.user, status=request.query_params.get("status", "")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertDetailView(GenericAPIView[Alert]):
    serializer_class = AlertSerializer

    @extend_schema(responses=AlertSerializer)
    def get(self, request: Request, alert_id: int) -> Response:
        _require_eis(request.user)
        return Response(
            AlertSerializer(selectors.alert_get_for_user(user=request.user, alert_id=alert_id)).data
        )


class AlertActView(GenericAPIView[Alert]):
    serializer_class = AlertActSerializer

    @extend_schema(request=AlertActSerializer, responses=AlertSerializer)
    def post(self, request: Request, alert_id: int) -> Response:
        """Take one step of the alert's transition table (triage, review, close)."""
        _require_eis(request.user)
        alert = selectors.alert_get_for_user(user=request.user, alert_id=alert_id)
        data = AlertActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_transition(actor=request.user, alert=alert, **data.validated_data)
        return Response(AlertSerializer(alert).data)


class RuleListView(GenericAPIView[IndicatorRule]):
    serializer_class = RuleSerializer

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_eis(request.user)
        page = self.paginate_queryset(IndicatorRule.objects.all())
        return self.get_paginated_response(RuleSerializer(page, many=True).data)


class TrainingComplianceView(GenericAPIView[Any]):
    serializer_class = ComplianceRowSerializer

    @extend_schema(responses=ComplianceRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not perms.can_view_training(request.user):
            raise PermissionDenied("Your role can't see training records.")
        return Response(selectors.training_compliance_by_command())
