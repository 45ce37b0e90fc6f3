"""Accountability over the REST API (/api/v1/accountability/): complaints, allegations, steps,
force reports and their review, IA cases, the dashboard figures and the FBI export.

Every list goes through the selectors, so a sealed complaint is absent (not forbidden) for a
role that may not see it, and a complaint a role may not see answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accountability import dashboard, selectors, services
from openprecinct.accountability.models import (
    Allegation,
    Complaint,
    Disposition,
    FadoType,
    ForceReport,
    IACase,
    Officer,
)
from openprecinct.accountability.services import COMPLAINT_ACTIONS, INTAKE_CHANNELS
from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.accounts.roles import Role


class AllegationSerializer(serializers.ModelSerializer[Allegation]):
    officer_name = serializers.SerializerMethodField()

    class Meta:
        model = Allegation
        fields = [
            "id",
            "officer",
            "officer_name",
            "officer_description",
            "fado_type",
            "allegation",
            "disposition",
            "board_disposition",
            "penalty_recommended",
            "penalty_final",
            "penalty_note",
        ]
        read_only_fields = fields

    def get_officer_name(self, obj: Allegation) -> str:
        return str(obj.officer) if obj.officer_id else ""


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    allegations = serializers.SerializerMethodField()
    days_to_limit = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    source_note = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "source",
            "channel",
            "status",
            "received_date",
            "acknowledgement_due",
            "acknowledged_at",
            "incident_at",
            "incident_date",
            "sol_date",
            "days_to_limit",
            "closed_date",
            "location",
            "precinct",
            "narrative",
            "officer_description",
            "anonymous",
            "investigator",
            "truncation_reason",
            "is_sealed",
            "involves_juvenile",
            "victim_protected",
            "allegations",
            "allowed_actions",
            "source_note",
        ]
        read_only_fields = fields

    def get_allegations(self, obj: Complaint) -> list[dict[str, Any]]:
        user = self.context["request"].user
        rows = selectors.allegations_for(user).filter(complaint=obj).select_related("officer")
        return AllegationSerializer(rows, many=True).data  # type: ignore[return-value]

    def get_days_to_limit(self, obj: Complaint) -> int | None:
        from openprecinct.accountability.sol import today

        return (obj.sol_date - today()).days if obj.sol_date else None

    def get_source_note(self, obj: Complaint) -> str:
        """The selection bias of an imported CCRB record (empty for the precinct's own cases)."""
        from openprecinct.accountability.ccrb import BIAS_NOTES

        return BIAS_NOTES.get(obj.source, "")

    def get_allowed_actions(self, obj: Complaint) -> list[str]:
        return services.allowed_complaint_actions(self.context["request"].user, obj)


class ComplaintWriteSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=INTAKE_CHANNELS)
    narrative = serializers.CharField(max_length=10000)
    incident_at = serializers.DateTimeField(required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    precinct = serializers.IntegerField(required=False, allow_null=True)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    officer_description = serializers.CharField(required=False, allow_blank=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    complainant_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    complainant_email = serializers.EmailField(required=False, allow_blank=True)
    complainant_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class StepSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=COMPLAINT_ACTIONS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    reason = serializers.ChoiceField(
        choices=[c for c in Complaint.Truncation.values if c], required=False
    )
    recipient = serializers.CharField(required=False, allow_blank=True)
    investigator = serializers.IntegerField(required=False)


class AllegationWriteSerializer(serializers.Serializer[Any]):
    officer = serializers.IntegerField(required=False, allow_null=True)
    officer_description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    fado_type = serializers.ChoiceField(choices=FadoType.values)
    allegation = serializers.CharField(max_length=120)


class FindingSerializer(serializers.Serializer[Any]):
    disposition = serializers.ChoiceField(choices=[d for d in Disposition.values if d])
    note = serializers.CharField(required=False, allow_blank=True)


COMPLAINT_FILTERS = [
    OpenApiParameter("source", str, enum=["local", *Complaint.Source.values]),
    OpenApiParameter("status", str, enum=Complaint.Status.values),
    OpenApiParameter("q", str, description="number, narrative, place, officer, allegation"),
]


def _complaints(request: Request) -> Any:
    if not perms.can_view_complaints(request.user):
        raise PermissionDenied("Your role can't read complaints.")
    qs = selectors.complaints_filtered(
        request.user,
        source=request.query_params.get("source", "local"),
        q=request.query_params.get("q", "").strip()[:100],
    )
    st = request.query_params.get("status", "")
    if st:
        qs = qs.filter(status=st)
    return qs


class ComplaintListCreateView(GenericAPIView[Complaint]):
    serializer_class = ComplaintSerializer

    def get_queryset(self) -> Any:
        return _complaints(self.request)

    @extend_schema(parameters=COMPLAINT_FILTERS, responses=ComplaintSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ComplaintSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=ComplaintWriteSerializer, responses={201: ComplaintSerializer})
    def post(self, request: Request) -> Response:
        if not perms.can_enter_complaint(request.user):
            raise PermissionDenied("Your role can't enter complaints.")
        data = ComplaintWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_intake(actor=request.user, data=dict(data.validated_data))
        return Response(
            ComplaintSerializer(complaint, context={"request": request}).data
            if perms.can_view_complaint(request.user, complaint)
            else {"id": complaint.pk, "number": complaint.number},
            status=status.HTTP_201_CREATED,
        )


class ComplaintDetailView(GenericAPIView[Complaint]):
    serializer_class = ComplaintSerializer

    @extend_schema(responses=ComplaintSerializer)
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = selectors.get_complaint_for(request.user, complaint_id)
        return Response(ComplaintSerializer(complaint, context={"request": request}).data)


class ComplaintStepView(GenericAPIView[Complaint]):
    serializer_class = ComplaintSerializer

    @extend_schema(request=StepSerializer, responses=ComplaintSerializer)
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = selectors.get_complaint_for(request.user, complaint_id)
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        action = params.pop("action")
        if "investigator" in params:
            params["investigator"] = User.objects.filter(
                pk=params["investigator"], role=Role.IA_INVESTIGATOR
            ).first()
        complaint = services.complaint_transition(
            actor=request.user, complaint=complaint, action=action, **params
        )
        return Response(ComplaintSerializer(complaint, context={"request": request}).data)


class AllegationCreateView(GenericAPIView[Allegation]):
    serializer_class = AllegationSerializer

    @extend_schema(request=AllegationWriteSerializer, responses={201: AllegationSerializer})
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = selectors.get_complaint_for(request.user, complaint_id)
        data = AllegationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        officer = Officer.objects.filter(pk=d.get("officer")).first() if d.get("officer") else None
        row = services.allegation_add(
            actor=request.user,
            complaint=complaint,
            fado_type=d["fado_type"],
            allegation=d["allegation"],
            officer=officer,
            officer_description=d.get("officer_description", ""),
        )
        return Response(AllegationSerializer(row).data, status=status.HTTP_201_CREATED)


class FindingView(GenericAPIView[Allegation]):
    serializer_class = AllegationSerializer

    @extend_schema(request=FindingSerializer, responses=AllegationSerializer)
    def post(self, request: Request, allegation_id: int) -> Response:
        from django.http import Http404

        row = selectors.allegations_for(request.user).filter(pk=allegation_id).first()
        if row is None:
            raise Http404
        data = FindingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.allegation_record_finding(
            actor=request.user,
            allegation=row,
            disposition=data.validated_data["disposition"],
            note=data.validated_data.get("note", ""),
        )
        return Response(AllegationSerializer(row).data)


class ForceReportSerializer(serializers.ModelSerializer[ForceReport]):
    reviews = serializers.SerializerMethodField()

    class Meta:
        model = ForceReport
        fields = [
            "id",
            "number",
            "status",
            "level",
            "occurred_at",
            "location",
            "precinct",
            "reason_for_contact",
            "narrative",
            "fbi_reportable",
            "submission_due_at",
            "completion_due_on",
            "finding",
            "recommendation",
            "author",
            "reviews",
        ]
        read_only_fields = fields

    def get_reviews(self, obj: ForceReport) -> list[dict[str, Any]]:
        return [
            {
                "stage": r.stage,
                "action": r.action,
                "comments": r.comments,
                "reviewer": r.reviewer_id,
                "at": r.at.isoformat(),
            }
            for r in obj.reviews.all()
        ]


class ForceStepSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=sorted(perms.FORCE_ACTION_ROLES))
    comments = serializers.CharField(required=False, allow_blank=True)
    finding = serializers.ChoiceField(
        choices=[f for f in ForceReport.Finding.values if f], required=False
    )
    recommendation = serializers.CharField(required=False, allow_blank=True)


class ForceReportListView(GenericAPIView[ForceReport]):
    serializer_class = ForceReportSerializer

    def get_queryset(self) -> Any:
        if not perms.can_view_force_reports(self.request.user):
            raise PermissionDenied("Your role can't read force reports.")
        return selectors.force_reports_for(self.request.user).prefetch_related("reviews")

    @extend_schema(responses=ForceReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ForceReportSerializer(page, many=True).data)


class ForceReportDetailView(GenericAPIView[ForceReport]):
    serializer_class = ForceReportSerializer

    @extend_schema(responses=ForceReportSerializer)
    def get(self, request: Request, report_id: int) -> Response:
        return Response(
            ForceReportSerializer(selectors.get_force_report_for(request.user, report_id)).data
        )


class ForceReportStepView(GenericAPIView[ForceReport]):
    serializer_class = ForceReportSerializer

    @extend_schema(request=ForceStepSerializer, responses=ForceReportSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        report = selectors.get_force_report_for(request.user, report_id)
        data = ForceStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.force_report_transition(
            actor=request.user, report=report, **dict(data.validated_data)
        )
        return Response(ForceReportSerializer(report).data)


class FbiExportView(GenericAPIView[ForceReport]):
    serializer_class = ForceReportSerializer

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        try:
            year, month = (int(x) for x in request.query_params.get("month", "").split("-"))
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            raise serializers.ValidationError({"month": "use YYYY-MM"}) from None
        return Response(
            services.fbi_use_of_force_export(actor=request.user, year=year, month=month)
        )


class IACaseSerializer(serializers.ModelSerializer[IACase]):
    class Meta:
        model = IACase
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "summary",
            "occurred_on",
            "officer",
            "complaint",
            "force_report",
            "investigator",
            "due_on",
            "findings_summary",
            "approved_by",
            "approved_at",
            "discipline",
            "appeal_outcome",
            "is_sealed",
        ]
        read_only_fields = fields


class IACaseListView(GenericAPIView[IACase]):
    serializer_class = IACaseSerializer

    def get_queryset(self) -> Any:
        if not perms.can_view_ia_cases(self.request.user):
            raise PermissionDenied("Your role can't read IA cases.")
        return selectors.ia_cases_for(self.request.user)

    @extend_schema(responses=IACaseSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IACaseSerializer(page, many=True).data)


class IACaseDetailView(GenericAPIView[IACase]):
    serializer_class = IACaseSerializer

    @extend_schema(responses=IACaseSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        return Response(IACaseSerializer(selectors.get_ia_case_for(request.user, case_id)).data)


class DashboardView(GenericAPIView[Complaint]):
    serializer_class = ComplaintSerializer

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        if not perms.can_view_accountability_dashboard(request.user):
            raise PermissionDenied("Your role can't see the accountability dashboard.")
        d = dashboard.build(request.user)
        return Response(
            {
                "allegations_by_fado_and_outcome": {
                    "outcomes": list(d["fado"]["outcomes"]),
                    "rows": [{"fado": x["fado"], "counts": x["cells"]} for x in d["fado"]["lines"]],
                    "total": d["fado"]["total"],
                },
                "time_to_close": d["close"],
                "open_against_18_months": dict(d["clock"]["bands"]),
                "force_by_level": d["force"],
                "by_stage": dict(d["statuses"]),
                "ccrb_history": [
                    {
                        "source": h["label"],
                        "selection_bias": h["note"],
                        "complaints": h["complaints"],
                        "allegations": h["fado"]["total"],
                    }
                    for h in d["history"]
                ],
            }
        )
