"""Writing the committee's work: reviews (an explicit transition table), packets, access,
votes, meetings, recommendations, the department's responses and their implementation.

Every change is one function, inside one transaction with its audit entry.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.oversight import packets
from openprecinct.oversight.models import (
    CommitteeReview,
    Implementation,
    ImplementationUpdate,
    Meeting,
    MemberVote,
    PacketAccess,
    PacketView,
    Recommendation,
    Response,
    ReviewPacket,
    ReviewStatus,
    ReviewStep,
    VoteChoice,
)

S = ReviewStatus
STAFF = "staff"  # can_staff_oversight: internal affairs, commanding officer
MEMBER = "member"  # can_vote_in_committee: committee members

# (from status, action) -> (to status, who may take it). Anything else is refused.
REVIEW_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.ELIGIBLE, "prepare_packet"): (S.PACKET_PREPARED, STAFF),
    (S.PACKET_PREPARED, "prepare_packet"): (S.PACKET_PREPARED, STAFF),
    (S.PACKET_PREPARED, "open_access"): (S.MEMBER_ACCESS, STAFF),
    (S.MEMBER_ACCESS, "prepare_packet"): (S.MEMBER_ACCESS, STAFF),
    (S.MEMBER_ACCESS, "discuss"): (S.DISCUSSED, MEMBER),
    (S.DISCUSSED, "decide"): (S.DECIDED, MEMBER),
    (S.DECIDED, "close"): (S.CLOSED, MEMBER),
    (S.CLOSED, "publish"): (S.PUBLISHED, MEMBER),
    (S.ELIGIBLE, "withdraw"): (S.WITHDRAWN, STAFF),
    (S.PACKET_PREPARED, "withdraw"): (S.WITHDRAWN, STAFF),
    (S.MEMBER_ACCESS, "withdraw"): (S.WITHDRAWN, STAFF),
    (S.DISCUSSED, "withdraw"): (S.WITHDRAWN, STAFF),
    (S.DECIDED, "withdraw"): (S.WITHDRAWN, STAFF),
}
REVIEW_ACTIONS = sorted({action for _, action in REVIEW_TRANSITIONS})
VOTING_STATUSES = (S.MEMBER_ACCESS, S.DISCUSSED)
DEFAULT_ACCESS_DAYS = 14
DEFAULT_RESPONSE_DAYS = 60


def _audit(actor: Any, **kw: Any) -> None:
    """An audit entry naming ``actor`` (the same person the request context names, and still
    right when a service runs outside a request: a command, a job, a test)."""
    audit_record(
        actor_id=getattr(actor, "pk", None), actor_username=getattr(actor, "username", ""), **kw
    )


def _may(actor: Any, who: str) -> bool:
    if who == STAFF:
        return perms.can_staff_oversight(actor)
    return perms.can_vote_in_committee(actor)


def _check(review: CommitteeReview, *, actor: Any, action: str) -> str:
    """The target status of ``action``, or the error that says why it is refused."""
    entry = REVIEW_TRANSITIONS.get((review.status, action))
    if entry is None:
        raise TransitionNotAllowed(
            f"A review that is '{review.get_status_display()}' can't take the step '{action}'."
        )
    target, who = entry
    if not _may(actor, who):
        raise ApplicationError(
            f"Only {'oversight staff' if who == STAFF else 'committee members'} can take the "
            f"step '{action}'."
        )
    return target


def _transition(
    review: CommitteeReview, *, actor: Any, action: str, note: str = ""
) -> CommitteeReview:
    """Apply one move of the table to a locked review, write the step and the audit entry."""
    target = _check(review, actor=actor, action=action)
    before = review.status
    review.status = target
    review.save()
    ReviewStep.objects.create(
        review=review,
        action=action,
        from_status=before,
        to_status=target,
        actor=actor,
        at=timezone.now(),
        note=note,
    )
    _audit(
        actor,
        action=f"oversight.review.{action}",
        obj=review,
        details={"from": before, "to": target, **({"note": note} if note else {})},
    )
    return review


def _locked(review: CommitteeReview) -> CommitteeReview:
    return CommitteeReview.objects.select_for_update().get(pk=review.pk)


def _next_number(model: Any, prefix: str) -> str:
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    last = model.objects.filter(number__startswith=stem).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{n:03d}"


# --- reviews ----------------------------------------------------------------------------------
def review_open(*, actor: Any, complaint: Any, reason: str = "") -> CommitteeReview:
    """Put an eligible complaint before the committee."""
    from openprecinct.accountability.selectors import complaints_eligible_for_oversight

    if not perms.can_staff_oversight(actor):
        raise ApplicationError("Only oversight staff can put a case before the committee.")
    if not complaints_eligible_for_oversight().filter(pk=complaint.pk).exists():
        raise ApplicationError(
            "That complaint is not eligible for committee review (it must be at findings or "
            "closed, and not sealed)."
        )
    try:
        with transaction.atomic():
            review = CommitteeReview.objects.create(
                number=_next_number(CommitteeReview, "CR"),
                complaint=complaint,
                selected_reason=reason.strip(),
                opened_by=actor,
            )
            ReviewStep.objects.create(
                review=review,
                action="open",
                to_status=review.status,
                actor=actor,
                at=timezone.now(),
                note=reason.strip(),
            )
            _audit(
                actor,
                action="oversight.review.open",
                obj=review,
                details={"complaint": complaint.pk, "to": review.status},
            )
    except IntegrityError:
        raise ApplicationError("That complaint is already before the committee.") from None
    return review


def packet_build(*, actor: Any, review: CommitteeReview) -> ReviewPacket:
    """Build (or rebuild) the redacted packet: the transition ``prepare_packet``."""
    with transaction.atomic():
        review = _locked(review)
        complaint = type(review.complaint).objects.select_for_update().get(pk=review.complaint_id)
        _check(review, actor=actor, action="prepare_packet")
        content, withheld = packets.build_packet_content(complaint)
        _transition(review, actor=actor, action="prepare_packet")
        version = (review.packets.aggregate(m=Max("version"))["m"] or 0) + 1
        packet = ReviewPacket.objects.create(
            review=review,
            version=version,
            content=content,
            withheld=withheld,
            content_sha256=packets.content_hash(content),
            built_by=actor,
            built_at=timezone.now(),
        )
        _audit(
            actor,
            action="oversight.packet.build",
            obj=packet,
            details={"review": review.pk, "version": version, "sha256": packet.content_sha256},
        )
    return packet


def _members(members: Any) -> list[Any]:
    members = list(members)
    if not members:
        raise ApplicationError("Choose at least one committee member.")
    wrong = [m.username for m in members if getattr(m, "role", "") != Role.OVERSIGHT_MEMBER]
    if wrong:
        raise ApplicationError(
            "Only committee members can be given packet access: " + ", ".join(wrong) + "."
        )
    return members


def access_open(
    *, actor: Any, review: CommitteeReview, members: Any, days: int = DEFAULT_ACCESS_DAYS
) -> CommitteeReview:
    """Open the packet to members for ``days`` days: the transition ``open_access``."""
    if not 1 <= int(days) <= 90:
        raise ApplicationError("Access lasts between 1 and 90 days.")
    with transaction.atomic():
        review = _locked(review)
        _check(review, actor=actor, action="open_access")
        members = _members(members)
        _transition(review, actor=actor, action="open_access", note=f"{days} days")
        now = timezone.now()
        for member in members:
            _grant(review, member=member, actor=actor, opens_at=now, days=int(days))
    return review


def _grant(
    review: CommitteeReview, *, member: Any, actor: Any, opens_at: datetime, days: int
) -> PacketAccess:
    grant = PacketAccess.objects.create(
        review=review,
        member=member,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
        granted_by=actor,
    )
    _audit(
        actor,
        action="oversight.access.grant",
        obj=grant,
        details={
            "review": review.pk,
            "member": member.pk,
            "closes_at": grant.closes_at.isoformat(),
        },
    )
    return grant


def access_grant(
    *, actor: Any, review: CommitteeReview, member: Any, days: int = DEFAULT_ACCESS_DAYS
) -> PacketAccess:
    """Give one more member (or the same member again) access while the review is open."""
    if not perms.can_staff_oversight(actor):
        raise ApplicationError("Only oversight staff can give packet access.")
    if not 1 <= int(days) <= 90:
        raise ApplicationError("Access lasts between 1 and 90 days.")
    _members([member])
    with transaction.atomic():
        review = _locked(review)
        if review.status not in (S.MEMBER_ACCESS, S.DISCUSSED):
            raise ApplicationError("Access is given while the review is open to members.")
        return _grant(review, member=member, actor=actor, opens_at=timezone.now(), days=int(days))


def access_revoke(*, actor: Any, grant: PacketAccess) -> PacketAccess:
    if not perms.can_staff_oversight(actor):
        raise ApplicationError("Only oversight staff can end packet access.")
    with transaction.atomic():
        grant = PacketAccess.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.save(update_fields=["revoked_at"])
            _audit(actor, action="oversight.access.revoke", obj=grant, details={})
    return grant


def _close_all_access(review: CommitteeReview, *, actor: Any) -> None:
    now = timezone.now()
    for grant in review.grants.filter(revoked_at__isnull=True, closes_at__gt=now):
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        _audit(actor, action="oversight.access.revoke", obj=grant, details={"why": "review ended"})


def packet_view_log(*, viewer: Any, packet: ReviewPacket, via: str = "web") -> PacketView:
    """Record that someone read a packet (selectors call this on every read)."""
    with transaction.atomic():
        view = PacketView.objects.create(packet=packet, viewer=viewer, at=timezone.now(), via=via)
        _audit(
            viewer,
            action="oversight.packet.view",
            obj=packet,
            details={"review": packet.review_id, "version": packet.version, "via": via},
        )
    return view


def review_discuss(*, actor: Any, review: CommitteeReview, meeting: Meeting | None = None) -> Any:
    with transaction.atomic():
        review = _locked(review)
        _transition(
            review,
            actor=actor,
            action="discuss",
            note=f"meeting {meeting.pk}" if meeting is not None else "",
        )
        if meeting is not None:
            meeting.reviews.add(review)
    return review


def vote_cast(
    *,
    member: Any,
    review: CommitteeReview,
    choice: str,
    reason: str = "",
    meeting: Meeting | None = None,
) -> MemberVote:
    """A member's vote (or a changed vote) while the review is open and their access is open."""
    from openprecinct.oversight.selectors import member_has_open_access

    if not perms.can_vote_in_committee(member):
        raise ApplicationError("Only committee members vote.")
    if choice not in VoteChoice.values:
        raise ApplicationError("Vote agree, disagree or further_investigation.")
    if choice != VoteChoice.AGREE and not reason.strip():
        raise ApplicationError("Say why you disagree or want further investigation.")
    with transaction.atomic():
        review = _locked(review)
        if review.status not in VOTING_STATUSES:
            raise ApplicationError("Votes are cast while the review is open or being discussed.")
        if not member_has_open_access(member=member, review=review):
            raise ApplicationError("Your access to this case has ended; you can't vote on it.")
        vote, created = MemberVote.objects.update_or_create(
            review=review,
            member=member,
            defaults={
                "choice": choice,
                "reason": reason.strip(),
                "meeting": meeting,
                "cast_at": timezone.now(),
            },
        )
        _audit(
            member,
            action="oversight.vote." + ("cast" if created else "change"),
            obj=vote,
            details={"review": review.pk, "choice": choice},
        )
    return vote


def tally(votes: Any) -> str:
    """Majority of the votes cast; a tie sends the case back for further investigation
    (the committee did not agree that the findings stand)."""
    counts = Counter(v.choice for v in votes)
    if not counts:
        return ""
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return VoteChoice.FURTHER
    return ranked[0][0]


def review_decide(*, actor: Any, review: CommitteeReview) -> CommitteeReview:
    """Close the vote: the committee's position is the majority of members' votes."""
    with transaction.atomic():
        review = _locked(review)
        _check(review, actor=actor, action="decide")
        votes = list(review.votes.all())
        if not votes:
            raise ApplicationError("No member has voted yet.")
        review.outcome = tally(votes)
        _transition(
            review,
            actor=actor,
            action="decide",
            note=", ".join(
                f"{c}: {n}" for c, n in sorted(Counter(v.choice for v in votes).items())
            ),
        )
        _close_all_access(review, actor=actor)
    return review


def review_close(*, actor: Any, review: CommitteeReview) -> CommitteeReview:
    with transaction.atomic():
        review = _locked(review)
        _transition(review, actor=actor, action="close")
    return review


def review_publish(*, actor: Any, review: CommitteeReview, summary: str) -> CommitteeReview:
    """Publish a public summary: plain words, no names, no case details."""
    summary = summary.strip()
    with transaction.atomic():
        review = _locked(review)
        _check(review, actor=actor, action="publish")
        if len(summary) < 20:
            raise ApplicationError("Write a public summary of at least 20 characters.")
        review.public_summary = summary
        review.published_on = timezone.localdate()
        _transition(review, actor=actor, action="publish")
    return review


def review_withdraw(*, actor: Any, review: CommitteeReview, reason: str) -> CommitteeReview:
    with transaction.atomic():
        review = _locked(review)
        _check(review, actor=actor, action="withdraw")
        if not reason.strip():
            raise ApplicationError("Say why the review is withdrawn.")
        _transition(review, actor=actor, action="withdraw", note=reason.strip())
        _close_all_access(review, actor=actor)
    return review


def review_act(*, actor: Any, review: CommitteeReview, action: str, **kw: Any) -> Any:
    """One entry point per action name, for the pages, the API and the transition tests."""
    handlers = {
        "prepare_packet": lambda: packet_build(actor=actor, review=review),
        "open_access": lambda: access_open(
            actor=actor, review=review, members=kw.get("members", []), days=kw.get("days", 14)
        ),
        "discuss": lambda: review_discuss(actor=actor, review=review, meeting=kw.get("meeting")),
        "decide": lambda: review_decide(actor=actor, review=review),
        "close": lambda: review_close(actor=actor, review=review),
        "publish": lambda: review_publish(
            actor=actor, review=review, summary=kw.get("summary", "")
        ),
        "withdraw": lambda: review_withdraw(
            actor=actor, review=review, reason=kw.get("reason", "")
        ),
    }
    if action not in handlers:
        raise ApplicationError(f"Unknown step '{action}'.")
    return handlers[action]()


# --- meetings ---------------------------------------------------------------------------------
def meeting_create(
    *, actor: Any, held_at: datetime, kind: str = "closed", location: str = "", minutes: str = ""
) -> Meeting:
    if not (perms.can_vote_in_committee(actor) or perms.can_staff_oversight(actor)):
        raise ApplicationError("Your role can't schedule committee meetings.")
    if kind not in Meeting.Kind.values:
        raise ApplicationError("A meeting is 'closed' or 'public'.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_at=held_at, kind=kind, location=location, minutes=minutes, created_by=actor
        )
        _audit(actor, action="oversight.meeting.create", obj=meeting, details={"kind": kind})
    return meeting


def meeting_minutes(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    if not perms.can_vote_in_committee(actor):
        raise ApplicationError("Only committee members keep the minutes.")
    with transaction.atomic():
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes"])
        _audit(actor, action="oversight.meeting.minutes", obj=meeting, details={})
    return meeting


# --- recommendations --------------------------------------------------------------------------
RESPONSE_TRANSITIONS: dict[tuple[str, str], str] = {
    (Response.PENDING, Response.ACCEPT): Response.ACCEPT,
    (Response.PENDING, Response.PARTLY): Response.PARTLY,
    (Response.PENDING, Response.REJECT): Response.REJECT,
}
IMPLEMENTATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (Implementation.NOT_STARTED, "start"): Implementation.IN_PROGRESS,
    (Implementation.NOT_STARTED, "complete"): Implementation.IMPLEMENTED,
    (Implementation.IN_PROGRESS, "complete"): Implementation.IMPLEMENTED,
    (Implementation.NOT_STARTED, "abandon"): Implementation.ABANDONED,
    (Implementation.IN_PROGRESS, "abandon"): Implementation.ABANDONED,
}


def recommendation_issue(
    *,
    actor: Any,
    kind: str,
    text: str,
    public_summary: str = "",
    review: CommitteeReview | None = None,
    response_days: int = DEFAULT_RESPONSE_DAYS,
) -> Recommendation:
    """Send a recommendation to the department; its response is due ``response_days`` local
    days after the local date of issue."""
    if not perms.can_issue_recommendation(actor):
        raise ApplicationError("Only committee members issue recommendations.")
    problems = []
    if kind not in Recommendation.Kind.values:
        problems.append("choose 'case' or 'policy'")
    if kind == Recommendation.Kind.CASE and review is None:
        problems.append("a case recommendation needs its review")
    if len(text.strip()) < 10:
        problems.append("write the recommendation (at least 10 characters)")
    if not 7 <= int(response_days) <= 180:
        problems.append("the response period is between 7 and 180 days")
    if problems:
        raise ApplicationError("Fix the recommendation: " + "; ".join(problems) + ".")
    with transaction.atomic():
        if review is not None:
            review = _locked(review)
            if review.status not in (S.DECIDED, S.CLOSED, S.PUBLISHED):
                raise ApplicationError("Recommendations on a case follow the committee's vote.")
        now = timezone.now()
        issued_on = timezone.localdate(now)
        rec = Recommendation.objects.create(
            number=_next_number(Recommendation, "REC"),
            kind=kind,
            review=review,
            text=text.strip(),
            public_summary=public_summary.strip(),
            issued_at=now,
            issued_on=issued_on,
            response_due_on=issued_on + timedelta(days=int(response_days)),
            issued_by=actor,
        )
        _audit(
            actor,
            action="oversight.recommendation.issue",
            obj=rec,
            details={
                "kind": kind,
                "review": review.pk if review else None,
                "due": rec.response_due_on.isoformat(),
            },
        )
    return rec


def recommendation_respond(
    *, actor: Any, recommendation: Recommendation, response: str, reason: str = ""
) -> Recommendation:
    """The department's answer: accept, partly, or reject; a reason is mandatory unless
    the recommendation is accepted in full."""
    if not perms.can_respond_to_recommendation(actor):
        raise ApplicationError("Only the commanding officer answers for the department.")
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        target = RESPONSE_TRANSITIONS.get((rec.response, response))
        if target is None:
            raise TransitionNotAllowed(
                f"A recommendation that is '{rec.get_response_display()}' can't be answered "
                f"'{response}'."
            )
        if target != Response.ACCEPT and not reason.strip():
            raise ApplicationError("Give the reason for a partial acceptance or a rejection.")
        before = rec.response
        rec.response = target
        rec.response_reason = reason.strip()
        rec.responded_on = timezone.localdate()
        rec.responded_by = actor
        rec.implementation = (
            Implementation.NOT_APPLICABLE
            if target == Response.REJECT
            else Implementation.NOT_STARTED
        )
        rec.save()
        _audit(
            actor,
            action="oversight.recommendation.respond",
            obj=rec,
            details={
                "from": before,
                "to": target,
                "late": rec.responded_on > rec.response_due_on,
            },
        )
    return rec


def implementation_update(
    *, actor: Any, recommendation: Recommendation, step: str, note: str
) -> Recommendation:
    if not perms.can_respond_to_recommendation(actor):
        raise ApplicationError("Only the commanding officer reports on implementation.")
    if not note.strip():
        raise ApplicationError("Say what was done.")
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        target = IMPLEMENTATION_TRANSITIONS.get((rec.implementation, step))
        if target is None or rec.response not in (Response.ACCEPT, Response.PARTLY):
            raise TransitionNotAllowed(
                f"Implementation that is '{rec.get_implementation_display()}' can't take the "
                f"step '{step}'."
            )
        before = rec.implementation
        rec.implementation = target
        rec.save(update_fields=["implementation"])
        ImplementationUpdate.objects.create(
            recommendation=rec,
            from_status=before,
            to_status=target,
            note=note.strip(),
            actor=actor,
            at=timezone.now(),
        )
        _audit(
            actor,
            action="oversight.recommendation.implementation",
            obj=rec,
            details={"from": before, "to": target},
        )
    return rec
