"""Reading the committee's work: what each person may see, packets (logged on every read),
the dashboard's figures."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.oversight.models import (
    CommitteeReview,
    PacketAccess,
    Recommendation,
    Response,
    ReviewPacket,
)


def reviews_for(user: Any) -> QuerySet[CommitteeReview]:
    """Staff see every review of a complaint they may see; a member sees the reviews they were
    given access to (open or ended: the list, never the packet, once access ends). Reviews of
    a complaint sealed after selection vanish for everyone who may not see sealed records."""
    qs = CommitteeReview.objects.select_related("complaint")
    if perms.can_staff_oversight(user):
        if not perms.can_view_sealed_records(user):
            qs = qs.filter(complaint__is_sealed=False)
        return qs
    if perms.can_vote_in_committee(user):
        return qs.filter(grants__member=user, complaint__is_sealed=False).distinct()
    return CommitteeReview.objects.none()


def review_get_for(*, user: Any, review_id: int) -> CommitteeReview:
    review = reviews_for(user).filter(pk=review_id).first()
    if review is None:
        raise Http404("No such review.")
    return review


def open_grant(*, member: Any, review: CommitteeReview, at: Any = None) -> PacketAccess | None:
    at = at or timezone.now()
    return (
        PacketAccess.objects.filter(
            review=review,
            member=member,
            revoked_at__isnull=True,
            opens_at__lte=at,
            closes_at__gt=at,
        )
        .order_by("-closes_at")
        .first()
    )


def open_grants_by_review(*, member: Any, at: Any = None) -> dict[int, PacketAccess]:
    """The member's open grants, one per review (the one closing last): one query."""
    at = at or timezone.now()
    grants: dict[int, PacketAccess] = {}
    for grant in PacketAccess.objects.filter(
        member=member, revoked_at__isnull=True, opens_at__lte=at, closes_at__gt=at
    ).order_by("closes_at"):
        grants[grant.review_id] = grant
    return grants


def member_has_open_access(*, member: Any, review: CommitteeReview) -> bool:
    return open_grant(member=member, review=review) is not None


def packet_for(*, user: Any, review: CommitteeReview, via: str = "web") -> ReviewPacket:
    """The latest packet, if ``user`` may read it now; every read is logged. Otherwise the same
    404 as for a packet that does not exist (and the refusal is audited)."""
    from openprecinct.oversight.services import packet_view_log

    access = perms.can_vote_in_committee(user) and member_has_open_access(
        member=user, review=review
    )
    packet = review.packets.order_by("-version").first()
    allowed = (
        perms.can_read_packet(user, access_open=access)
        and not review.complaint.is_sealed
        and review.status != "withdrawn"
    )
    if packet is None or not allowed:
        if packet is not None:
            audit_record(
                action="access.denied",
                obj=packet,
                outcome="denied",
                details={"why": "packet access closed or not allowed"},
            )
        raise Http404("No packet available.")
    packet_view_log(viewer=user, packet=packet, via=via)
    return packet


def recommendations_for(user: Any) -> QuerySet[Recommendation]:
    if not perms.can_use_oversight(user):
        return Recommendation.objects.none()
    qs = Recommendation.objects.select_related("review__complaint")
    if not perms.can_view_sealed_records(user):
        # a case recommendation about a complaint sealed later disappears with it
        qs = qs.exclude(review__complaint__is_sealed=True)
    return qs


def recommendation_get_for(*, user: Any, recommendation_id: int) -> Recommendation:
    rec = recommendations_for(user).filter(pk=recommendation_id).first()
    if rec is None:
        raise Http404("No such recommendation.")
    return rec


def eligible_complaints_for(user: Any) -> Any:
    """Eligible complaints not yet before the committee (staff only)."""
    if not perms.can_staff_oversight(user):
        return []
    from openprecinct.accountability.selectors import complaints_eligible_for_oversight

    return (
        complaints_eligible_for_oversight()
        .exclude(committee_reviews__status__in=[s for s in _live_statuses()])
        .order_by("-received_date")
    )


def _live_statuses() -> list[str]:
    from openprecinct.oversight.models import ReviewStatus

    return [s for s in ReviewStatus.values if s != ReviewStatus.WITHDRAWN]


def dashboard(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Recommendations and responses: counts, response times, overdue answers."""
    today = today or timezone.localdate()
    recs = list(recommendations_for(user))
    responses = Counter(r.response for r in recs)
    implementation = Counter(r.implementation for r in recs if r.response != Response.REJECT)
    answered = [r for r in recs if r.responded_on is not None]
    days = sorted((r.responded_on - r.issued_on).days for r in answered)
    on_time = sum(1 for r in answered if r.responded_on <= r.response_due_on)
    overdue = [r for r in recs if r.response == Response.PENDING and r.response_due_on < today]
    due_soon = [
        r
        for r in recs
        if r.response == Response.PENDING and 0 <= (r.response_due_on - today).days <= 7
    ]
    reviews = reviews_for(user)
    return {
        "recommendations": recs,
        "total": len(recs),
        "by_kind": dict(Counter(r.kind for r in recs)),
        "responses": {k: responses.get(k, 0) for k in Response.values},
        "implementation": dict(implementation),
        "median_days_to_respond": statistics.median(days) if days else None,
        "answered_on_time": on_time,
        "answered": len(answered),
        "overdue": overdue,
        "due_soon": due_soon,
        "reviews_by_status": dict(Counter(reviews.values_list("status", flat=True))),
    }
