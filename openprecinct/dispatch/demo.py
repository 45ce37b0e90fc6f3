"""A generated (simulated) call stream for the demo, calibrated on real data.

No record-level 911 data for the 120th Precinct is public, so the demo generates calls:

- **volume and season**: the real 2024 daily counts of Staten Island crime and possible-crime
  calls (NYPD Calls for Service, ``data/si_daily_calls_2024.csv``), scaled by the 120th
  Precinct's share of them in 2024 (28,063 of 70,714 calls);
- **time of day and day of week**: the 120th Precinct's real records in the database (those
  with a time of occurrence), else a flat profile;
- **where**: points drawn from the precinct's real records (shootings, felony map points,
  arrests), moved by up to about 40 m;
- **what**: NYPD radio codes in the real 2024 citywide mix of "crime" and "possible crime"
  codes, in the 120th Precinct's 2024 split between the two (10,197 : 17,866);
- **how long**: lognormal times whose medians are the real ones: dispatch 1.97 / 2.02 min
  (Staten Island, crime / possible crime), entry to arrival 7.37 / 7.98 min (120th
  Precinct), entry to close 44.9 / 42.4 min (Staten Island); units are simulated so a call
  waits when every car is busy.

Everything generated is flagged ``is_generated`` and labelled on every page that shows it.
The generator is seeded: the same seed and end time give the same calls.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy
from openprecinct.core.audit import audit_record
from openprecinct.dispatch.models import (
    Assignment,
    AssignmentStatus,
    Bolo,
    Call,
    CallStatus,
    CallType,
    Disposition,
    Hazard,
    Source,
    TimelineEntry,
    Unit,
    UnitStatus,
)

DATA = Path(__file__).resolve().parent / "data"
SHARE_120 = 28_063 / 70_714
CONFIRMED_SHARE_120 = 10_197 / 28_063
# medians in minutes: (dispatch, entry to arrival, entry to close)
MEDIANS = {"CRIME": (1.97, 7.37, 44.88), "POTENTIAL CRIME": (2.02, 7.98, 42.37)}
PRIORITY_SPEED = {"critical": 0.55, "serious": 0.9, "non_critical": 1.25}
SIGMA = 0.55
SELF_INITIATED_SHARE = 0.10
DUPLICATE_SHARE = 0.06
CANCEL_SHARE = 0.03
SECTORS = ("120A", "120B", "120C", "120D")
STREETS = (
    "Richmond Terrace",
    "Bay Street",
    "Victory Boulevard",
    "Castleton Avenue",
    "Forest Avenue",
    "Jersey Street",
    "Van Duzer Street",
    "Broadway",
    "Clove Road",
    "Port Richmond Avenue",
    "Henderson Avenue",
    "Tompkins Avenue",
    "St. Marks Place",
    "Hamilton Avenue",
    "Westervelt Avenue",
    "Brighton Avenue",
    "Cebra Avenue",
    "Morningstar Road",
    "Heberton Avenue",
    "Park Avenue",
    "Lafayette Avenue",
    "Wall Street",
    "Central Avenue",
    "Targee Street",
    "Canal Street",
    "Beach Street",
    "Front Street",
    "Hyatt Street",
)
DISPOSITION_MIX = (
    (Disposition.REPORT, 0.22),
    (Disposition.ARREST, 0.05),
    (Disposition.ASSISTED, 0.25),
    (Disposition.GONE_ON_ARRIVAL, 0.18),
    (Disposition.UNFOUNDED, 0.12),
    (Disposition.NO_POLICE_ACTION, 0.13),
    (Disposition.SUMMONS, 0.03),
    (Disposition.REFERRED, 0.02),
)


@dataclass
class Calibration:
    daily: dict[str, float]
    hour_weights: np.ndarray
    weekday_weights: np.ndarray
    points: np.ndarray  # (n, 2) lon, lat
    point_incident: list[int | None]
    source_note: list[str] = field(default_factory=list)


def _daily_counts() -> dict[str, float]:
    """Month-day -> expected 120th Precinct calls that day (2024 Staten Island x share)."""
    out = {}
    with (DATA / "si_daily_calls_2024.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            total = int(row["confirmed_crime"]) + int(row["potential_crime"])
            out[row["date"][5:]] = total * SHARE_120
    return out


def calibrate(precinct: str = "120") -> Calibration:
    from openprecinct.records.models import Incident

    note = ["volume: 2024 Staten Island daily calls x the 120th's 2024 share"]
    hours = np.ones(24)
    weekdays = np.ones(7)
    timed = Incident.objects.filter(
        precinct=precinct, occurred_from__isnull=False, is_sealed=False
    ).values_list("occurred_from", flat=True)
    stamps = [timezone.localtime(t) for t in timed.iterator(chunk_size=5000)]
    with_time = [t for t in stamps if (t.hour, t.minute) != (0, 0)]
    if len(with_time) >= 200:
        hours = np.bincount([t.hour for t in with_time], minlength=24).astype(float) + 1
        note.append(f"hour of day: {len(with_time):,} timed records of precinct {precinct}")
    else:
        note.append("hour of day: flat (too few timed records)")
    if len(stamps) >= 200:
        weekdays = np.bincount([t.weekday() for t in stamps], minlength=7).astype(float) + 1
        note.append(f"day of week: {len(stamps):,} records of precinct {precinct}")
    located = list(
        Incident.objects.filter(
            precinct=precinct, latitude__isnull=False, is_sealed=False
        ).values_list("longitude", "latitude", "id", "kind")[:50_000]
    )
    if located:
        points = np.array([(lon, lat) for lon, lat, _, _ in located], dtype=float)
        ids: list[int | None] = [pk if kind == "complaint" else None for _, _, pk, kind in located]
        note.append(f"where: {len(located):,} located records of precinct {precinct}")
    else:  # no records loaded: around the 120th station house, 78 Richmond Terrace
        points = np.array([(-74.0776, 40.6437)])
        ids = [None]
        note.append("where: no records loaded, every call near the station house")
    return Calibration(
        _daily_counts(), hours / hours.sum(), weekdays / weekdays.mean(), points, ids, note
    )


def _lognormal(rng: np.random.Generator, median: float, size: int | None = None) -> Any:
    return rng.lognormal(math.log(median), SIGMA, size)


def _address(lon: float, lat: float) -> str:
    """A stable street address per ~80 m cell, so repeated calls share a premise."""
    key = f"{round(lon / 0.001)}:{round(lat / 0.0007)}".encode()
    h = int.from_bytes(hashlib.sha256(key).digest()[:4], "big")
    return f"{10 + (h % 390)} {STREETS[(h >> 9) % len(STREETS)]}"


def _clear_generated() -> None:
    """Drop the previous demo stream (raw deletes: one audit entry for the reload, below)."""
    calls = Call.objects.filter(is_generated=True)
    TimelineEntry.objects.filter(call__in=calls)._raw_delete(TimelineEntry.objects.db)
    TimelineEntry.objects.filter(unit__is_generated=True)._raw_delete(TimelineEntry.objects.db)
    crew = Assignment.crew.through.objects.filter(assignment__call__in=calls)
    crew._raw_delete(crew.db)
    Assignment.objects.filter(call__in=calls)._raw_delete(Assignment.objects.db)
    Call.objects.filter(is_generated=True, duplicate_of__isnull=False)._raw_delete(Call.objects.db)
    Call.objects.filter(is_generated=True)._raw_delete(Call.objects.db)
    members = Unit.members.through.objects.filter(unit__is_generated=True)
    members._raw_delete(members.db)
    Unit.objects.filter(is_generated=True)._raw_delete(Unit.objects.db)
    Hazard.objects.filter(is_generated=True)._raw_delete(Hazard.objects.db)
    Bolo.objects.filter(is_generated=True)._raw_delete(Bolo.objects.db)


def _crew_users(n: int) -> list[Any]:
    """Generated officers for the cars' crews: inactive accounts that can never sign in."""
    from openprecinct.accounts.models import User

    users = []
    for i in range(1, n + 1):
        user, created = User.objects.get_or_create(
            username=f"gen-officer-{i:02d}",
            defaults={
                "role": "patrol_officer",
                "first_name": "Generated",
                "last_name": f"Officer {i:02d}",
                "is_active": False,
                "precinct": "120",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def generate(
    *, days: int = 56, seed: int = 120, end: datetime | None = None, cars_per_sector: int = 2
) -> dict[str, Any]:
    """Replace the generated demo calls with a fresh, seeded stream ending at ``end``."""
    from openprecinct.accounts.models import User

    rng = np.random.default_rng(seed)
    end = end or timezone.now()
    start = end - timedelta(days=days)
    cal = calibrate()
    types = list(
        CallType.objects.filter(super_category__in=("CRIME", "POTENTIAL CRIME"), count_2024__gt=0)
    )
    self_types = list(CallType.objects.filter(self_initiated=True, count_2024__gt=0))
    if not types:
        raise RuntimeError("The radio-code table is empty: run 'openprecinct migrate' first.")
    groups = {g: [t for t in types if t.super_category == g] for g in MEDIANS}
    weights = {g: np.array([t.count_2024 for t in ts], dtype=float) for g, ts in groups.items()}
    weights = {g: w / w.sum() for g, w in weights.items()}
    sw = np.array([t.count_2024 for t in self_types], dtype=float)
    # Priority speeds are relative: rescale so each group's median keeps the real value.
    speed_norm = {
        g: math.exp(
            sum(
                w * math.log(PRIORITY_SPEED.get(t.priority, 1.0))
                for t, w in zip(groups[g], weights[g], strict=True)
            )
        )
        for g in groups
    }

    # 1. arrival times: per day the real expected count, per hour the records' profile
    times: list[datetime] = []
    tz = timezone.get_current_timezone()
    day = timezone.localtime(start, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        expected = cal.daily.get(day.strftime("%m-%d"), 77.0)
        expected *= cal.weekday_weights[day.weekday()] / 1.0
        n = int(rng.poisson(expected * (1 + SELF_INITIATED_SHARE)))
        hours = rng.choice(24, size=n, p=cal.hour_weights)
        seconds = rng.uniform(0, 3600, size=n)
        for h, s in zip(hours, seconds, strict=True):
            t = day + timedelta(hours=int(h), seconds=float(s))
            if start <= t < end:
                times.append(t)
        day = (day + timedelta(days=1, hours=2)).replace(hour=0)
    times.sort()

    with transaction.atomic():
        _clear_generated()
        crew = _crew_users(len(SECTORS) * cars_per_sector * 2)
        demo_officer = User.objects.filter(username="patrol-officer").first()
        units = []
        for sector in SECTORS:
            for k in range(cars_per_sector):
                units.append(
                    Unit(
                        call_sign=f"{sector}{k + 1}",
                        home_sector=sector,
                        is_generated=True,
                        status=UnitStatus.AVAILABLE,
                    )
                )
        Unit.objects.bulk_create(units)
        units = list(Unit.objects.filter(is_generated=True).order_by("call_sign"))
        for i, unit in enumerate(units):
            members = crew[2 * i : 2 * i + 2]
            if i == 0 and demo_officer is not None:
                members = [demo_officer, crew[0]]
            unit.members.set(members)
        crews = {u.pk: list(u.members.all()) for u in units}
        home = _sector_centres(cal)
        for u in units:
            lon, lat = home.get(u.home_sector, (cal.points[:, 0].mean(), cal.points[:, 1].mean()))
            u.longitude, u.latitude = float(lon), float(lat)

        # 2. each call: type, place, clocks; units simulated so calls queue when all are busy
        free_at = {u.pk: start for u in units}
        calls: list[Call] = []
        plans: list[dict[str, Any]] = []
        seq_by_day: dict[str, int] = {}
        idx = rng.integers(0, len(cal.points), size=len(times))
        jitter = rng.normal(0, 0.00025, size=(len(times), 2))
        for i, t in enumerate(times):
            lon, lat = cal.points[idx[i]] + jitter[i]
            self_init = rng.random() < SELF_INITIATED_SHARE
            if self_init:
                ctype = self_types[rng.choice(len(self_types), p=sw / sw.sum())]
                group = "POTENTIAL CRIME"
            else:
                group = "CRIME" if rng.random() < CONFIRMED_SHARE_120 else "POTENTIAL CRIME"
                ctype = groups[group][rng.choice(len(groups[group]), p=weights[group])]
            d_med, arr_med, close_med = MEDIANS[group]
            speed = PRIORITY_SPEED.get(ctype.priority, 1.0) / speed_norm[group]
            entry_lag = timedelta(seconds=float(rng.uniform(20, 90)))
            received = t - entry_lag
            # entry-to-arrival and entry-to-close drawn whole, so their medians are the real ones
            dispatch_min = float(_lognormal(rng, d_med * speed))
            response_min = max(float(_lognormal(rng, arr_med * speed)), dispatch_min + 0.5)
            close_min = max(float(_lognormal(rng, close_med)), response_min + 2.0)
            dispatch = timedelta(minutes=dispatch_min)
            travel = timedelta(minutes=response_min - dispatch_min)
            on_scene = timedelta(minutes=close_min - response_min)
            day_key = timezone.localtime(t, tz).strftime("%Y%m%d")
            seq_by_day[day_key] = seq_by_day.get(day_key, 0) + 1
            sector = _sector_of(lon, lat)
            plan: dict[str, Any] = {"group": group, "incident": cal.point_incident[idx[i]]}
            call = Call(
                number=f"{day_key}-G{seq_by_day[day_key]:04d}",
                call_type=ctype,
                priority=ctype.priority,
                self_initiated=self_init,
                address=_address(lon, lat),
                latitude=float(lat),
                longitude=float(lon),
                precinct="120",
                sector=sector,
                received_at=t if self_init else received,
                entered_at=t,
                is_generated=True,
                remarks="Generated demo call (simulated).",
            )
            if not self_init and rng.random() < CANCEL_SHARE:
                plan["cancel_at"] = t + dispatch * 0.5
                calls.append(call)
                plans.append(plan)
                continue
            # choose a unit: free home-sector car, else any free car, else the first to free
            want = t if self_init else t + dispatch
            free = [u for u in units if free_at[u.pk] <= want]
            local = [u for u in free if u.home_sector == sector]
            if self_init:
                if not free:
                    continue  # every car busy: no one starts a car stop
                unit = (local or free)[int(rng.integers(0, len(local or free)))]
                assigned = arrived = t
            else:
                if local or free:
                    pool = local or free
                    unit = pool[int(rng.integers(0, len(pool)))]
                    assigned = want
                else:
                    unit = min(units, key=lambda u: free_at[u.pk])
                    assigned = free_at[unit.pk] + timedelta(seconds=float(rng.uniform(5, 60)))
                arrived = assigned + travel
            cleared = arrived + on_scene
            free_at[unit.pk] = cleared
            plan.update(
                unit=unit,
                assigned=assigned,
                arrived=arrived,
                cleared=cleared,
                en_route=assigned + min(travel * 0.1, timedelta(seconds=45)),
            )
            plan["disposition"] = _choose(rng, DISPOSITION_MIX)
            if not self_init and rng.random() < DUPLICATE_SHARE:
                plan["duplicate_at"] = t + timedelta(minutes=float(rng.uniform(0.5, 4)))
            calls.append(call)
            plans.append(plan)

        return _write(calls, plans, crews, units, end, cal, rng)


def _choose(rng: np.random.Generator, mix: tuple[tuple[str, float], ...]) -> str:
    values, p = zip(*mix, strict=True)
    p_arr = np.array(p) / sum(p)
    return str(values[int(rng.choice(len(values), p=p_arr))])


def _sector_of(lon: float, lat: float) -> str:
    from openprecinct.core.geography import locate

    precinct, sector = locate(latitude=lat, longitude=lon)
    return sector if precinct == "120" else ""


def _sector_centres(cal: Calibration) -> dict[str, tuple[float, float]]:
    from openprecinct.core.geography import bundled_boundaries

    lon, lat = cal.points[:, 0], cal.points[:, 1]
    _, sectors = bundled_boundaries().assign(lon.astype(float), lat.astype(float))
    out = {}
    for s in SECTORS:
        mask = np.array([x == s for x in sectors])
        if mask.any():
            out[s] = (float(lon[mask].mean()), float(lat[mask].mean()))
    return out


def _write(
    calls: list[Call],
    plans: list[dict[str, Any]],
    crews: dict[int, list[Any]],
    units: list[Unit],
    end: datetime,
    cal: Calibration,
    rng: np.random.Generator,
) -> dict[str, Any]:
    from openprecinct.records.models import Incident

    xs, ys = transform_xy(
        [c.longitude for c in calls],
        [c.latitude for c in calls],
        src_crs=WGS84,
        dst_crs=ANALYSIS_CRS,
    )
    for c, x, y in zip(calls, xs, ys, strict=True):
        c.x_m, c.y_m = float(x), float(y)
    report_numbers = dict(
        Incident.objects.filter(pk__in={p["incident"] for p in plans if p["incident"]}).values_list(
            "pk", "report_number"
        )
    )
    duplicates: list[tuple[int, Call]] = []
    unit_state: dict[int, tuple[str, Any]] = {}
    for i, (call, plan) in enumerate(zip(calls, plans, strict=True)):
        if "cancel_at" in plan:
            if plan["cancel_at"] <= end:
                call.status, call.closed_at = CallStatus.CANCELLED, plan["cancel_at"]
                call.cancel_reason = "caller withdrew (generated)"
            continue
        a, arr, clr = plan["assigned"], plan["arrived"], plan["cleared"]
        if a > end:
            continue  # still waiting in the queue
        call.first_assigned_at = a
        call.first_en_route_at = plan["en_route"] if plan["en_route"] <= end else None
        if arr <= end:
            call.first_arrived_at = arr
            call.status = CallStatus.ON_SCENE
        else:
            call.status = CallStatus.EN_ROUTE if plan["en_route"] <= end else CallStatus.DISPATCHED
        if clr <= end:
            call.status, call.closed_at = CallStatus.CLOSED, clr
            call.disposition = plan["disposition"]
            if call.disposition in (Disposition.REPORT, Disposition.ARREST):
                incident = plan["incident"]
                number = report_numbers.get(incident) if incident else ""
                call.report_written = True
                call.report_number = number or f"GEN-{call.number}"
                call.incident_id = incident if number else None
        else:
            unit_state[plan["unit"].pk] = (call.status, call)
        if "duplicate_at" in plan and plan["duplicate_at"] <= end:
            duplicates.append((i, call))
    Call.objects.bulk_create(calls, batch_size=1000)
    saved = {
        c.number: c for c in Call.objects.filter(is_generated=True).select_related("call_type")
    }
    calls = [saved[c.number] for c in calls]
    dups = []
    for i, event in duplicates:
        at = plans[i]["duplicate_at"]
        dups.append(
            Call(
                number=f"{event.number}D",
                call_type=event.call_type,
                priority=event.priority,
                status=CallStatus.CANCELLED,
                duplicate_of_id=saved[event.number].pk,
                address=event.address,
                latitude=event.latitude,
                longitude=event.longitude,
                x_m=event.x_m,
                y_m=event.y_m,
                precinct=event.precinct,
                sector=event.sector,
                received_at=at - timedelta(seconds=30),
                entered_at=at,
                closed_at=at,
                cancel_reason=f"duplicate of {event.number}",
                is_generated=True,
                remarks="Generated demo call (simulated).",
            )
        )
    Call.objects.bulk_create(dups, batch_size=1000)

    assignments, timeline, crew_rows = [], [], []
    for call, plan in zip(calls, plans, strict=True):
        D = Source.DEMO
        timeline.append(TimelineEntry(call=call, kind="received", at=call.received_at, source=D))
        if call.self_initiated and call.first_assigned_at:
            timeline.append(
                TimelineEntry(
                    call=call,
                    kind="self_initiated",
                    at=call.entered_at,
                    source=D,
                    to_status="on_scene",
                    unit=plan["unit"],
                )
            )
        else:
            timeline.append(
                TimelineEntry(
                    call=call, kind="entered", at=call.entered_at, source=D, to_status="pending"
                )
            )
        if call.status == CallStatus.CANCELLED:
            timeline.append(
                TimelineEntry(
                    call=call,
                    kind="cancel",
                    at=call.closed_at,
                    source=D,
                    from_status="pending",
                    to_status="cancelled",
                    note=call.cancel_reason,
                )
            )
            continue
        if not call.first_assigned_at:
            continue
        unit = plan["unit"]
        status = {
            CallStatus.CLOSED: AssignmentStatus.CLEARED,
            CallStatus.ON_SCENE: AssignmentStatus.ON_SCENE,
            CallStatus.EN_ROUTE: AssignmentStatus.EN_ROUTE,
            CallStatus.DISPATCHED: AssignmentStatus.DISPATCHED,
        }[call.status]
        assignments.append(
            Assignment(
                call=call,
                unit=unit,
                status=status,
                assigned_at=call.first_assigned_at,
                en_route_at=call.first_en_route_at,
                arrived_at=call.first_arrived_at,
                cleared_at=call.closed_at,
            )
        )
        steps = (
            []
            if call.self_initiated
            else [
                ("assign", call.first_assigned_at, "dispatched"),
                ("en_route", call.first_en_route_at, "en_route"),
                ("arrive", call.first_arrived_at, "on_scene"),
            ]
        )
        if call.closed_at:
            steps += [
                ("dispose", call.closed_at, "dispositioned"),
                ("close", call.closed_at, "closed"),
            ]
        prev = "pending"
        for kind, at, to in steps:
            if at is None:
                continue
            timeline.append(
                TimelineEntry(
                    call=call,
                    unit=unit,
                    kind=kind,
                    at=at,
                    source=D,
                    from_status=prev,
                    to_status=to,
                    note=call.get_disposition_display() if kind == "dispose" else "",
                )
            )
            prev = to
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    for a in Assignment.objects.filter(call__is_generated=True).only("id", "unit_id"):
        crew_rows.extend(
            Assignment.crew.through(assignment_id=a.pk, user_id=m.pk) for m in crews[a.unit_id]
        )
    Assignment.crew.through.objects.bulk_create(crew_rows, batch_size=2000)
    TimelineEntry.objects.bulk_create(timeline, batch_size=2000)

    # units: where they are now and what they are doing
    unit_status = {
        CallStatus.DISPATCHED: UnitStatus.DISPATCHED,
        CallStatus.EN_ROUTE: UnitStatus.EN_ROUTE,
        CallStatus.ON_SCENE: UnitStatus.ON_SCENE,
    }
    for unit in units:
        state = unit_state.get(unit.pk)
        unit.status = unit_status[state[0]] if state else UnitStatus.AVAILABLE
        if state and state[0] == CallStatus.ON_SCENE:
            unit.latitude, unit.longitude = state[1].latitude, state[1].longitude
        unit.status_since = end
        x, y = transform_xy([unit.longitude], [unit.latitude], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
        unit.x_m, unit.y_m = float(x[0]), float(y[0])
    Unit.objects.bulk_update(
        units, ["status", "status_since", "latitude", "longitude", "x_m", "y_m"]
    )
    hazards = _hazards(calls, end)
    bolos = _bolos(end)
    summary = _summary(calls, len(dups), cal)
    summary.update({"hazards": hazards, "bolos": bolos, "units": len(units)})
    audit_record(
        action="dispatch.demo.generate",
        object_type="dispatch.call",
        details={k: v for k, v in summary.items() if k != "calibration"},
    )
    return summary


def _hazards(calls: list[Call], end: datetime) -> int:
    from collections import Counter

    from openprecinct.accounts.models import User

    author = (
        User.objects.filter(username="sergeant").first()
        or User.objects.filter(username="gen-officer-01").first()
    )
    busiest = Counter(c.address for c in calls).most_common(4)
    kinds = [
        ("dog", "Dog loose in the yard: wait for the owner to secure it."),
        ("access", "Side entrance on the alley; buzzer broken, call the super."),
        ("violence", "Prior assault on responding officers (2025): two units."),
        ("mental_health", "Resident in crisis before: request co-response."),
    ]
    rows = []
    for (address, _), (category, guidance) in zip(busiest, kinds, strict=False):
        first = next(c for c in calls if c.address == address)
        rows.append(
            Hazard(
                address=address,
                latitude=first.latitude,
                longitude=first.longitude,
                x_m=first.x_m,
                y_m=first.y_m,
                category=category,
                guidance=guidance,
                source=f"call {first.number} (generated)",
                author=author,
                created_at=end - timedelta(days=20),
                review_by=(end + timedelta(days=345)).date(),
                is_generated=True,
            )
        )
    if author is not None:
        Hazard.objects.bulk_create(rows)
    return len(rows) if author is not None else 0


def _bolos(end: datetime) -> int:
    from openprecinct.accounts.models import User

    author = (
        User.objects.filter(username="dispatcher").first()
        or User.objects.filter(username="gen-officer-01").first()
    )
    if author is None:
        return 0
    Bolo.objects.bulk_create(
        [
            Bolo(
                kind="vehicle",
                plate="KXY1234",
                description="Grey Honda Accord, dented rear door",
                reason="Robbery, Bay Street (generated)",
                case_number="GEN-0001",
                armed_and_dangerous=True,
                created_by=author,
                created_at=end - timedelta(hours=5),
                expires_at=end + timedelta(days=2),
                is_generated=True,
            ),
            Bolo(
                kind="person",
                name="Jordan Example",
                description="Missing adult, 5'9\", red coat",
                reason="Missing person (generated)",
                created_by=author,
                created_at=end - timedelta(hours=20),
                expires_at=end + timedelta(days=1),
                is_generated=True,
            ),
        ]
    )
    return 2


def _summary(calls: list[Call], duplicates: int, cal: Calibration) -> dict[str, Any]:
    def med(values: list[float]) -> float | None:
        return round(float(np.median(values)) / 60, 2) if values else None

    def mins(pairs: list[tuple[Any, Any]]) -> list[float]:
        return [(b - a).total_seconds() for a, b in pairs if a and b]

    resp = [c for c in calls if not c.self_initiated]
    by_group: dict[str, Any] = {}
    for group, codes in (("CRIME", "CRIME"), ("POTENTIAL CRIME", "POTENTIAL CRIME")):
        cs = [c for c in resp if c.call_type.super_category == codes]
        by_group[group] = {
            "calls": len(cs),
            "dispatch_median_min": med(mins([(c.entered_at, c.first_assigned_at) for c in cs])),
            "arrival_median_min": med(mins([(c.entered_at, c.first_arrived_at) for c in cs])),
            "close_median_min": med(
                mins([(c.entered_at, c.closed_at) for c in cs if c.status == CallStatus.CLOSED])
            ),
            "real_medians_min": dict(
                zip(("dispatch", "arrival", "close"), MEDIANS[group], strict=True)
            ),
        }
    return {
        "calls": len(calls),
        "self_initiated": sum(c.self_initiated for c in calls),
        "duplicates": duplicates,
        "open": sum(c.status not in (CallStatus.CLOSED, CallStatus.CANCELLED) for c in calls),
        "by_group": by_group,
        "calibration": cal.source_note,
    }
