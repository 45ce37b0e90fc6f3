"""Accountability: the sworn roster, civilian complaints, internal-affairs cases, use of force.

The roster (``Officer``) is shared: dispatch, oversight and personnel point at it with
``"accountability.Officer"`` foreign keys. CCRB imports create and update officers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Officer(models.Model):
    """A member of service (sworn officer), from the roster or from the CCRB's records.

    ``source_key`` says where the row came from and is the import's natural key
    (``propublica:<unique_mos_id>``, ``mos20210320:active:<id>``, or blank for officers
    entered by staff). ``tax_id`` is the NYPD tax registry number when known (the CCRB
    files do not publish it).
    """

    tax_id = models.CharField("tax registry number", max_length=20, blank=True)
    shield_no = models.CharField("shield number", max_length=20, blank=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    rank = models.CharField(max_length=60, blank=True)
    command = models.CharField(
        max_length=40, blank=True, help_text="Command or precinct, e.g. '120 PCT'."
    )
    precinct = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    assignment = models.CharField(
        max_length=80, blank=True, help_text="Assignment within the command, e.g. 'patrol', 'NCO'."
    )
    gender = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="On the force (CCRB 'active'), not retired or separated."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    source_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="officer_source_once"
            ),
            models.UniqueConstraint(
                fields=["tax_id"], condition=~Q(tax_id=""), name="officer_tax_id_once"
            ),
        ]
        indexes = [models.Index(fields=["command"]), models.Index(fields=["last_name"])]

    def __str__(self) -> str:
        shield = f" #{self.shield_no}" if self.shield_no and self.shield_no.strip("0") else ""
        rank = f"{self.rank} " if self.rank else ""
        return f"{rank}{self.first_name} {self.last_name}{shield}".strip()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
