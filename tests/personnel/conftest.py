from __future__ import annotations

from datetime import date

import pytest

from tests.oversight import factories

AS_OF = date(2026, 6, 30)


@pytest.fixture
def officers(db):
    """Four patrol officers and one in a different assignment."""
    return [factories.officer(assignment="patrol") for _ in range(4)] + [
        factories.officer(assignment="NCO")
    ]


@pytest.fixture
def events(monkeypatch):
    """Replace the conduct-event source with a list the test fills in."""
    from openprecinct.personnel import eis

    rows: list[dict] = []
    monkeypatch.setattr(
        eis,
        "_conduct_events",
        lambda start, end: [e for e in rows if start <= e["occurred_on"] <= end],
    )
    return rows


def event(officer, kind, day, n):
    return {"officer_id": officer.pk, "kind": kind, "occurred_on": day, "source_id": f"{kind}:{n}"}
