from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from openprecinct.accounts.models import User
from openprecinct.accounts.services import account_unlock
from openprecinct.core.errors import ApplicationError
from openprecinct.core.models import AuditEntry

PASSWORD = "a-long-passphrase-42"


def attempt(client, username, password):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, "acknowledge": "on"},
    )


@pytest.fixture
def officer(make_user):
    return make_user("officer", "patrol_officer", password=PASSWORD)


def test_five_failures_within_15_minutes_lock_the_account(client, officer):
    for _ in range(5):
        response = attempt(client, "officer", "wrong-password-000")
        assert response.status_code == 401
    officer.refresh_from_db()
    assert officer.locked_at is not None
    assert AuditEntry.objects.filter(
        action="auth.account_locked", object_id=str(officer.pk)
    ).exists()


def test_a_locked_account_refuses_the_right_password(client, officer):
    for _ in range(5):
        attempt(client, "officer", "wrong-password-000")
    response = attempt(client, "officer", PASSWORD)
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, officer):
    for _ in range(4):
        attempt(client, "officer", "wrong-password-000")
    response = attempt(client, "officer", PASSWORD)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.locked_at is None


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            attempt(client, "officer", "wrong-password-000")
        clock.shift(timedelta(minutes=16))
        attempt(client, "officer", "wrong-password-000")
    officer.refresh_from_db()
    assert officer.locked_at is None


def test_a_successful_sign_in_resets_the_count(client, officer):
    for _ in range(4):
        attempt(client, "officer", "wrong-password-000")
    assert attempt(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "officer", "wrong-password-000")
    officer.refresh_from_db()
    assert officer.locked_at is None


def test_the_lock_does_not_lift_by_itself(client, officer):
    for _ in range(5):
        attempt(client, "officer", "wrong-password-000")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert attempt(client, "officer", PASSWORD).status_code == 401


def test_only_an_administrator_can_unlock(personas, officer):
    officer.locked_at = timezone.now()
    officer.save()
    for role, person in personas.items():
        if role == "administrator":
            continue
        with pytest.raises(ApplicationError):
            account_unlock(actor=person, user=officer)
    account_unlock(actor=personas["administrator"], user=officer)
    officer.refresh_from_db()
    assert officer.locked_at is None
    assert AuditEntry.objects.filter(action="auth.account_unlock", outcome="success").count() == 1


def test_an_administrator_cannot_unlock_themselves(personas):
    admin = personas["administrator"]
    admin.locked_at = timezone.now()
    admin.save()
    with pytest.raises(ApplicationError):
        account_unlock(actor=admin, user=admin)


def test_unlock_page_is_refused_to_a_sergeant(client, personas, officer):
    from tests.conftest import login_verified

    officer.locked_at = timezone.now()
    officer.save()
    login_verified(client, personas["sergeant"])
    response = client.post(reverse("accounts:unlock", args=[officer.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=officer.pk).locked_at is not None


def test_the_unlock_page_works_for_an_administrator(client, personas, officer):
    from tests.conftest import login_verified

    officer.locked_at = timezone.now()
    officer.save()
    login_verified(client, personas["administrator"])
    response = client.post(reverse("accounts:unlock", args=[officer.pk]))
    assert response.status_code == 302
    assert User.objects.get(pk=officer.pk).locked_at is None


def test_wrong_user_and_wrong_password_get_the_same_answer(client, officer):
    unknown = attempt(client, "nobody-here", "wrong-password-000")
    wrong = attempt(client, "officer", "wrong-password-000")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.context["error"] == wrong.context["error"]
