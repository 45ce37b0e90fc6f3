from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from openprecinct.accounts.roles import Role


class User(AbstractUser):
    """A member of staff. Residents never have accounts: the public side is anonymous.

    ``role`` may be blank: such a user can sign in but every ``can_*`` rule says no.
    Django's ``is_staff``/``is_superuser`` flags are not used for access; roles are.
    """

    role = models.CharField(max_length=32, choices=Role.choices, blank=True, db_index=True)
    precinct = models.CharField(max_length=8, default="120", db_index=True)
    sector = models.CharField(max_length=8, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    shield_number = models.CharField(max_length=16, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[*Role.values, ""]), name="user_role_valid"
            )
        ]

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name} ({self.get_role_display() or 'no role'})"


class LoginFailure(models.Model):
    """A failed sign-in, counted for lock-out. Keyed by the username that was typed."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    audit_exclude = True

    def __str__(self) -> str:
        return f"failed sign-in for {self.username} at {self.at:%Y-%m-%d %H:%M:%S}"
