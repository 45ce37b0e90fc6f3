"""The forecast log: every forecast issued from the analysis page or the API, with what it was
made from, and later its score against what happened (``docs/forecasting.md``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ForecastLog(models.Model):
    """One issued forecast: its parameters, its data window, the cells it flagged and its
    expected counts; once the period is over, its hit rate, PAI and PEI."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued, waiting for the period to end"
        SCORED = "scored", "Scored against what happened"
        WITHDRAWN = "withdrawn", "Withdrawn"

    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    precinct = models.CharField(max_length=8)
    category = models.CharField(max_length=60)
    method = models.CharField(max_length=30)
    params = models.JSONField(default=dict)
    cell_size = models.FloatField()
    horizon = models.CharField(max_length=10)
    coverage = models.FloatField()
    includes_sealed = models.BooleanField(default=False)
    data_start = models.DateField(null=True, blank=True)
    data_end = models.DateField()  # exclusive: the forecast used events strictly before it
    data_version = models.CharField(max_length=120)
    events_used = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    cells = models.PositiveIntegerField()
    grid_digest = models.CharField(max_length=64)
    ranking = models.JSONField(default=list)  # every cell, highest risk first
    expected = models.JSONField(default=list)  # expected events per cell, in cell order
    flagged = models.PositiveIntegerField()
    inputs_digest = models.CharField(max_length=64, db_index=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    observed_events = models.PositiveIntegerField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)  # {"5": {"hit_rate", "pai", "pei"}}
    log_likelihood = models.FloatField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-period_start", "-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "period_end"], name="forecastlog_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="forecastlog_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage__gt=0) & models.Q(coverage__lte=1),
                name="forecastlog_coverage_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.category} {self.precinct} {self.period_start}"
