"""Community over the REST API (staff: a verified session or an API token), and the Open311
GeoReport v2 endpoints that city 311 systems use with an API token."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User

from . import selectors, services
from .models import SERVICE_CODES, Event, Problem, SafetyPost, ServiceRequest


# --- tips -----------------------------------------------------------------------------------
class TipSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    sector = serializers.CharField()
    received_on = serializers.DateField()
    last_message_on = serializers.DateField()
    emergency = serializers.BooleanField()
    route = serializers.CharField()
    assigned_to = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    narrative = serializers.CharField(
        help_text="Coordinators: the original; investigators: the screened text."
    )
    messages = serializers.ListField(child=serializers.DictField())


def _tip_data(user: Any, tip: Any) -> dict[str, Any]:
    view = selectors.tip_view(user, tip)
    return {
        "id": tip.pk,
        "reference": tip.reference,
        "status": tip.status,
        "category": tip.category,
        "sector": tip.sector,
        "received_on": tip.received_on,
        "last_message_on": tip.last_message_on,
        "emergency": tip.emergency,
        "route": tip.route,
        "assigned_to": tip.assigned_to_id,
        "outcome": tip.outcome,
        "narrative": view["narrative"],
        "messages": [
            {"author": m["message"].author, "sent_on": m["message"].sent_on, "body": m["body"]}
            for m in view["messages"]
        ],
    }


class TipActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=["triage", "screen", "assign", "reply", "record_outcome", "close"]
    )
    emergency = serializers.BooleanField(required=False, default=False)
    route = serializers.CharField(required=False, default="")
    other_agency = serializers.CharField(required=False, default="", allow_blank=True)
    screened_text = serializers.CharField(required=False, default="")
    assignee = serializers.IntegerField(required=False)
    body = serializers.CharField(required=False, default="", max_length=5000)
    outcome = serializers.CharField(required=False, default="")


class TipListView(APIView):
    @extend_schema(responses=TipSerializer(many=True), summary="Tips this person may see")
    def get(self, request: Request) -> Response:
        if not (
            perms.can_triage_tips(request.user)
            or perms._has(request.user, *perms.TIP_INVESTIGATORS)
        ):
            raise PermissionDenied("Your role has no access to tips.")
        tips = selectors.tips_for_user(request.user)[:500]
        return Response([_tip_data(request.user, t) for t in tips])


class TipDetailView(APIView):
    @extend_schema(responses=TipSerializer, summary="One tip (404 if missing or not yours)")
    def get(self, request: Request, pk: int) -> Response:
        tip = selectors.tip_for_user(request.user, pk)
        return Response(_tip_data(request.user, tip))


class TipActionView(APIView):
    @extend_schema(
        request=TipActionSerializer,
        responses=TipSerializer,
        summary="Move a tip along its workflow",
    )
    def post(self, request: Request, pk: int) -> Response:
        tip = selectors.tip_for_user(request.user, pk)
        s = TipActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        user = request.user
        action = d["action"]
        if action == "triage":
            services.triage_tip(
                user,
                tip,
                emergency=d["emergency"],
                route=d["route"],
                other_agency=d["other_agency"],
            )
        elif action == "screen":
            services.screen_tip(user, tip, screened_text=d["screened_text"])
        elif action == "assign":
            assignee = User.objects.filter(pk=d.get("assignee") or 0, is_active=True).first()
            services.assign_tip(user, tip, assignee)
        elif action == "reply":
            services.staff_reply(user, tip, d["body"])
        elif action == "record_outcome":
            services.record_tip_outcome(user, tip, d["outcome"])
        else:
            services.close_tip(user, tip)
        tip.refresh_from_db()
        return Response(_tip_data(user, tip))


# --- events, problems, posts, outcomes ------------------------------------------------------
class EventSerializer(serializers.ModelSerializer[Event]):
    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "sector",
            "venue",
            "languages",
            "starts_at",
            "ends_at",
            "capacity",
            "status",
            "attendance",
        ]
        read_only_fields = ["id", "status", "attendance"]


class EventListView(APIView):
    @extend_schema(responses=EventSerializer(many=True), summary="Events and meetings")
    def get(self, request: Request) -> Response:
        if not perms.can_manage_community(request.user):
            raise PermissionDenied("Your role does not manage community events.")
        return Response(EventSerializer(Event.objects.order_by("-starts_at")[:500], many=True).data)

    @extend_schema(
        request=EventSerializer, responses={201: EventSerializer}, summary="Create a draft event"
    )
    def post(self, request: Request) -> Response:
        if not perms.can_manage_community(request.user):
            raise PermissionDenied("Your role does not manage community events.")
        s = EventSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        event = services.create_event(request.user, **s.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["publish", "cancel", "hold"])
    attendance = serializers.IntegerField(required=False, min_value=0)
    minutes = serializers.CharField(required=False, default="", allow_blank=True)


class EventActionView(APIView):
    @extend_schema(
        request=EventActionSerializer, responses=EventSerializer, summary="Publish, cancel or hold"
    )
    def post(self, request: Request, pk: int) -> Response:
        if not perms.can_manage_community(request.user):
            raise PermissionDenied("Your role does not manage community events.")
        event = get_object_or_404(Event, pk=pk)
        s = EventActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["action"] == "publish":
            services.publish_event(request.user, event)
        elif d["action"] == "cancel":
            services.cancel_event(request.user, event)
        else:
            services.hold_event(
                request.user, event, attendance=d.get("attendance", -1), minutes=d["minutes"]
            )
        return Response(EventSerializer(event).data)


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "description",
            "sector",
            "category",
            "raised_at",
            "raised_on",
            "status",
            "analysis",
            "response_plan",
            "partners",
            "assessment",
            "solved_on",
        ]


class ProblemListView(APIView):
    @extend_schema(responses=ProblemSerializer(many=True), summary="Community problems (SARA)")
    def get(self, request: Request) -> Response:
        if not perms.can_manage_community(request.user):
            raise PermissionDenied("Your role does not manage community problems.")
        return Response(ProblemSerializer(Problem.objects.all()[:1000], many=True).data)


class PostSerializer(serializers.ModelSerializer[SafetyPost]):
    class Meta:
        model = SafetyPost
        fields = [
            "id",
            "title",
            "body",
            "sector",
            "context",
            "status",
            "published_at",
            "updated_at",
            "expires_on",
            "revision",
            "review_findings",
        ]


class PostListView(APIView):
    @extend_schema(responses=PostSerializer(many=True), summary="Safety posts, every status")
    def get(self, request: Request) -> Response:
        if not (
            perms.can_manage_community(request.user) or perms.can_review_safety_post(request.user)
        ):
            raise PermissionDenied("Your role does not work on safety posts.")
        return Response(PostSerializer(SafetyPost.objects.all()[:500], many=True).data)


class OutcomesView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "CommunityOutcomes",
            {
                "meetings": serializers.ListField(child=serializers.DictField()),
                "problems": serializers.ListField(child=serializers.DictField()),
                "survey": serializers.ListField(child=serializers.DictField()),
            },
        ),
        summary="Meetings, problems and survey aggregates (unsuppressed; staff only)",
    )
    def get(self, request: Request) -> Response:
        if not perms.can_manage_community(request.user):
            raise PermissionDenied("Your role does not manage community work.")
        return Response(selectors.community_outcomes())


# --- Open311 GeoReport v2 -------------------------------------------------------------------
OPEN311_STATUS = {"open": "open", "acknowledged": "open", "closed": "closed", "archived": "closed"}


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _open311(sr: ServiceRequest) -> dict[str, Any]:
    return {
        "service_request_id": str(sr.pk),
        "status": OPEN311_STATUS[sr.status],
        "status_notes": sr.status_notes,
        "service_name": SERVICE_CODES.get(sr.service_code, sr.service_code),
        "service_code": sr.service_code,
        "description": sr.description,
        "agency_responsible": sr.agency_responsible,
        "service_notice": "",
        "requested_datetime": _iso(sr.created_at),
        "updated_datetime": _iso(sr.updated_at),
        "expected_datetime": None,
        "address": sr.address,
        "address_id": "",
        "zipcode": "",
        "lat": sr.latitude,
        "long": sr.longitude,
        "media_url": "",
    }


def _open311_allowed(request: Request) -> None:
    if not perms.can_use_open311(request.user):
        raise PermissionDenied(
            "Open311 needs the API token of a community-affairs or dispatch account."
        )


class Open311RequestSerializer(serializers.Serializer[Any]):
    service_request_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_notes = serializers.CharField()
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField()
    agency_responsible = serializers.CharField()
    service_notice = serializers.CharField()
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    expected_datetime = serializers.DateTimeField(allow_null=True)
    address = serializers.CharField()
    address_id = serializers.CharField()
    zipcode = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    long = serializers.FloatField(allow_null=True)
    media_url = serializers.CharField()


class Open311ServicesView(APIView):
    @extend_schema(
        summary="Open311 GeoReport v2: service list",
        responses=inline_serializer(
            "Open311Service",
            {
                "service_code": serializers.CharField(),
                "service_name": serializers.CharField(),
                "description": serializers.CharField(),
                "metadata": serializers.BooleanField(),
                "type": serializers.CharField(),
                "keywords": serializers.CharField(),
                "group": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        _open311_allowed(request)
        return Response(
            [
                {
                    "service_code": code,
                    "service_name": name,
                    "description": name,
                    "metadata": False,
                    "type": "realtime",
                    "keywords": code.replace("_", ","),
                    "group": "Quality of life",
                }
                for code, name in sorted(SERVICE_CODES.items())
            ]
        )


class Open311RequestInput(serializers.Serializer[Any]):
    service_code = serializers.CharField()
    description = serializers.CharField(max_length=4000)
    lat = serializers.FloatField(required=False, allow_null=True)
    long = serializers.FloatField(required=False, allow_null=True)
    address_string = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200
    )


class Open311RequestsView(APIView):
    @extend_schema(
        summary="Open311 GeoReport v2: requests",
        parameters=[
            OpenApiParameter("status", str, enum=["open", "closed"]),
            OpenApiParameter("service_code", str),
            OpenApiParameter("service_request_id", str, description="comma-separated ids"),
        ],
    )
    def get(self, request: Request) -> Response:
        _open311_allowed(request)
        qs = ServiceRequest.objects.all()
        wanted = request.query_params.get("status")
        if wanted == "open":
            qs = qs.filter(status__in=("open", "acknowledged"))
        elif wanted == "closed":
            qs = qs.filter(status__in=("closed", "archived"))
        if request.query_params.get("service_code"):
            qs = qs.filter(service_code=request.query_params["service_code"])
        ids = [
            i
            for i in request.query_params.get("service_request_id", "").split(",")
            if i.strip().isdigit()
        ]
        if ids:
            qs = qs.filter(pk__in=ids)
        return Response([_open311(sr) for sr in qs[:1000]])

    @extend_schema(
        request=Open311RequestInput,
        responses={
            201: inline_serializer(
                "Open311Created",
                {
                    "service_request_id": serializers.CharField(),
                    "service_notice": serializers.CharField(),
                    "account_id": serializers.CharField(allow_null=True),
                },
                many=True,
            )
        },
        summary="Open311 GeoReport v2: create a request",
    )
    def post(self, request: Request) -> Response:
        _open311_allowed(request)
        s = Open311RequestInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        sr = services.submit_service_request(
            service_code=d["service_code"],
            description=d["description"],
            address=d["address_string"],
            latitude=d.get("lat"),
            longitude=d.get("long"),
        )
        return Response(
            [{"service_request_id": str(sr.pk), "service_notice": "", "account_id": None}],
            status=status.HTTP_201_CREATED,
        )


class Open311RequestView(APIView):
    @extend_schema(
        summary="Open311 GeoReport v2: one request", responses=Open311RequestSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        _open311_allowed(request)
        return Response([_open311(get_object_or_404(ServiceRequest, pk=pk))])
