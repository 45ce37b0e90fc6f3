"""The commanding officer's accountability dashboard (figures from what the user may see).

Everything is counted from the user's own selectors, so a sealed complaint is in no count
for a role that may not see it. The precinct's own cases and each imported CCRB dataset are
reported separately, never added together (they overlap and are selected differently).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import median
from typing import Any

from django.db.models import Count

from openprecinct.accountability import selectors
from openprecinct.accountability.ccrb import BIAS_NOTES
from openprecinct.accountability.models import Complaint, FadoType, ForceReport, outcome_of
from openprecinct.accountability.sol import today

OUTCOMES = (
    "substantiated",
    "unsubstantiated",
    "exonerated",
    "unfounded",
    "truncated",
    "mediated",
    "open",
)
CLOCK_BANDS = (
    ("past", "Past the 18-month limit"),
    ("lt30", "Under 30 days left"),
    ("lt90", "30–89 days left"),
    ("lt180", "90–179 days left"),
    ("ok", "180 days or more left"),
)


def _band(days_left: int) -> str:
    if days_left < 0:
        return "past"
    if days_left < 30:
        return "lt30"
    if days_left < 90:
        return "lt90"
    if days_left < 180:
        return "lt180"
    return "ok"


def fado_by_outcome(user: Any, sources: tuple[str, ...]) -> dict[str, Any]:
    rows = (
        selectors.allegations_for(user)
        .filter(complaint__source__in=sources)
        .values("fado_type", "disposition")
        .annotate(n=Count("pk"))
    )
    table: dict[str, Counter] = defaultdict(Counter)
    dispositions: Counter = Counter()
    for r in rows:
        table[r["fado_type"] or "unknown"][outcome_of(r["disposition"])] += r["n"]
        dispositions[r["disposition"]] += r["n"]
    labels = dict(FadoType.choices)
    lines = [
        {
            "fado": labels.get(f, f),
            "cells": [table[f][o] for o in OUTCOMES],
            "total": sum(table[f].values()),
        }
        for f in [*FadoType.values, "unknown"]
        if table.get(f)
    ]
    return {
        "outcomes": OUTCOMES,
        "lines": lines,
        "total": sum(line["total"] for line in lines),
        "totals": [sum(table[f][o] for f in table) for o in OUTCOMES],
        "dispositions": dispositions,
    }


def time_to_close(user: Any, sources: tuple[str, ...]) -> dict[str, Any]:
    closed = selectors.complaints_for(user).filter(source__in=sources, closed_date__isnull=False)
    days = []
    within = 0
    for received, closed_on, limit in closed.values_list(
        "received_date", "closed_date", "sol_date"
    ):
        days.append((closed_on - received).days)
        if limit is not None and closed_on <= limit:
            within += 1
    return {
        "closed": len(days),
        "median_days": median(days) if days else None,
        "within_18_months": within,
        "share_within": (within / len(days)) if days else None,
    }


def open_against_clock(user: Any) -> dict[str, Any]:
    qs = selectors.complaints_for(user).filter(source__in=selectors.LOCAL_SOURCES)
    now = today()
    bands: Counter = Counter()
    soonest = []
    for c in qs.exclude(status__in=("closed", "referred", "mediated", "truncated")):
        if c.sol_date is None:
            continue
        left = (c.sol_date - now).days
        bands[_band(left)] += 1
        soonest.append((left, c))
    soonest.sort(key=lambda x: x[0])
    return {
        "bands": [(label, bands[key]) for key, label in CLOCK_BANDS],
        "soonest": [{"complaint": c, "days_left": d} for d, c in soonest[:10]],
        "open": sum(bands.values()),
    }


def force_by_level(user: Any) -> list[dict[str, Any]]:
    qs = selectors.force_reports_for(user).exclude(status=ForceReport.Status.DRAFT)
    rows = qs.values("level").annotate(n=Count("pk"))
    counts = {r["level"]: r["n"] for r in rows}
    fbi = dict(qs.filter(fbi_reportable=True).values_list("level").annotate(n=Count("pk")))
    return [
        {"level": lvl, "label": label, "incidents": counts.get(lvl, 0), "fbi": fbi.get(lvl, 0)}
        for lvl, label in ForceReport.Level.choices
    ]


def status_counts(user: Any) -> list[tuple[str, int]]:
    rows = dict(
        selectors.complaints_for(user)
        .filter(source__in=selectors.LOCAL_SOURCES)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [(label, rows.get(value, 0)) for value, label in Complaint.Status.choices]


def history(user: Any) -> list[dict[str, Any]]:
    """Each imported CCRB dataset, with its selection-bias note."""
    out = []
    for source in (Complaint.Source.PROPUBLICA, Complaint.Source.MOS):
        fado = fado_by_outcome(user, (source,))
        if not fado["total"]:
            continue
        out.append(
            {
                "label": Complaint.Source(source).label,
                "note": BIAS_NOTES[source],
                "fado": fado,
                "complaints": selectors.complaints_for(user).filter(source=source).count(),
                "close": time_to_close(user, (source,))
                if source == Complaint.Source.PROPUBLICA
                else None,
            }
        )
    return out


def build(user: Any) -> dict[str, Any]:
    local = selectors.LOCAL_SOURCES
    return {
        "fado": fado_by_outcome(user, local),
        "close": time_to_close(user, local),
        "clock": open_against_clock(user),
        "force": force_by_level(user),
        "statuses": status_counts(user),
        "history": history(user),
    }
