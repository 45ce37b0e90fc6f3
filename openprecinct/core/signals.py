"""A safety net under the services: every create, update and delete of an OpenPrecinct model
writes an audit entry, even when it comes through the admin or a shell.

Services also write domain events (``incident.approve``...) that carry the meaning of a change.
Bulk imports bypass model signals by design and write one audit entry per import run instead.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from openprecinct.core.audit import audit_record

# Models whose changes are themselves bookkeeping, not records.
EXCLUDED = {
    "core.auditentry",
    "core.auditchainhead",
    "accounts.loginfailure",
}


def _audited(sender: type[models.Model]) -> bool:
    label = sender._meta.label_lower
    module = sender.__module__
    return (
        module.startswith("openprecinct.")
        and label not in EXCLUDED
        and not getattr(sender, "audit_exclude", False)
    )


@receiver(post_save)
def audit_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kw: Any
) -> None:
    if not _audited(sender) or kw.get("raw"):
        return
    update_fields = kw.get("update_fields")
    details = {"fields": sorted(update_fields)} if update_fields else {}
    action = "create" if created else "update"
    audit_record(action=f"{sender._meta.label_lower}.{action}", obj=instance, details=details)


@receiver(post_delete)
def audit_delete(sender: type[models.Model], instance: models.Model, **kw: Any) -> None:
    if not _audited(sender):
        return
    audit_record(action=f"{sender._meta.label_lower}.delete", obj=instance)
