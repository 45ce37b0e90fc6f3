"""Named people for the tests: one per role, plus someone with no role (``outsider``)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests run the same examples on every machine, so CI's verdict is reproducible and
# a failure seen once is seen again. ``HYPOTHESIS_PROFILE=explore`` searches fresh examples
# (and ten times as many) when hunting for new failures on purpose.
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", max_examples=1000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PASSWORD_FOR_TESTS = "a-long-passphrase-42"


@pytest.fixture
def make_user(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openprecinct.accounts.models import User

    def make(username: str, role: str = "", *, password: str = "a-long-passphrase-42", **extra):
        user = User.objects.create_user(username=username, password=password, role=role, **extra)
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


@pytest.fixture
def personas(make_user):
    from openprecinct.accounts.roles import Role

    people = {role.value: make_user(role.value.replace("_", "-"), role.value) for role in Role}
    people["outsider"] = make_user("outsider", "")
    return people


def totp_now(user) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_verified(client, user) -> None:
    """Sign ``user`` in with both factors, as the login and verify pages would."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session["otp_device_id"] = device.persistent_id
    now = timezone.now().timestamp()
    session["op_auth_at"] = now
    session["op_last_seen"] = now
    session.save()


def login_password_only(client, user) -> None:
    from django.utils import timezone

    client.force_login(user)
    session = client.session
    now = timezone.now().timestamp()
    session["op_auth_at"] = now
    session["op_last_seen"] = now
    session.save()


@pytest.fixture
def verified_client(client):
    def sign_in(user):
        login_verified(client, user)
        return client

    return sign_in


def _flush_with_audit_maintenance():
    """Transactional tests empty the database between tests; the audit log's triggers refuse
    that unless maintenance is on, so the flush runs inside the maintenance switch."""
    from django.core.management.commands import flush

    original = flush.Command.handle
    if getattr(original, "_with_audit_maintenance", False):
        return

    def handle(self, *args, **options):
        from openprecinct.core.audit import audit_maintenance

        with audit_maintenance(options.get("database", "default")):
            return original(self, *args, **options)

    handle._with_audit_maintenance = True
    flush.Command.handle = handle


_flush_with_audit_maintenance()
