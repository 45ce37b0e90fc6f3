"""Early intervention: evaluate the indicator rules and raise alerts with the facts behind them.

Inputs, and only these: conduct events (``accountability.selectors.conduct_events``), the
roster (``accountability.Officer``: assignment), exposure (calls handled from
``dispatch.selectors.calls_handled_by_officer``; arrests and tours from ``OfficerActivity``).
Wellness-programme participation is never read here (``tests/personnel`` checks both the code
and the behaviour).

``evaluate_all`` is idempotent: an alert is keyed by officer, rule and the exact set of events
that triggered it, and no new alert is raised while one for the same officer and rule is open.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from openprecinct.core.audit import audit_record
from openprecinct.personnel.models import Alert, AlertStatus, IndicatorRule, OfficerActivity

OPEN_STATUSES = (
    AlertStatus.RAISED,
    AlertStatus.SUPERVISOR_REVIEW,
    AlertStatus.MONITORING,
    AlertStatus.PLAN_ACTIVE,
)

# The rules the platform starts with (San Jose: 3 complaints in 6 months; CMPD: 3 uses of force
# in 90 days). They are rows in IndicatorRule and the commanding officer can change them.
DEFAULT_RULES = [
    {
        "code": "complaints-6-months",
        "name": "Civilian complaints",
        "kind": "complaint",
        "threshold": 3,
        "window_days": 182,
        "exposure": "calls",
        "peer_multiple": None,
        "description": "3 or more civilian complaints in 6 months (San Jose's rule).",
    },
    {
        "code": "force-90-days",
        "name": "Uses of force",
        "kind": "force",
        "threshold": 3,
        "window_days": 90,
        "exposure": "arrests",
        "peer_multiple": None,
        "description": "3 or more uses of force in 90 days (Charlotte-Mecklenburg's rule).",
    },
    {
        "code": "force-vs-peers-12-months",
        "name": "Force rate against peers",
        "kind": "force",
        "threshold": 2,
        "window_days": 365,
        "exposure": "arrests",
        "peer_multiple": "2.00",
        "description": "2 or more uses of force in a year and a rate per arrest at least twice "
        "the median of officers in the same assignment.",
    },
    {
        "code": "pursuits-12-months",
        "name": "Vehicle pursuits",
        "kind": "pursuit",
        "threshold": 2,
        "window_days": 365,
        "exposure": "none",
        "peer_multiple": None,
        "description": "2 or more vehicle pursuits in 12 months.",
    },
]


def ensure_default_rules() -> int:
    """Create the default rules that do not exist yet (never overwrite an edited rule)."""
    created = 0
    for spec in DEFAULT_RULES:
        _, made = IndicatorRule.objects.get_or_create(code=spec["code"], defaults=spec)
        created += int(made)
    return created


@dataclass(frozen=True)
class Finding:
    officer_id: int
    rule: IndicatorRule
    window_start: date
    window_end: date
    events: list[dict[str, Any]]
    facts: dict[str, Any]

    @property
    def trigger_key(self) -> str:
        ids = sorted(f"{e['kind']}:{e['source_id']}" for e in self.events)
        return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def _conduct_events(start: date, end: date) -> list[dict[str, Any]]:
    from openprecinct.accountability.selectors import conduct_events

    return list(conduct_events(start, end))


def _sealed_sources(events: list[dict[str, Any]]) -> set[str]:
    """The source ids (``complaint:12``...) of sealed records among ``events``: they count
    towards a rule but are never shown, not even by their id (contract 2)."""
    from openprecinct.accountability.models import Complaint, ForceReport, IACase

    models = {"complaint": Complaint, "force_report": ForceReport, "ia_case": IACase}
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        prefix, _, pk = str(event["source_id"]).partition(":")
        if prefix in models and pk.isdigit():
            wanted[prefix].add(int(pk))
    sealed: set[str] = set()
    for prefix, pks in wanted.items():
        rows = (
            models[prefix].objects.filter(pk__in=pks, is_sealed=True).values_list("pk", flat=True)
        )
        sealed |= {f"{prefix}:{pk}" for pk in rows}
    return sealed


def _shown(event: dict[str, Any], sealed: set[str]) -> dict[str, Any]:
    if str(event["source_id"]) in sealed:
        return {
            "kind": event["kind"],
            "occurred_on": event["occurred_on"].strftime("%Y-%m"),
            "source_id": "sealed record (counted, not shown)",
        }
    return {
        "kind": event["kind"],
        "occurred_on": event["occurred_on"].isoformat(),
        "source_id": str(event["source_id"]),
    }


def _calls_handled(start: date, end: date) -> dict[int, int] | None:
    """Calls handled per user id, or None while dispatch cannot say (not installed yet)."""
    try:
        from openprecinct.dispatch.selectors import calls_handled_by_officer
    except ImportError:
        return None
    return dict(calls_handled_by_officer(start, end))


def _officers() -> dict[int, Any]:
    from openprecinct.accountability.models import Officer

    return {o.pk: o for o in Officer.objects.all()}


def _assignment(officer: Any) -> str:
    for name in ("assignment", "command", "precinct"):
        value = getattr(officer, name, "")
        if value:
            return str(value)
    return ""


def exposure_by_officer(
    kind: str, start: date, end: date, officers: dict[int, Any]
) -> dict[int, int] | None:
    """Exposure in the window per officer id, or None when that measure is not available."""
    if kind == "calls":
        by_user = _calls_handled(start, end)
        if by_user is None:
            return None
        return {
            pk: by_user.get(o.user_id, 0)
            for pk, o in officers.items()
            if getattr(o, "user_id", None)
        }
    if kind in ("arrests", "tours"):
        rows = (
            OfficerActivity.objects.filter(month__gte=start.replace(day=1), month__lte=end)
            .values("officer_id")
            .annotate(total=Sum(kind))
        )
        return {r["officer_id"]: r["total"] or 0 for r in rows}
    return None


def _rate(count: int, exposure: int | None) -> float | None:
    if not exposure:
        return None
    return round(count * 100.0 / exposure, 3)


def evaluate_rule(
    rule: IndicatorRule,
    as_of: date,
    *,
    events: list[dict[str, Any]] | None = None,
    officers: dict[int, Any] | None = None,
) -> list[Finding]:
    """Every officer who meets ``rule`` on ``as_of``, with the facts that made them meet it."""
    start = as_of - timedelta(days=rule.window_days - 1)
    officers = _officers() if officers is None else officers
    if events is None:
        events = _conduct_events(start, as_of)
    by_officer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event["kind"] == rule.kind and start <= event["occurred_on"] <= as_of:
            by_officer[int(event["officer_id"])].append(event)
    exposure = exposure_by_officer(rule.exposure, start, as_of, officers)
    flagged = [e for pk, own in by_officer.items() if len(own) >= rule.threshold for e in own]
    sealed = _sealed_sources(flagged) if flagged else set()
    # rates of everyone in each assignment (peers include officers with no events: rate 0)
    peer_rates: dict[str, list[float]] = defaultdict(list)
    if exposure is not None:
        for pk, officer in officers.items():
            rate = _rate(len(by_officer.get(pk, [])), exposure.get(pk))
            if rate is not None:
                peer_rates[_assignment(officer)].append(rate)
    findings = []
    for officer_id, own in sorted(by_officer.items()):
        if len(own) < rule.threshold:
            continue
        officer = officers.get(officer_id)
        assignment = _assignment(officer) if officer is not None else ""
        own_exposure = exposure.get(officer_id) if exposure is not None else None
        rate = _rate(len(own), own_exposure)
        peers = peer_rates.get(assignment, [])
        peer_median = statistics.median(peers) if peers else None
        facts: dict[str, Any] = {
            "rule": rule.code,
            "rule_text": str(rule),
            "kind": rule.kind,
            "count": len(own),
            "threshold": rule.threshold,
            "window_days": rule.window_days,
            "assignment": assignment,
            "exposure_measure": rule.exposure,
            "exposure": own_exposure,
            "rate_per_100": rate,
            "peer_count": len(peers),
            "peer_median_rate_per_100": peer_median,
            "peer_multiple_required": float(rule.peer_multiple) if rule.peer_multiple else None,
            "events": [
                _shown(e, sealed)
                for e in sorted(own, key=lambda e: (e["occurred_on"], str(e["source_id"])))
            ],
        }
        if rule.peer_multiple:
            if rate is None or peer_median is None:
                facts["peer_comparison"] = "not available (no exposure figures); count alone used"
            elif peer_median > 0 and rate < float(rule.peer_multiple) * peer_median:
                continue  # high count, but in line with peers doing the same work
            else:
                facts["peer_comparison"] = (
                    f"rate {rate} per 100 is at least {rule.peer_multiple}× the peer median "
                    f"{peer_median}"
                )
        findings.append(
            Finding(
                officer_id=officer_id,
                rule=rule,
                window_start=start,
                window_end=as_of,
                events=own,
                facts=facts,
            )
        )
    return findings


def _raise(finding: Finding, as_of: date) -> Alert | None:
    if Alert.objects.filter(
        officer_id=finding.officer_id, rule=finding.rule, status__in=OPEN_STATUSES
    ).exists():
        return None
    if Alert.objects.filter(
        officer_id=finding.officer_id, rule=finding.rule, trigger_key=finding.trigger_key
    ).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                officer_id=finding.officer_id,
                rule=finding.rule,
                raised_on=as_of,
                window_start=finding.window_start,
                window_end=finding.window_end,
                trigger_key=finding.trigger_key,
                facts=finding.facts,
            )
            audit_record(
                action="eis.alert.raise",
                obj=alert,
                details={
                    "rule": finding.rule.code,
                    "officer_id": finding.officer_id,
                    "count": finding.facts["count"],
                },
            )
    except IntegrityError:  # raised concurrently by another run
        return None
    return alert


def evaluate_all(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Evaluate every active rule on ``as_of``; raise the alerts that are new. Idempotent."""
    rules = list(IndicatorRule.objects.filter(active=True))
    longest = max((r.window_days for r in rules), default=1)
    events = _conduct_events(as_of - timedelta(days=longest - 1), as_of)
    officers = _officers()
    raised = 0
    matched = 0
    for number, rule in enumerate(rules, 1):
        for finding in evaluate_rule(rule, as_of, events=events, officers=officers):
            matched += 1
            if _raise(finding, as_of) is not None:
                raised += 1
        if progress is not None:
            progress(number, len(rules))
    return {
        "as_of": as_of.isoformat(),
        "rules": len(rules),
        "events": len(events),
        "matched": matched,
        "raised": raised,
    }
