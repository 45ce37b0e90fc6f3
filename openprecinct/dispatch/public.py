"""Public aggregates of dispatch data for the transparency portal (contract 5).

Raw aggregated rows: no caller, address, remark or officer ever leaves here; small counts are
NOT suppressed (the portal's privacy module does that, once, for every public route).
Generated demo calls are included: the demo database holds nothing else, and the portal
labels demo data as such.
"""

from __future__ import annotations

from django.utils import timezone

from openprecinct.analytics.response_times import response_time_table
from openprecinct.dispatch.analysis import calls_frame
from openprecinct.dispatch.models import Call


def _month(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m")


def response_times() -> list[dict]:
    """Per month and priority (and ``"all"``), §14-149 medians and the 90th percentile.

    Keys: ``month``, ``priority``, ``calls`` (events with a response, self-initiated excluded),
    ``dispatch_median_s``, ``travel_median_s``, ``response_median_s``, ``response_p90_s``.
    """
    frame = calls_frame()
    if frame.empty:
        return []
    out = []
    for row in response_time_table(frame, by=("month", "priority")):
        out.append(
            {
                "month": row["month"],
                "priority": row["priority"],
                "calls": row["calls"],
                "dispatch_median_s": _round(row["dispatch_median_s"]),
                "travel_median_s": _round(row["travel_median_s"]),
                "response_median_s": _round(row["response_median_s"]),
                "response_p90_s": _round(row["response_p90_s"]),
            }
        )
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def calls_for_service() -> list[dict]:
    """Events per month, sector and call-type category (duplicates not counted twice)."""
    counts: dict[tuple[str, str, str], int] = {}
    rows = Call.objects.filter(duplicate_of__isnull=True).values_list(
        "entered_at", "sector", "call_type__category"
    )
    for entered_at, sector, category in rows.iterator(chunk_size=5000):
        key = (_month(entered_at), sector or "", (category or "").strip())
        counts[key] = counts.get(key, 0) + 1
    return [
        {"month": m, "sector": s, "call_type": c, "calls": n}
        for (m, s, c), n in sorted(counts.items())
    ]
