"""Reads for the community pages and API: what each person may see, and the aggregates."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from openprecinct.accounts import permissions as perms

from .models import Donation, Event, Problem, SafetyPost, Survey, SurveyAnswer, Tip

# Survey cells with fewer responses than this are not shown on public pages.
SURVEY_MIN_RESPONSES = 5


def tips_for_user(user: Any) -> QuerySet[Tip]:
    qs = Tip.objects.exclude(status="purged")
    if perms.can_triage_tips(user):
        return qs
    if perms._has(user, *perms.TIP_INVESTIGATORS):
        return qs.filter(assigned_to=user, status__in=("assigned", "disposed"))
    return qs.none()


def tip_for_user(user: Any, pk: int) -> Tip:
    """The tip, or 404 for a tip that is missing *or* not this person's to see."""
    tip = tips_for_user(user).filter(pk=pk).first()
    if tip is None or not perms.can_view_tip(user, tip):
        raise Http404("No such tip.")
    return tip


def tip_view(user: Any, tip: Tip) -> dict[str, Any]:
    """What this person sees of a tip: coordinators the original, investigators only the
    screened text and the messages the coordinator screened."""
    original = perms.can_view_tip_original(user, tip)
    messages = []
    for m in tip.messages.all():
        if original:
            body = m.body
        elif m.author == "staff":
            body = m.body
        else:
            body = m.screened_body if m.screened else None
        messages.append({"message": m, "body": body})
    return {
        "narrative": tip.narrative_original if original else tip.narrative_screened,
        "screened": tip.narrative_screened,
        "original_visible": original,
        "messages": messages,
        "photos": [a for a in tip.attachments.all() if original or a.released],
    }


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(status__in=("published", "held", "cancelled")).order_by("starts_at")


def upcoming_events() -> QuerySet[Event]:
    return public_events().filter(status="published", ends_at__gte=timezone.now())


def public_posts(sector: str = "") -> QuerySet[SafetyPost]:
    qs = SafetyPost.objects.filter(status="published")
    if sector:
        qs = qs.filter(Q(sector=sector) | Q(sector=""))
    return qs.order_by("-updated_at")


def sector_problems(sector: str) -> QuerySet[Problem]:
    qs = Problem.objects.all()
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("-raised_on")


def public_ledger() -> dict[str, Any]:
    """Disclosed donations: donor (individuals unnamed unless they agreed), amount, purpose,
    and how each was allocated."""
    rows = []
    total = Decimal("0")
    for d in Donation.objects.filter(status="disclosed").prefetch_related("allocations"):
        total += d.amount
        rows.append(
            {
                "donor": d.public_donor,
                "kind": d.get_donor_kind_display(),
                "amount": d.amount,
                "in_kind": d.in_kind,
                "description": d.description,
                "received_on": d.received_on,
                "restricted_purpose": d.restricted_purpose,
                "allocations": [
                    {"purpose": a.purpose, "amount": a.amount, "on": a.allocated_on}
                    for a in d.allocations.all()
                ],
            }
        )
    return {"rows": rows, "total": total}


def survey_results(survey: Survey, *, suppress: bool = True) -> list[dict[str, Any]]:
    """Per sector and question: responses and the share agreeing (4 or 5 of 5). With
    ``suppress``, cells under SURVEY_MIN_RESPONSES show ``None`` instead of figures."""
    cells: dict[tuple[str, int], list[int]] = defaultdict(list)
    questions = {q.pk: q for q in survey.questions.all()}
    for sector, qid, value in SurveyAnswer.objects.filter(response__survey=survey).values_list(
        "response__sector", "question_id", "value"
    ):
        cells[(sector or "precinct", qid)].append(value)
        cells[("all", qid)].append(value)
    rows = []
    for (sector, qid), values in sorted(
        cells.items(), key=lambda kv: (kv[0][0], questions[kv[0][1]].number)
    ):
        n = len(values)
        hidden = suppress and n < SURVEY_MIN_RESPONSES
        rows.append(
            {
                "sector": sector,
                "question": questions[qid].text,
                "code": questions[qid].code,
                "responses": None if hidden else n,
                "agree_share": None if hidden else round(sum(v >= 4 for v in values) / n, 3),
                "suppressed": hidden,
            }
        )
    return rows


def _month(d: Any) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def community_outcomes() -> dict[str, list[dict[str, Any]]]:
    """Contract 5: raw aggregates for the portal (it suppresses small counts itself).
    Meetings held, problems raised and solved, and survey answers by quarter. No names."""
    meetings: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for kind, starts_at, attendance in Event.objects.filter(status="held").values_list(
        "kind", "starts_at", "attendance"
    ):
        local = timezone.localtime(starts_at)
        cell = meetings[(_month(local), kind)]
        cell[0] += 1
        cell[1] += attendance or 0
    problems: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for raised_on, solved_on in Problem.objects.values_list("raised_on", "solved_on"):
        problems[_month(raised_on)][0] += 1
        if solved_on is not None:
            problems[_month(solved_on)][1] += 1
    survey_rows = (
        SurveyAnswer.objects.filter(response__survey__status__in=("published", "closed"))
        .values("response__submitted_on", "question__code")
        .annotate(n=Count("id"), agree=Count("id", filter=Q(value__gte=4)))
    )
    survey: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in survey_rows:
        d = row["response__submitted_on"]
        period = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        cell = survey[(period, row["question__code"])]
        cell[0] += row["n"]
        cell[1] += row["agree"]
    return {
        "meetings": [
            {"month": m, "kind": k, "meetings": v[0], "attendees": v[1]}
            for (m, k), v in sorted(meetings.items())
        ],
        "problems": [
            {"month": m, "raised": v[0], "solved": v[1]} for m, v in sorted(problems.items())
        ],
        "survey": [
            {
                "period": p,
                "question": q,
                "responses": v[0],
                "agree_share": round(v[1] / v[0], 3) if v[0] else None,
            }
            for (p, q), v in sorted(survey.items())
        ],
    }


def dashboard_counts() -> dict[str, int]:
    return {
        "tips_untriaged": Tip.objects.filter(status="received").count(),
        "tips_unscreened": Tip.objects.filter(status="triaged").count(),
        "tip_messages_unscreened": Tip.objects.filter(
            messages__author="tipster", messages__screened=False
        )
        .exclude(status="purged")
        .distinct()
        .count(),
        "posts_in_review": SafetyPost.objects.filter(status="in_review").count(),
        "donations_pledged": Donation.objects.filter(status="pledged").count(),
        "problems_open": Problem.objects.exclude(status__in=("solved", "closed")).count(),
        "donations_total": int(
            Donation.objects.filter(status="disclosed").aggregate(s=Sum("amount"))["s"] or 0
        ),
    }
