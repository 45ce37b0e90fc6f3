"""Sign-in, lock-out, two-factor enrolment and account administration."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprecinct.accounts.models import LoginFailure, User
from openprecinct.accounts.permissions import can_unlock_account
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError


def login_failure_record(*, username: str, ip_address: str | None) -> bool:
    """Count a failed sign-in; lock the account on the 5th failure within 15 minutes.

    Failures are counted since the last successful sign-in (consecutive failures only).
    Returns True when this failure locked the account.
    """
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.OPENPRECINCT_LOCKOUT_WINDOW_SECONDS)
    with transaction.atomic():
        LoginFailure.objects.create(username=username, at=now, ip_address=ip_address)
        audit_record(
            action="auth.login_failed",
            object_type="accounts.user",
            object_id=username[:64],
            outcome="failure",
            actor_username="",
        )
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None or user.locked_at is not None:
            return False
        recent = LoginFailure.objects.filter(username=username, at__gte=window_start).count()
        if recent < settings.OPENPRECINCT_LOCKOUT_FAILURES:
            return False
        user.locked_at = now
        user.locked_reason = f"{recent} failed sign-ins within 15 minutes"
        user.save(update_fields=["locked_at", "locked_reason"])
        audit_record(
            action="auth.account_locked",
            obj=user,
            outcome="denied",
            details={"failures": recent},
        )
    return True


def login_success_record(*, user: User) -> None:
    """A successful password check resets the consecutive-failure count."""
    LoginFailure.objects.filter(username=user.username).delete()


def account_unlock(*, actor: User, user: User) -> User:
    if not can_unlock_account(actor, user):
        audit_record(action="auth.account_unlock", obj=user, outcome="denied")
        raise ApplicationError("Only an administrator can lift a lock-out, and not their own.")
    with transaction.atomic():
        user.locked_at = None
        user.locked_reason = ""
        user.save(update_fields=["locked_at", "locked_reason"])
        LoginFailure.objects.filter(username=user.username).delete()
        audit_record(action="auth.account_unlock", obj=user)
    return user


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device (new secret each time enrolment starts)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(action="auth.2fa_enrolled", obj=user)
    return True


def totp_device_reset(*, actor: User, user: User) -> None:
    if not can_unlock_account(actor, user):
        raise ApplicationError("Only an administrator can reset another user's two-factor device.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(action="auth.2fa_reset", obj=user)


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    precinct: str = "120",
    sector: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        precinct=precinct,
        sector=sector,
    )
    user.set_password(password)
    user.save()
    return user
