"""Evidence over the REST API: the items a user may see, one item with its custody chain.

Files are not served here: downloads go through the staff pages, which stream and log them.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from openprecinct.accounts import permissions as perms
from openprecinct.evidence import selectors
from openprecinct.evidence.custody import CustodyAction, custody_append, custody_entries
from openprecinct.evidence.models import CustodyEntry, EvidenceItem, ItemStatus


class EvidenceItemSerializer(serializers.ModelSerializer[EvidenceItem]):
    officer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    derived_from = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = EvidenceItem
        fields = [
            "uuid",
            "title",
            "original_filename",
            "content_type",
            "size_bytes",
            "sha256",
            "device_sha256",
            "officer",
            "device_id",
            "recorded_at",
            "uploaded_at",
            "location",
            "latitude",
            "longitude",
            "access_class",
            "do_not_disclose",
            "legal_hold",
            "status",
            "deletion_due_at",
            "derived_from",
        ]
        read_only_fields = fields


class CustodyEntrySerializer(serializers.ModelSerializer[CustodyEntry]):
    class Meta:
        model = CustodyEntry
        fields = ["seq", "at", "actor_username", "action", "details", "prev_hash", "entry_hash"]
        read_only_fields = fields


class EvidenceItemDetailSerializer(EvidenceItemSerializer):
    custody = serializers.SerializerMethodField()

    class Meta(EvidenceItemSerializer.Meta):
        fields = [*EvidenceItemSerializer.Meta.fields, "custody"]
        read_only_fields = fields

    def get_custody(self, item: EvidenceItem) -> list[dict[str, Any]]:
        return CustodyEntrySerializer(custody_entries(item=item), many=True).data  # type: ignore[return-value]


class EvidenceListView(GenericAPIView[EvidenceItem]):
    serializer_class = EvidenceItemSerializer

    def get_queryset(self) -> Any:
        if not perms.can_view_evidence_list(self.request.user):
            raise PermissionDenied("Your role can't see evidence.")
        params = self.request.query_params
        status = params.get("status", "")
        return selectors.evidence_list_for_user(
            user=self.request.user,
            q=params.get("q", "")[:100],
            status=status if status in ItemStatus.values else "",
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="title, device, SHA-256 or linked case"),
            OpenApiParameter("status", str, enum=ItemStatus.values),
        ]
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EvidenceDetailView(GenericAPIView[EvidenceItem]):
    serializer_class = EvidenceItemDetailSerializer

    def get(self, request: Request, item_uuid: Any) -> Response:
        item = selectors.evidence_get_for_user(user=request.user, item_uuid=item_uuid)
        custody_append(item=item, action=CustodyAction.VIEW, details={"via": "api"})
        return Response(self.get_serializer(item).data)
