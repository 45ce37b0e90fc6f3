"""Committee reviews move only along REVIEW_TRANSITIONS: every (status, action) pair is tried
by every role; allowed moves change the status and write a step and an audit entry, every
other move is refused and changes nothing."""

from __future__ import annotations

import pytest

from openprecinct.accounts.roles import Role
from openprecinct.core.errors import ApplicationError
from openprecinct.core.models import AuditEntry
from openprecinct.oversight import services
from openprecinct.oversight.models import (
    CommitteeReview,
    MemberVote,
    PacketAccess,
    ReviewStatus,
    ReviewStep,
)
from tests.oversight import factories

pytestmark = pytest.mark.django_db

ROLES = [*Role.values, "outsider"]
STAFF_ROLES = {"ia_investigator", "commanding_officer"}
MEMBER_ROLES = {"oversight_member"}


def _review_in(status: str, *, opened_by, member) -> CommitteeReview:
    """A review put straight into ``status`` (with what that status implies: a packet, an
    open grant and a vote for ``member``)."""
    from django.utils import timezone

    review = CommitteeReview.objects.create(
        number=f"CR-T-{CommitteeReview.objects.count() + 1}",
        complaint=factories.complaint(),
        opened_by=opened_by,
        status=status,
    )
    if status != ReviewStatus.ELIGIBLE:
        now = timezone.now()
        PacketAccess.objects.create(
            review=review,
            member=member,
            opens_at=now,
            closes_at=now + timezone.timedelta(days=5),
            granted_by=opened_by,
        )
        MemberVote.objects.create(review=review, member=member, choice="agree", cast_at=now)
    return review


def _who(action_status: tuple[str, str]) -> set[str]:
    entry = services.REVIEW_TRANSITIONS.get(action_status)
    if entry is None:
        return set()
    return STAFF_ROLES if entry[1] == services.STAFF else MEMBER_ROLES


@pytest.mark.parametrize("status", ReviewStatus.values)
@pytest.mark.parametrize("action", services.REVIEW_ACTIONS)
def test_every_move_by_every_role(status, action, personas):
    allowed_roles = _who((status, action))
    member = personas["oversight_member"]
    for role in ROLES:
        actor = personas[role]
        review = _review_in(status, opened_by=personas["commanding_officer"], member=member)
        before_audit = AuditEntry.objects.filter(action=f"oversight.review.{action}").count()
        kwargs = {
            "members": [member],
            "days": 7,
            "summary": "The committee agreed with the findings in this case.",
            "reason": "The complaint was sealed by a court.",
        }
        if role in allowed_roles:
            services.review_act(actor=actor, review=review, action=action, **kwargs)
            review.refresh_from_db()
            assert review.status == services.REVIEW_TRANSITIONS[(status, action)][0], role
            step = ReviewStep.objects.filter(review=review).latest("id")
            assert (step.action, step.from_status, step.actor) == (action, status, actor)
            entry = AuditEntry.objects.filter(action=f"oversight.review.{action}").latest("seq")
            assert entry.object_id == str(review.pk) and entry.actor_id == actor.pk
            assert entry.details["from"] == status
        else:
            with pytest.raises(ApplicationError):
                services.review_act(actor=actor, review=review, action=action, **kwargs)
            review.refresh_from_db()
            assert review.status == status, role
            assert not ReviewStep.objects.filter(review=review).exists()
            assert (
                AuditEntry.objects.filter(action=f"oversight.review.{action}").count()
                == before_audit
            )


def test_the_table_covers_the_whole_path():
    path = ["prepare_packet", "open_access", "discuss", "decide", "close", "publish"]
    status = ReviewStatus.ELIGIBLE
    for action in path:
        status = services.REVIEW_TRANSITIONS[(status, action)][0]
    assert status == ReviewStatus.PUBLISHED


def test_deciding_takes_the_majority_and_a_tie_asks_for_more_investigation():
    def v(*choices):
        return [MemberVote(choice=c) for c in choices]

    assert services.tally(v("agree", "agree", "disagree")) == "agree"
    assert services.tally(v("agree", "disagree")) == "further_investigation"
    assert services.tally(v("further_investigation")) == "further_investigation"


def test_a_decision_needs_a_vote(personas):
    member = personas["oversight_member"]
    review = _review_in("discussed", opened_by=personas["commanding_officer"], member=member)
    review.votes.all().delete()
    with pytest.raises(ApplicationError, match="No member has voted"):
        services.review_decide(actor=member, review=review)


def test_deciding_ends_everyones_packet_access(personas):
    member = personas["oversight_member"]
    review = _review_in("discussed", opened_by=personas["commanding_officer"], member=member)
    services.review_decide(actor=member, review=review)
    assert not PacketAccess.objects.filter(review=review, revoked_at__isnull=True).exists()


def test_opening_a_review_needs_an_eligible_complaint(personas):
    ia = personas["ia_investigator"]
    open_case = factories.complaint(status="investigating")
    with pytest.raises(ApplicationError, match="not eligible"):
        services.review_open(actor=ia, complaint=open_case)
    sealed = factories.complaint(is_sealed=True)
    with pytest.raises(ApplicationError, match="not eligible"):
        services.review_open(actor=ia, complaint=sealed)
    ok = factories.complaint()
    review = services.review_open(actor=ia, complaint=ok, reason="Force allegation")
    assert review.status == "eligible"
    assert AuditEntry.objects.filter(action="oversight.review.open", object_id=str(review.pk))
    with pytest.raises(ApplicationError, match="already before the committee"):
        services.review_open(actor=ia, complaint=ok)
    with pytest.raises(ApplicationError):
        services.review_open(actor=personas["oversight_member"], complaint=factories.complaint())
