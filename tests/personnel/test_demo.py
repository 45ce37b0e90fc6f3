from __future__ import annotations

import pytest
from django.core.management import call_command

from openprecinct.personnel.models import Alert, Attendance, IndicatorRule, OfficerActivity
from tests.oversight import factories

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(personas):
    for _ in range(5):
        factories.officer()
    call_command("load_demo_personnel", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Attendance.objects.count(), OfficerActivity.objects.count(), Alert.objects.count())
    call_command("load_demo_personnel", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts[0] > 0 and counts[1] > 0
    assert (
        Attendance.objects.count(),
        OfficerActivity.objects.count(),
        Alert.objects.count(),
    ) == counts
    assert IndicatorRule.objects.count() == 4
