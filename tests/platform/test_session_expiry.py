import time
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from openprecinct.core.models import AuditEntry
from tests.conftest import login_verified


def test_a_session_survives_29_minutes_idle(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, personas["sergeant"])
        clock.shift(timedelta(minutes=29, seconds=59))
        assert client.get(reverse("core:home")).status_code == 200


def test_a_session_ends_after_30_minutes_idle(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, personas["sergeant"])
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert "expired=idle" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.session_expired").exists()


def test_a_session_ends_12_hours_after_sign_in_even_when_active(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login_verified(client, personas["sergeant"])
        for _ in range(29):  # every 25 minutes: 12h05 in all
            clock.shift(timedelta(minutes=25))
            response = client.get(reverse("core:home"))
            if response.status_code != 200:
                break
        lasted = time.time() - start.timestamp()
    assert response.status_code == 302
    assert "12+hours" in response["Location"]
    assert 12 * 3600 < lasted <= 12 * 3600 + 25 * 60  # active sessions last until the 12th hour


def test_locking_an_account_ends_its_session(client, personas):
    user = personas["sergeant"]
    login_verified(client, user)
    user.locked_at = timezone.now()
    user.save()
    assert client.get(reverse("core:home")).status_code == 302


def test_after_sign_out_the_old_cookie_is_worthless(client, personas):
    login_verified(client, personas["sergeant"])
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("core:home")).status_code == 302
