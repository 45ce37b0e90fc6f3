"""Load the bundled 120th Precinct demo: one account per role, then the real records."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprecinct.accounts.models import User
from openprecinct.accounts.roles import Role

DEMO_PASSWORD = "demo-120-St-George"  # noqa: S105 - printed on purpose; demo only
# Each app's demo loader, in dependency order (records first: calls and complaints refer to them).
DEMO_LOADERS = (
    "load_demo_records",
    "load_demo_dispatch",
    "load_demo_accountability",
    "load_demo_oversight",
    "load_demo_personnel",
    "load_demo_community",
)
DEMO_SECTORS = {Role.PATROL_OFFICER: "120A", Role.SERGEANT: "120A"}


def demo_username(role: str) -> str:
    return role.replace("_", "-")


def demo_totp_secret(role: str) -> str:
    """A fixed, per-role TOTP key so the printed credentials work in any authenticator app."""
    return hashlib.sha256(f"openprecinct-demo-{role}".encode()).digest()[:20].hex()


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and load the bundled 120th Precinct data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--accounts-only", action="store_true", help="skip the records")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            rows = [self._account(role) for role in Role]
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write("Two-factor: add the key to an authenticator app, or run")
        self.stdout.write(
            "  openprecinct demo_code USERNAME   (prints the current code; demo only)"
        )
        self.stdout.write("")
        self.stdout.write(f"  {'username':<22} {'role':<38} TOTP key (base32)")
        for username, label, secret in rows:
            self.stdout.write(f"  {username:<22} {label:<38} {secret}")
        self.stdout.write("")
        if not options["accounts_only"]:
            available = get_commands()
            for name in DEMO_LOADERS:
                if name in available:
                    call_command(name, stdout=self.stdout, stderr=self.stderr)

    def _account(self, role: Role) -> tuple[str, str, str]:
        username = demo_username(role)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": role.label.split()[0],
                "last_name": "Demo",
                "precinct": "120",
                "sector": DEMO_SECTORS.get(role, ""),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        key = demo_totp_secret(role)
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": key, "confirmed": True}
        )
        secret = base64.b32encode(bytes.fromhex(key)).decode()
        return username, role.label, secret
