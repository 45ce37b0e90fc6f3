"""A password alone reaches no staff page or API route: walk every URL the platform has."""

import pytest
from django.urls import reverse

from openprecinct.accounts.middleware import SECOND_STEP_PREFIXES, is_public_path
from tests.conftest import login_password_only, login_verified, totp_now
from tests.platform.url_walk import all_paths

PASSWORD = "a-long-passphrase-42"


def staff_paths():
    return [p for p in all_paths() if not is_public_path(p) and not p.startswith("/api/v1/auth/")]


def test_the_walk_finds_the_staff_pages():
    paths = staff_paths()
    assert "/staff/" in paths
    assert "/api/v1/schema/" in paths
    assert len(paths) >= 8


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_only_session_reaches_no_staff_page_or_api_route(client, personas, method):
    login_password_only(client, personas["commanding_officer"])
    reached = []
    for path in staff_paths():
        if path.startswith(SECOND_STEP_PREFIXES):
            continue
        response = getattr(client, method)(path)
        if path.startswith("/api/"):
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == 302 and response["Location"].startswith(
                reverse("accounts:2fa_verify")
            )
        if not ok:
            reached.append((path, response.status_code))
    assert reached == []


def test_an_anonymous_visitor_reaches_no_staff_page(client, db):
    reached = []
    for path in staff_paths():
        response = client.get(path)
        if path.startswith("/api/"):
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        if not ok:
            reached.append((path, response.status_code))
    assert reached == []


def test_a_verified_session_reaches_the_home_page(client, personas):
    login_verified(client, personas["sergeant"])
    assert client.get(reverse("core:home")).status_code == 200


def test_the_full_sign_in_takes_a_password_then_a_code(client, personas):
    user = personas["sergeant"]
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD, "acknowledge": "on"},
    )
    assert response["Location"] == reverse("accounts:2fa_verify")
    assert client.get(reverse("core:home")).status_code == 302
    response = client.post(reverse("accounts:2fa_verify"), {"token": totp_now(user)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_sign_in_needs_the_use_notice_acknowledged(client, personas):
    user = personas["sergeant"]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"restricted police information system" in response.content


def test_a_code_is_accepted_only_once(client, personas):
    user = personas["sergeant"]
    login_password_only(client, user)
    code = totp_now(user)
    assert client.post(reverse("accounts:2fa_verify"), {"token": code}).status_code == 302
    client.logout()
    login_password_only(client, user)
    response = client.post(reverse("accounts:2fa_verify"), {"token": code})
    assert response.status_code == 200  # form shown again with an error
    assert client.get(reverse("core:home")).status_code == 302


def test_a_new_account_must_enrol_before_anything_else(client, db):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openprecinct.accounts.models import User

    user = User.objects.create_user("newbie", password=PASSWORD, role="patrol_officer")
    client.post(
        reverse("accounts:login"),
        {"username": "newbie", "password": PASSWORD, "acknowledge": "on"},
    )
    response = client.get(reverse("accounts:2fa_verify"))
    assert response["Location"] == reverse("accounts:2fa_setup")
    response = client.get(reverse("accounts:2fa_setup"))
    assert b"<svg" in response.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("accounts:2fa_setup"), {"token": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_the_session_key_changes_at_sign_in(client, personas):
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    user = personas["sergeant"]
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD, "acknowledge": "on"},
    )
    assert client.session.session_key != "attacker-chosen-session-key"
