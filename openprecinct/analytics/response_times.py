"""Response times by NYC Administrative Code §14-149.

Definitions (the "Police 911 operational time analysis report"):

- *dispatch time*: from the entry of the 911 operator's information into the system to the
  assignment of a unit;
- *travel time*: from the assignment to the arrival of the **first** unit at the scene;
- *response time*: dispatch time plus travel time (= entry to first arrival);
- *end-to-end time* (Mayor's Management Report): from the 911 call pickup to first arrival.

Self-initiated events are workload, not responses: they are counted in ``workload`` and left out
of every time. Duplicate 911 calls attached to one event are not separate events. A call that
never had a unit arrive (cancelled, gone before assignment) has a dispatch time if it was
assigned but no travel or response time.

Input is a plain table (pandas ``DataFrame``) with one row per event and the columns
``entered_at``, ``assigned_at``, ``arrived_at`` (datetimes; missing as ``NaT``) and optional
``received_at``, ``priority``, ``self_initiated``, plus any grouping columns. Times are
returned in **seconds**.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

REQUIRED = ("entered_at", "assigned_at", "arrived_at")
CLOCKS = ("dispatch", "travel", "response", "end_to_end")


@dataclass(frozen=True)
class ClockSummary:
    """Distribution of one clock over a group of events, in seconds."""

    n: int
    mean: float | None
    median: float | None
    p90: float | None


def _seconds(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later, utc=True) - pd.to_datetime(earlier, utc=True)).dt.total_seconds()


def clocks(events: pd.DataFrame) -> pd.DataFrame:
    """Add the four §14-149 clocks (seconds) to a copy of ``events``.

    Raises ``ValueError`` naming a missing column, or a clock that runs backwards (an
    assignment before the entry, an arrival before the assignment).
    """
    missing = [c for c in REQUIRED if c not in events.columns]
    if missing:
        raise ValueError(
            f"The events table needs the column(s) {', '.join(missing)} "
            f"(got {', '.join(map(str, events.columns)) or 'none'})."
        )
    out = events.copy()
    out["dispatch_s"] = _seconds(out["assigned_at"], out["entered_at"])
    out["travel_s"] = _seconds(out["arrived_at"], out["assigned_at"])
    out["response_s"] = _seconds(out["arrived_at"], out["entered_at"])
    if "received_at" in out.columns:
        out["end_to_end_s"] = _seconds(out["arrived_at"], out["received_at"])
    else:
        out["end_to_end_s"] = np.nan
    for name in ("dispatch_s", "travel_s", "end_to_end_s"):
        bad = out[name] < 0
        if bad.any():
            raise ValueError(
                f"{int(bad.sum())} event(s) have a negative {name[:-2].replace('_', '-')} time: "
                "a later timestamp is earlier than the one before it. Fix the timestamps."
            )
    if "self_initiated" in out.columns:
        self_init = out["self_initiated"].fillna(False).astype(bool)
        out.loc[self_init, ["dispatch_s", "travel_s", "response_s", "end_to_end_s"]] = np.nan
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def summarize(values: Sequence[float] | np.ndarray | pd.Series) -> ClockSummary:
    """Count, mean, median and 90th percentile (linear interpolation) of the non-missing values."""
    arr = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    if arr.size == 0:
        return ClockSummary(0, None, None, None)
    return ClockSummary(
        n=int(arr.size),
        mean=float(arr.mean()),
        median=float(np.median(arr)),
        p90=float(np.percentile(arr, 90)),
    )


def response_time_table(
    events: pd.DataFrame, by: Sequence[str] = ("priority",), *, include_all: bool = True
) -> list[dict[str, Any]]:
    """One row per group: event and workload counts, and each clock's n/mean/median/p90.

    ``by`` names grouping columns of ``events`` (e.g. ``month``, ``priority``, ``sector``,
    ``tour``, ``hour``). With ``include_all``, the last grouping column also gets an ``"all"``
    row per remaining group.
    """
    by = list(by)
    table = clocks(events)
    for col in by:
        if col not in table.columns:
            raise ValueError(f"Cannot group by {col!r}: the events table has no such column.")
    frames = [table]
    if include_all and by:
        every = table.copy()
        every[by[-1]] = "all"
        frames.append(every)
    table = pd.concat(frames, ignore_index=True)
    self_init = (
        table["self_initiated"].fillna(False).astype(bool)
        if "self_initiated" in table.columns
        else pd.Series(False, index=table.index)
    )
    table["_self"] = self_init
    rows: list[dict[str, Any]] = []
    groups = table.groupby(by, sort=True, dropna=False) if by else [((), table)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = {
            col: (None if _missing(k) else k) for col, k in zip(by, key, strict=True)
        }
        responses = group[~group["_self"]]
        row["calls"] = int(len(responses))
        row["workload"] = int(len(group))
        row["self_initiated"] = int(group["_self"].sum())
        for clock in CLOCKS:
            s = summarize(responses[f"{clock}_s"])
            row[f"{clock}_n"] = s.n
            row[f"{clock}_mean_s"] = s.mean
            row[f"{clock}_median_s"] = s.median
            row[f"{clock}_p90_s"] = s.p90
        rows.append(row)
    return rows


def histogram(
    values: Sequence[float] | np.ndarray | pd.Series, *, bin_s: float = 60.0, max_s: float = 1800.0
) -> list[dict[str, Any]]:
    """Counts of values in bins of ``bin_s`` seconds up to ``max_s`` (the last bin is open)."""
    if bin_s <= 0:
        raise ValueError(f"The 'bin_s' parameter must be a float in (0, inf). Got {bin_s} instead.")
    arr = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    edges = np.arange(0.0, max_s + bin_s, bin_s)
    counts = np.histogram(np.clip(arr, 0, max_s), bins=np.append(edges[:-1], np.inf))[0]
    return [
        {
            "from_s": float(lo),
            "to_s": float(lo + bin_s) if i < len(edges) - 2 else None,
            "count": int(c),
        }
        for i, (lo, c) in enumerate(zip(edges[:-1], counts, strict=True))
    ]


def tour_of(hour: int) -> str:
    """NYPD patrol tours: first 23:00–07:00, second 07:00–15:00, third 15:00–23:00."""
    if hour >= 23 or hour < 7:
        return "first"
    if hour < 15:
        return "second"
    return "third"
