"""Fixtures for the community tests: people, a signed-in client per person, small records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.conftest import login_verified


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_user(personas):
    """A fresh, two-factor-verified client for a persona name (or ``public`` for nobody)."""

    def make(name: str) -> Client:
        client = Client()
        if name != "public":
            login_verified(client, personas[name])
        return client

    return make


@pytest.fixture
def coordinator(personas):
    return personas["community_affairs"]


@pytest.fixture
def make_tip(db):
    from openprecinct.community import services

    def make(text: str = "A man sells drugs from a blue van on Bay Street every evening."):
        return services.submit_tip(narrative=text)

    return make


@pytest.fixture
def make_event(coordinator):
    from openprecinct.community import services

    def make(
        *,
        kind: str = "sector_meeting",
        sector: str = "120A",
        days: int = 7,
        publish: bool = True,
        **extra,
    ):
        start = timezone.now() + timedelta(days=days)
        event = services.create_event(
            coordinator,
            kind=kind,
            title=extra.pop("title", "Build the Block, sector A"),
            venue="PS 31, 55 Layton Ave",
            sector=sector,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            **extra,
        )
        if publish:
            services.publish_event(coordinator, event)
        return event

    return make
