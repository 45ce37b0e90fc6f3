"""The committee over the REST API: reviews, packets (logged), votes, steps, recommendations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.oversight import selectors, services
from openprecinct.oversight.models import CommitteeReview, Recommendation, VoteChoice


class ReviewSerializer(serializers.ModelSerializer[CommitteeReview]):
    complaint_number = serializers.CharField(source="complaint.number", read_only=True)

    class Meta:
        model = CommitteeReview
        fields = [
            "id",
            "number",
            "complaint_number",
            "status",
            "outcome",
            "selected_reason",
            "public_summary",
            "published_on",
            "created_at",
        ]
        read_only_fields = fields


class PacketSerializer(serializers.Serializer[Any]):
    review = serializers.CharField()
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    content = serializers.JSONField()


class VoteSerializer(serializers.Serializer[Any]):
    choice = serializers.ChoiceField(choices=VoteChoice.values)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ActSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=services.REVIEW_ACTIONS)
    members = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    days = serializers.IntegerField(required=False, default=services.DEFAULT_ACCESS_DAYS)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    review_number = serializers.CharField(source="review.number", read_only=True, default=None)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "number",
            "kind",
            "review_number",
            "text",
            "public_summary",
            "issued_on",
            "response_due_on",
            "response",
            "response_reason",
            "responded_on",
            "implementation",
        ]
        read_only_fields = fields


class RespondSerializer(serializers.Serializer[Any]):
    response = serializers.ChoiceField(choices=["accept", "partly", "reject"])
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def _require_oversight(user: Any) -> None:
    if not perms.can_use_oversight(user):
        raise PermissionDenied("Your role has no part in the oversight committee.")


class ReviewListView(GenericAPIView[CommitteeReview]):
    serializer_class = ReviewSerializer

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_oversight(request.user)
        qs = selectors.reviews_for(request.user).order_by("-created_at")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)


class ReviewDetailView(GenericAPIView[CommitteeReview]):
    serializer_class = ReviewSerializer

    @extend_schema(responses=ReviewSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        _require_oversight(request.user)
        review = selectors.review_get_for(user=request.user, review_id=review_id)
        return Response(ReviewSerializer(review).data)


class PacketView(GenericAPIView[CommitteeReview]):
    serializer_class = PacketSerializer

    @extend_schema(responses=PacketSerializer)
    def get(self, request: Request, review_id: int) -> Response:
        """The redacted packet; 404 unless the reader's access is open. Every read is logged."""
        _require_oversight(request.user)
        review = selectors.review_get_for(user=request.user, review_id=review_id)
        packet = selectors.packet_for(user=request.user, review=review, via="api")
        return Response(
            {
                "review": review.number,
                "version": packet.version,
                "sha256": packet.content_sha256,
                "content": packet.content,
            }
        )


class VoteView(GenericAPIView[CommitteeReview]):
    serializer_class = VoteSerializer

    @extend_schema(request=VoteSerializer, responses=ReviewSerializer)
    def post(self, request: Request, review_id: int) -> Response:
        _require_oversight(request.user)
        review = selectors.review_get_for(user=request.user, review_id=review_id)
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.vote_cast(member=request.user, review=review, **data.validated_data)
        review.refresh_from_db()
        return Response(ReviewSerializer(review).data)


class ActView(GenericAPIView[CommitteeReview]):
    serializer_class = ActSerializer

    @extend_schema(request=ActSerializer, responses=ReviewSerializer)
    def post(self, request: Request, review_id: int) -> Response:
        """Take one step of the review's transition table."""
        _require_oversight(request.user)
        review = selectors.review_get_for(user=request.user, review_id=review_id)
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kw = dict(data.validated_data)
        kw["members"] = list(User.objects.filter(pk__in=kw.get("members") or []))
        action = kw.pop("action")
        services.review_act(actor=request.user, review=review, action=action, **kw)
        review.refresh_from_db()
        return Response(ReviewSerializer(review).data)


class RecommendationListView(GenericAPIView[Recommendation]):
    serializer_class = RecommendationSerializer

    @extend_schema(responses=RecommendationSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_oversight(request.user)
        page = self.paginate_queryset(selectors.recommendations_for(request.user))
        return self.get_paginated_response(RecommendationSerializer(page, many=True).data)


class RespondView(GenericAPIView[Recommendation]):
    serializer_class = RespondSerializer

    @extend_schema(request=RespondSerializer, responses=RecommendationSerializer)
    def post(self, request: Request, recommendation_id: int) -> Response:
        _require_oversight(request.user)
        rec = selectors.recommendation_get_for(
            user=request.user, recommendation_id=recommendation_id
        )
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.recommendation_respond(
            actor=request.user, recommendation=rec, **data.validated_data
        )
        return Response(RecommendationSerializer(rec).data)
