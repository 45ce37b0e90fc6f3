"""Portal tests: records in the 120th Precinct made through the records models."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.portal.factories import (
    BURGLARY,
    CHILD_ABUSE,
    DAY,
    DV_ASSAULT,
    LARCENY,
    MURDER,
    RAPE,
    ROBBERY,
    incident,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def precinct_records(db):
    """A week with enough burglaries and larcenies to publish, two rapes, a murder, a
    domestic assault, a child-abuse record, three robberies (small counts), a sealed
    burglary, and records in earlier weeks for the trend."""
    made = {"sensitive": [], "ordinary": [], "sealed": []}
    n = 0
    for i in range(7):
        n += 1
        made["ordinary"].append(incident(n, sector="120A" if i < 4 else "120B", **BURGLARY))
    for i in range(9):
        n += 1
        made["ordinary"].append(incident(n, sector="120B" if i < 6 else "120C", **LARCENY))
    for _ in range(3):
        n += 1
        made["ordinary"].append(incident(n, sector="120C", **ROBBERY))
    for kind in (RAPE, RAPE, MURDER, DV_ASSAULT, CHILD_ABUSE):
        n += 1
        made["sensitive"].append(incident(n, sector="120A", **kind))
    n += 1
    made["sealed"].append(incident(n, sector="120A", is_sealed=True, **BURGLARY))
    for week in range(1, 6):
        for _j in range(6):
            n += 1
            incident(n, day=DAY - timedelta(days=7 * week), sector="120D", **LARCENY)
    return made
