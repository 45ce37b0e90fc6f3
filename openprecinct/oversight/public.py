"""Public aggregates for the portal (contract 5): the committee's recommendations, the
department's responses and their implementation. Only what the committee wrote for the public
(``public_summary``); nothing from a review whose complaint is sealed; no names."""

from __future__ import annotations

from typing import Any


def recommendations() -> list[dict[str, Any]]:
    from openprecinct.oversight.models import Recommendation

    rows = (
        Recommendation.objects.exclude(public_summary="")
        .exclude(review__complaint__is_sealed=True)
        .exclude(review__status="withdrawn")
        .order_by("issued_on", "number")
    )
    return [
        {
            "number": r.number,
            "date": r.issued_on.isoformat(),
            "kind": r.kind,
            "summary": r.public_summary,
            "response": r.response,
            "response_reason": r.response_reason if r.response != "pending" else "",
            "response_date": r.responded_on.isoformat() if r.responded_on else None,
            "implementation": r.implementation if r.response != "pending" else "",
        }
        for r in rows
    ]
