"""Reading evidence: what each user may see, with one 404 for missing and forbidden items."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from openprecinct.evidence.models import (
    OVERSIGHT_KINDS,
    AccessGrant,
    EvidenceItem,
    EvidenceLink,
    RedactionRequest,
    UploadSession,
)


def _visible_to(user: Any) -> Q:
    """The items ``can_view_evidence_item`` allows, as a query (kept in step by a test)."""
    if not perms.can_view_evidence_list(user):
        return Q(pk__in=[])
    granted = Exists(
        AccessGrant.objects.filter(
            item=OuterRef("pk"), user_id=user.pk, expires_at__gt=timezone.now()
        )
    )
    case_links = EvidenceLink.objects.filter(item=OuterRef("pk"), kind__in=OVERSIGHT_KINDS)
    if perms._has(user, Role.OVERSIGHT_MEMBER):
        return Q(Exists(case_links.filter(referred_to_oversight=True))) | Q(granted)
    rule = Q(granted)
    if perms._has(user, Role.IA_INVESTIGATOR):
        rule |= Q(Exists(case_links))
    own = Q(officer_id=user.pk) | Q(uploaded_by_id=user.pk)
    if perms._has(user, Role.COMMANDING_OFFICER, Role.IA_INVESTIGATOR):
        rule |= Q(access_class__in=["standard", "restricted", "confidential"])
    elif perms._has(user, Role.SERGEANT):
        rule |= Q(access_class__in=["standard", "restricted"])
    elif perms._has(user, *perms.EVIDENCE_UPLOADERS):
        rule |= Q(access_class="standard") | (Q(access_class="restricted") & own)
    return rule


def evidence_list_for_user(*, user: Any, q: str = "", status: str = "") -> QuerySet[EvidenceItem]:
    qs = EvidenceItem.objects.filter(_visible_to(user)).select_related("officer")
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(device_id__iexact=text)
            | Q(sha256__iexact=text)
            | Q(links__ref=text)
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-uploaded_at", "-id")


def evidence_get_for_user(*, user: Any, item_uuid: Any) -> EvidenceItem:
    """The item, or 404 whether it is missing or not the user's to see (no leak)."""
    item = (
        EvidenceItem.objects.select_related("officer", "uploaded_by", "derived_from")
        .filter(uuid=item_uuid)
        .first()
    )
    if item is None or not perms.can_view_evidence_item(user, item):
        raise Http404("No such evidence item.")
    return item


def upload_session_for_user(*, user: Any, upload_uuid: Any) -> UploadSession:
    session = UploadSession.objects.filter(uuid=upload_uuid, created_by_id=user.pk).first()
    if session is None:
        raise Http404("No such upload.")
    return session


def oversight_basis(*, user: Any, item: EvidenceItem) -> str:
    """Why this user sees the item, for the custody entry of a view ('' for ordinary access)."""
    if perms._has(user, Role.OVERSIGHT_MEMBER):
        return "oversight committee (linked case)"
    if perms._has(user, Role.IA_INVESTIGATOR) and item.linked_for_internal_affairs():
        return "internal affairs (linked case)"
    return ""


def redaction_queue(*, user: Any) -> QuerySet[RedactionRequest]:
    if not perms._has(user, *perms.EVIDENCE_CUSTODIANS):
        return RedactionRequest.objects.none()
    return (
        RedactionRequest.objects.filter(status=RedactionRequest.Status.REQUESTED)
        .exclude(requested_by=user)
        .select_related("item", "requested_by")
    )
