"""The community demo loads through the services, is labelled, and can run twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from openprecinct.community.models import Event, Survey, Tip


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_loads_is_labelled_and_repeats(personas):
    out = io.StringIO()
    call_command("load_demo_community", stdout=out)
    assert "[Demo]" in out.getvalue() and "labelled" in out.getvalue()
    events = Event.objects.count()
    assert events > 10 and all(e.title.startswith("[Demo]") for e in Event.objects.all())
    assert Tip.objects.count() == 3 and Survey.objects.get().responses.count() == 106
    call_command("load_demo_community", stdout=io.StringIO())
    assert Event.objects.count() == events
    from openprecinct.community.models import Volunteer

    assert all(v.name.startswith("[Demo]") for v in Volunteer.objects.all())
    assert Volunteer.objects.count() == 4
    purge = io.StringIO()
    call_command("community_purge", "--as-of", "2099-01-01", stdout=purge)
    assert "Purged 1 tips" in purge.getvalue()
