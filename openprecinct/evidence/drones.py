"""Drones: flight records, and what the public flight log shows of them.

The public log follows Chula Vista's drone-as-first-responder page: every published flight
with its purpose, times, outcome, legal authority and a generalised flight path (points
rounded to 3 decimals, about 100 m), plus monthly statistics and a capability sheet per
aircraft. Pilot names, call references, incident links and serial numbers are never published.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.evidence.models import Aircraft, Flight

PUBLIC_PRECISION = 3


def _clean_path(path: Any) -> list[list[float]]:
    if not isinstance(path, list):
        raise ApplicationError("The flight path must be a list of [latitude, longitude] points.")
    points = []
    for n, point in enumerate(path, 1):
        ok = isinstance(point, list | tuple) and len(point) == 2
        if ok:
            lat, lon = point
            ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon))
            ok = ok and -90 <= lat <= 90 and -180 <= lon <= 180
        if not ok:
            raise ApplicationError(f"Point {n} of the flight path is not [latitude, longitude].")
        points.append([float(point[0]), float(point[1])])
    return points


def flight_record(
    *,
    pilot: Any,
    aircraft: Aircraft,
    purpose: str,
    launched_at: datetime,
    ended_at: datetime,
    outcome: str,
    legal_authority: str,
    flight_path: Any = (),
    max_altitude_ft: int | None = None,
    recording: bool = False,
    footage: Any = (),
    footage_retention: str = "",
    call_reference: str = "",
    incident: Any = None,
    published: bool = True,
) -> Flight:
    if not perms.can_manage_drones(pilot):
        raise ApplicationError("Only sworn field staff record drone flights.")
    if ended_at < launched_at:
        raise ApplicationError("A flight must end after it launches.")
    if not legal_authority.strip():
        raise ApplicationError(
            "Name the legal authority for the flight (exigency, warrant, consent...)."
        )
    if outcome not in Flight.Outcome.values:
        raise ApplicationError(f"Unknown outcome {outcome!r}.")
    with transaction.atomic():
        flight = Flight.objects.create(
            aircraft=aircraft,
            pilot=pilot,
            purpose=purpose.strip()[:120],
            launched_at=launched_at,
            ended_at=ended_at,
            outcome=outcome,
            legal_authority=legal_authority.strip()[:200],
            flight_path=_clean_path(list(flight_path)),
            max_altitude_ft=max_altitude_ft,
            recording=recording,
            footage_retention=footage_retention[:200],
            call_reference=call_reference[:64],
            incident=incident,
            published=published,
        )
        if footage:
            flight.footage.set(footage)
        audit_record(
            action="drone.flight_record", obj=flight, details={"aircraft": aircraft.registration}
        )
    return flight


def public_flights() -> QuerySet[Flight]:
    return Flight.objects.filter(published=True).select_related("aircraft").order_by("-launched_at")


def public_path(flight: Flight) -> list[list[float]]:
    return [
        [round(lat, PUBLIC_PRECISION), round(lon, PUBLIC_PRECISION)]
        for lat, lon in flight.flight_path
    ]


def flights_geojson(flights: Any) -> dict[str, Any]:
    """RFC 7946: [longitude, latitude] order, WGS84."""
    features = []
    for f in flights:
        path = public_path(f)
        if not path:
            continue
        geometry = (
            {"type": "Point", "coordinates": [path[0][1], path[0][0]]}
            if len(path) == 1
            else {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in path]}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": f.pk,
                    "launched": timezone.localtime(f.launched_at).strftime("%Y-%m-%d %H:%M"),
                    "purpose": f.purpose,
                    "outcome": f.get_outcome_display(),
                    "aircraft": f.aircraft.name,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class MonthStats:
    month: str
    flights: int
    hours: float
    recording: int
    by_purpose: tuple[tuple[str, int], ...]
    by_outcome: tuple[tuple[str, int], ...]


def monthly_statistics(flights: Any) -> list[MonthStats]:
    groups: dict[str, list[Flight]] = defaultdict(list)
    for f in flights:
        groups[timezone.localtime(f.launched_at).strftime("%Y-%m")].append(f)
    stats = []
    for month in sorted(groups, reverse=True):
        rows = groups[month]
        stats.append(
            MonthStats(
                month=month,
                flights=len(rows),
                hours=round(sum(f.minutes for f in rows) / 60, 1),
                recording=sum(1 for f in rows if f.recording),
                by_purpose=tuple(Counter(f.purpose for f in rows).most_common()),
                by_outcome=tuple(Counter(f.get_outcome_display() for f in rows).most_common()),
            )
        )
    return stats
