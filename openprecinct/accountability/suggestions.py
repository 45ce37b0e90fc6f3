"""Suggested links for a complaint: calls for service and evidence near it in time, place, unit.

Dispatch is queried lazily: when its app, tables or calls are missing, there are simply no
call suggestions. A candidate scores on three signals: within the time window (required),
within ``RADIUS_M`` of the complaint's point, and an officer named on the complaint was on the
unit (call) or recorded the footage (evidence).
"""

from __future__ import annotations

import importlib.util
import math
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, transaction

from openprecinct.accountability.models import CaseLink, Complaint
from openprecinct.accounts import permissions as perms

WINDOW = timedelta(hours=3)
RADIUS_M = 800.0


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _near(complaint: Complaint, lat: float | None, lon: float | None) -> float | None:
    if None in (complaint.latitude, complaint.longitude, lat, lon):
        return None
    return _metres(complaint.latitude, complaint.longitude, lat, lon)


def _officer_users(complaint: Complaint) -> set[int]:
    return set(
        complaint.allegations.filter(officer__user__isnull=False).values_list(
            "officer__user_id", flat=True
        )
    )


def suggest_calls(complaint: Complaint) -> list[dict[str, Any]]:
    if complaint.incident_at is None:
        return []
    if importlib.util.find_spec("openprecinct.dispatch.models") is None:
        return []
    users = _officer_users(complaint)
    linked = set(complaint.links.filter(kind=CaseLink.Kind.CALL).values_list("ref", flat=True))
    try:
        with transaction.atomic():  # a savepoint: a missing table must not break the request
            return _calls(complaint, users, linked)
    except DatabaseError:
        return []


def _calls(complaint: Complaint, users: set[int], linked: set[str]) -> list[dict[str, Any]]:
    from openprecinct.dispatch.models import Call

    out = []
    if Call is not None:
        calls = list(
            Call.objects.filter(
                received_at__range=(complaint.incident_at - WINDOW, complaint.incident_at + WINDOW)
            ).order_by("received_at")[:200]
        )
        for call in calls:
            distance = _near(complaint, call.latitude, call.longitude)
            crew = set(call.assignments.exclude(crew__id=None).values_list("crew__id", flat=True))
            reasons = ["time"]
            if distance is not None and distance <= RADIUS_M:
                reasons.append(f"{distance:.0f} m away")
            if users & crew:
                reasons.append("an officer on the complaint was on the unit")
            if len(reasons) == 1 and complaint.latitude is not None:
                continue  # time alone is too weak when we know the place
            out.append(
                {
                    "kind": "call",
                    "ref": call.number,
                    "label": f"Call {call.number} {call.address}".strip(),
                    "when": call.received_at,
                    "reasons": reasons,
                    "score": len(reasons),
                    "linked": call.number in linked,
                }
            )
    out.sort(key=lambda s: (-s["score"], s["when"]))
    return out[:10]


def suggest_evidence(complaint: Complaint, user: Any) -> list[dict[str, Any]]:
    if complaint.incident_at is None:
        return []
    try:
        from openprecinct.evidence.models import EvidenceItem, ItemStatus
    except ImportError:
        return []
    users = _officer_users(complaint)
    linked = set(complaint.links.filter(kind=CaseLink.Kind.EVIDENCE).values_list("ref", flat=True))
    out = []
    try:
        with transaction.atomic():
            items = list(
                EvidenceItem.objects.filter(
                    recorded_at__range=(
                        complaint.incident_at - WINDOW,
                        complaint.incident_at + WINDOW,
                    ),
                    status=ItemStatus.ACTIVE,
                ).order_by("recorded_at")[:200]
            )
        for item in items:
            if not perms.can_view_evidence_item(user, item):
                continue
            distance = _near(complaint, item.latitude, item.longitude)
            reasons = ["time"]
            if distance is not None and distance <= RADIUS_M:
                reasons.append(f"{distance:.0f} m away")
            if item.officer_id in users:
                reasons.append("recorded by an officer on the complaint")
            if len(reasons) == 1 and complaint.latitude is not None and item.latitude is not None:
                continue
            out.append(
                {
                    "kind": "evidence",
                    "ref": str(item.uuid),
                    "label": item.title,
                    "when": item.recorded_at,
                    "reasons": reasons,
                    "score": len(reasons),
                    "linked": str(item.uuid) in linked,
                }
            )
    except DatabaseError:
        return []
    out.sort(key=lambda s: (-s["score"], s["when"]))
    return out[:10]
