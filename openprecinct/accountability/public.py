"""Contract 5: raw public aggregates for the portal (the portal suppresses small counts).

Only the precinct's own complaints (entered by staff or through the public form) and force
reports are counted: the imported CCRB history is a biased selection (see ``sources.py``) and
is shown only with its note, on staff pages. Sealed, juvenile and victim-protected material is
excluded; no names, no free text.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import median

from openprecinct.accountability.models import Allegation, Complaint, ForceReport, outcome_of
from openprecinct.accountability.selectors import LOCAL_SOURCES
from openprecinct.accountability.sol import sol_date


def _public_complaints():
    return Complaint.objects.filter(
        source__in=LOCAL_SOURCES, is_sealed=False, involves_juvenile=False, victim_protected=False
    )


def complaints_by_type_and_outcome() -> list[dict]:
    """Allegations by the year the complaint was received, FADO type and outcome group."""
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    rows = Allegation.objects.filter(
        complaint__in=_public_complaints(),
        is_sealed=False,
        involves_juvenile=False,
        victim_protected=False,
    ).values_list("complaint__received_date", "fado_type", "disposition")
    for received, fado, disposition in rows:
        counts[(received.year, fado or "unknown", outcome_of(disposition))] += 1
    return [
        {"year": y, "fado_type": f, "outcome": o, "allegations": n}
        for (y, f, o), n in sorted(counts.items())
    ]


def time_to_close() -> list[dict]:
    """Closed complaints by year closed: how many, median days open, how many within 18 months."""
    by_year: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    rows = _public_complaints().filter(closed_date__isnull=False)
    for received, closed, incident in rows.values_list(
        "received_date", "closed_date", "incident_date"
    ):
        limit = sol_date(incident or received)
        by_year[closed.year].append(((closed - received).days, closed <= limit))
    return [
        {
            "year": year,
            "closed": len(items),
            "median_days": float(median(d for d, _ in items)),
            "closed_within_18_months": sum(1 for _, ok in items if ok),
        }
        for year, items in sorted(by_year.items())
    ]


def force_by_level() -> list[dict]:
    """Force incidents (reports past draft) by year and level."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        ForceReport.objects.filter(is_sealed=False)
        .exclude(status=ForceReport.Status.DRAFT)
        .values_list("occurred_on", "level")
    )
    for occurred, level in rows:
        counts[(occurred.year, level)] += 1
    return [{"year": y, "level": lvl, "incidents": n} for (y, lvl), n in sorted(counts.items())]
