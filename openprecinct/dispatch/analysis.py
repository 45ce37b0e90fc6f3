"""Dispatch data into the analytics library: response-time reports and patrol plans.

The only place the dispatch app calls ``openprecinct.analytics`` beyond the pure lookups
(docs/architecture.md): ``response_times`` for the §14-149 clocks and ``patrol`` for the
hypercube, PCAM, coverage and simulation models, run on the precinct's sectors and the calls
in the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q
from django.utils import timezone

from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy
from openprecinct.analytics.patrol import (
    PatrolSystem,
    compare_plans,
    p_median,
    pcam,
    simulate_patrol,
)
from openprecinct.analytics.response_times import histogram, response_time_table, tour_of
from openprecinct.dispatch.models import Call, CallStatus
from openprecinct.dispatch.selectors import ROAD_FACTOR, SPEED_M_PER_S

GROUPINGS = {
    "priority": "Priority",
    "month": "Month",
    "sector": "Sector",
    "precinct": "Precinct",
    "tour": "Tour",
    "hour": "Hour of day",
    "weekday": "Day of week",
}
# NYPD tours (response_times.tour_of): first 23-07, second 07-15, third 15-23.
TOURS = {
    "first": (23, 0, 1, 2, 3, 4, 5, 6),
    "second": tuple(range(7, 15)),
    "third": tuple(range(15, 23)),
}
# Real 2024 figures (shared/data, NYPD Calls for Service via NovaSight): 120th Precinct
# crime and possible-crime calls with every timestamp, and Staten Island's median time from
# entry to close ("call duration"), used when the database has too few calls.
PRECINCT_120_CALLS_2024 = 10_197 + 17_866
STATEN_ISLAND_MEDIAN_CALL_MINUTES = 43.6  # mean of 44.88 (crime) and 42.37 (possible crime)


def calls_frame(start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Calls worked (no duplicates, no cancelled), one row each, with local month, hour, tour."""
    qs = Call.objects.filter(duplicate_of__isnull=True).exclude(status=CallStatus.CANCELLED)
    if start:
        qs = qs.filter(entered_at__date__gte=start)
    if end:
        qs = qs.filter(entered_at__date__lte=end)
    columns = [
        "entered_at",
        "received_at",
        "first_assigned_at",
        "first_arrived_at",
        "priority",
        "self_initiated",
        "sector",
        "precinct",
        "x_m",
        "y_m",
        "is_generated",
    ]
    frame = pd.DataFrame(list(qs.values_list(*columns)), columns=columns)
    frame = frame.rename(
        columns={"first_assigned_at": "assigned_at", "first_arrived_at": "arrived_at"}
    )
    if frame.empty:
        return frame
    for col in ("entered_at", "received_at", "assigned_at", "arrived_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    local = frame["entered_at"].dt.tz_convert(str(timezone.get_current_timezone()))
    frame["month"] = local.dt.strftime("%Y-%m")
    frame["hour"] = local.dt.hour
    frame["weekday"] = local.dt.dayofweek
    frame["tour"] = [tour_of(h) for h in frame["hour"]]
    return frame


def response_report(*, by: str, start: date | None = None, end: date | None = None) -> dict:
    """Rows by the grouping asked for, the overall distribution, and the monthly trend."""
    frame = calls_frame(start, end)
    if frame.empty:
        return {"rows": [], "histogram": [], "trend": [], "overall": None, "generated": False}
    rows = sorted(response_time_table(frame, by=(by,), include_all=True), key=_row_order(by))
    overall = next(r for r in rows if r[by] == "all")
    responses = response_time_table(frame, by=("month",), include_all=False)
    clocked = frame[~frame["self_initiated"].astype(bool) & frame["arrived_at"].notna()]
    response_s = (clocked["arrived_at"] - clocked["entered_at"]).dt.total_seconds()
    hist = histogram(response_s, bin_s=60, max_s=1800)
    peak = max((h["count"] for h in hist), default=0) or 1
    for h in hist:
        h["height"] = round(100 * h["count"] / peak, 1)
    trend_peak = max((r["response_median_s"] or 0) for r in responses) or 1
    for r in responses:
        r["height"] = round(100 * (r["response_median_s"] or 0) / trend_peak, 1)
    return {
        "rows": rows,
        "histogram": hist,
        "trend": responses,
        "overall": overall,
        "generated": bool(frame["is_generated"].any()),
    }


def _row_order(by: str):
    rank = {"critical": 0, "serious": 1, "non_critical": 2}

    def key(row: dict) -> tuple:
        value = row[by]
        if value == "all":
            return (2, 0, "")
        if by == "priority":
            return (0, rank.get(value, 9), "")
        if by == "tour":
            return (0, ("first", "second", "third").index(value), "")
        return (1, 0, str(value)) if isinstance(value, str) else (0, value, "")

    return key


# --- the precinct's atoms ----------------------------------------------------------------------
@dataclass(frozen=True)
class Atoms:
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    sector: tuple[str, ...]
    cell_m: float


@lru_cache(maxsize=4)
def precinct_atoms(precinct: str = "120", cell_m: float = 600.0) -> Atoms:
    """Square cells of ``cell_m`` metres whose centre lies in one of the precinct's sectors."""
    from openprecinct.core.geography import boundaries_geojson, bundled_boundaries

    features = boundaries_geojson(precinct=precinct)["features"]
    lons, lats = [], []
    for f in features:
        coords = np.asarray(_flatten(f["geometry"]["coordinates"]))
        lons.extend(coords[:, 0])
        lats.extend(coords[:, 1])
    x0, y0 = transform_xy([min(lons)], [min(lats)], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
    x1, y1 = transform_xy([max(lons)], [max(lats)], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
    xs = np.arange(float(x0[0]) + cell_m / 2, float(x1[0]), cell_m)
    ys = np.arange(float(y0[0]) + cell_m / 2, float(y1[0]), cell_m)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    lon, lat = transform_xy(gx, gy, src_crs=ANALYSIS_CRS, dst_crs=WGS84)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    precincts, sectors = bundled_boundaries().assign(lon, lat)
    keep = np.array([p == precinct and bool(s) for p, s in zip(precincts, sectors, strict=True)])
    return Atoms(
        lat=lat[keep],
        lon=lon[keep],
        x=gx[keep],
        y=gy[keep],
        sector=tuple(s for s, k in zip(sectors, keep, strict=True) if k),
        cell_m=cell_m,
    )


def _flatten(coords: Any) -> list[list[float]]:
    if isinstance(coords[0], int | float):
        return [coords]
    out: list[list[float]] = []
    for c in coords:
        out.extend(_flatten(c))
    return out


def _travel_minutes(px: np.ndarray, py: np.ndarray, atoms: Atoms) -> np.ndarray:
    """Posts x atoms: straight line x road factor at the console's patrol speed, plus half a
    minute to get moving; the same estimate as the recommended unit."""
    d = np.hypot(px[:, None] - atoms.x[None, :], py[:, None] - atoms.y[None, :]) * ROAD_FACTOR
    return 0.5 + d / SPEED_M_PER_S / 60.0


def atom_rates(atoms: Atoms, tour: str) -> tuple[np.ndarray, str]:
    """Calls per hour from each atom in the tour's hours, from the calls in the database
    (self-initiated events excluded: they are not dispatched); else the real 2024 total for
    the precinct, spread evenly (stated as such)."""
    hours = TOURS[tour]
    frame = calls_frame()
    if not frame.empty:
        frame = frame[
            ~frame["self_initiated"].astype(bool) & frame["hour"].isin(hours) & frame["x_m"].notna()
        ]
    if not frame.empty and len(frame) >= 50:
        days = max(
            1.0,
            (frame["entered_at"].max() - frame["entered_at"].min()).total_seconds() / 86400,
        )
        d = np.hypot(
            frame["x_m"].to_numpy()[:, None] - atoms.x[None, :],
            frame["y_m"].to_numpy()[:, None] - atoms.y[None, :],
        )
        nearest = d.argmin(axis=1)
        counts = np.bincount(nearest, minlength=atoms.x.size).astype(float)
        rates = counts / (days * len(hours))
        label = "generated" if frame["is_generated"].any() else "recorded"
        return np.maximum(rates, 1e-6), (
            f"{len(frame):,} {label} calls in the database in these hours over {days:.0f} days"
        )
    per_hour = PRECINCT_120_CALLS_2024 / (365 * 24)
    return (
        np.full(atoms.x.size, per_hour / atoms.x.size),
        "the real 2024 count of crime and possible-crime calls in the 120th Precinct "
        f"({PRECINCT_120_CALLS_2024:,}), spread evenly: no calls in the database yet",
    )


def _sector_posts(atoms: Atoms, rates: np.ndarray, cars: int) -> tuple[np.ndarray, list[str]]:
    """Today's plan: a car per sector at its call-weighted centre, extra cars to the busiest."""
    sectors = sorted(set(atoms.sector))
    load = {s: rates[[a == s for a in atoms.sector]].sum() for s in sectors}
    order = sorted(sectors, key=lambda s: -load[s])
    posts, names = [], []
    for i in range(cars):
        s = order[i % len(order)]
        mask = np.array([a == s for a in atoms.sector])
        w = rates[mask] / rates[mask].sum()
        posts.append((float((atoms.x[mask] * w).sum()), float((atoms.y[mask] * w).sum())))
        names.append(f"{s}{i // len(order) + 1}")
    return np.array(posts), names


def _system(
    atoms: Atoms, rates: np.ndarray, posts: np.ndarray, names: list[str], mu: float
) -> PatrolSystem:
    travel = _travel_minutes(posts[:, 0], posts[:, 1], atoms)
    preference = np.argsort(travel, axis=0, kind="stable").T.tolist()
    return PatrolSystem(
        rates=rates,
        service_rate=mu,
        travel_time=travel,
        preference=preference,
        queue=True,
        unit_ids=names,
    )


def patrol_plan(*, cars: int, proposed_cars: int, tour: str, precinct: str = "120") -> dict:
    """Today's sector plan against a proposal (p-median posts), solved with the hypercube
    model, checked by simulation, and PCAM's cars per tour, with every assumption listed."""
    atoms = precinct_atoms(precinct)
    rates, rate_source = atom_rates(atoms, tour)
    mu = 60.0 / STATEN_ISLAND_MEDIAN_CALL_MINUTES
    total = float(rates.sum())
    result: dict[str, Any] = {
        "atoms": int(atoms.x.size),
        "cell_m": atoms.cell_m,
        "rate_source": rate_source,
        "calls_per_hour": total,
        "service_minutes": STATEN_ISLAND_MEDIAN_CALL_MINUTES,
        "errors": [],
    }
    needed = math.floor(total / mu) + 1
    if min(cars, proposed_cars) < needed:
        result["errors"].append(
            f"{total:.2f} calls an hour at {STATEN_ISLAND_MEDIAN_CALL_MINUTES:.0f} minutes each "
            f"need at least {needed} cars for the queue not to grow without end: "
            "choose more cars."
        )
        return result
    current_posts, current_names = _sector_posts(atoms, rates, cars)
    candidates = _travel_minutes(atoms.x, atoms.y, atoms)
    chosen = p_median(rates, candidates, p=proposed_cars)
    proposed_posts = np.column_stack([atoms.x[list(chosen.sites)], atoms.y[list(chosen.sites)]])
    proposed_names = [f"P{i + 1} ({atoms.sector[s]})" for i, s in enumerate(chosen.sites)]
    current = _system(atoms, rates, current_posts, current_names, mu)
    proposed = _system(atoms, rates, proposed_posts, proposed_names, mu)
    comparison = compare_plans(current, proposed)
    check = simulate_patrol(current, n_calls=40_000, rng=20260301)
    hourly = np.zeros(24)
    frame = calls_frame()
    if not frame.empty and len(frame) >= 50:
        days = max(1.0, (frame["entered_at"].max() - frame["entered_at"].min()).days)
        hourly = (
            np.bincount(frame[~frame["self_initiated"].astype(bool)]["hour"], minlength=24) / days
        )
    else:
        hourly[:] = PRECINCT_120_CALLS_2024 / (365 * 24)
    cars_per_tour = pcam(
        calls_per_hour=hourly.tolist(),
        service_minutes=STATEN_ISLAND_MEDIAN_CALL_MINUTES,
        max_p_wait=0.3,
        max_mean_wait_minutes=5.0,
        tours=[(name, hours) for name, hours in TOURS.items()],
    )

    def plan_rows(res, names):
        return [{"unit": n, "workload": float(w)} for n, w in zip(names, res.workload, strict=True)]

    result.update(
        {
            "current": comparison.current,
            "proposed": comparison.proposed,
            "current_units": plan_rows(comparison.current, current_names),
            "proposed_units": plan_rows(comparison.proposed, proposed_names),
            "travel_change": comparison.travel_time_change,
            "assumptions": comparison.assumptions
            + (
                f"Atoms: {atoms.x.size} cells of {atoms.cell_m:.0f} m in the precinct's sectors; "
                f"call rates from {rate_source}.",
                f"Time committed per call: {STATEN_ISLAND_MEDIAN_CALL_MINUTES} min, Staten "
                "Island's 2024 median from entry to close (NYPD calls for service).",
                f"Travel: straight line x {ROAD_FACTOR} at {SPEED_M_PER_S * 3.6:.0f} km/h plus "
                "30 s to start, from each car's post.",
                "Current plan: one car per sector at its call-weighted centre, extra cars to "
                "the busiest sectors; proposed: posts chosen by p-median on the same calls.",
            ),
            "simulation": check,
            "pcam": cars_per_tour,
        }
    )
    return result


# --- the officer's queries --------------------------------------------------------------------
def query_records(*, user, query: str, limit: int = 10) -> dict[str, list]:
    """Name / plate / address search over earlier calls and the records the officer may see."""
    from openprecinct.records.selectors import incident_list_for_user

    q = query.strip()
    if len(q) < 3:
        return {"calls": [], "records": []}
    calls = (
        Call.objects.filter(
            Q(address__icontains=q) | Q(remarks__icontains=q) | Q(caller_name__icontains=q)
        )
        .select_related("call_type")
        .order_by("-entered_at")[:limit]
    )
    records = (
        incident_list_for_user(user=user)
        .filter(Q(address__icontains=q) | Q(narrative__icontains=q) | Q(premises__icontains=q))
        .order_by("-occurred_from")[:limit]
    )
    return {"calls": list(calls), "records": list(records)}
