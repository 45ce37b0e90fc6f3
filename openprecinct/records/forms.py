from __future__ import annotations

from typing import Any

from django import forms

from openprecinct.analytics.categories import CATEGORY_ORDER
from openprecinct.core.geography import locate
from openprecinct.records.models import IncidentKind, ReportStatus
from openprecinct.records.offenses import OFFENSES, PREMISES

OFFENSE_CHOICES = [("", "— choose the offence —")] + [
    (str(code), offense.label) for code, offense in sorted(OFFENSES.items())
]
PREMISES_CHOICES = [("", "— choose —")] + [(p, p.title()) for p in PREMISES]
SEX_CHOICES = [("", "unknown"), ("M", "Male"), ("F", "Female"), ("D", "Other / non-binary")]
AGE_CHOICES = [
    ("", "unknown"),
    ("<18", "under 18"),
    ("18-24", "18–24"),
    ("25-44", "25–44"),
    ("45-64", "45–64"),
    ("65+", "65 and over"),
]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReportForm(forms.Form):
    """What an officer writes. Location must fall inside one of the bundled precincts."""

    occurred_from = forms.DateTimeField(label="Happened from", widget=DATETIME)
    occurred_to = forms.DateTimeField(
        label="Happened until (if over a period)", required=False, widget=DATETIME
    )
    ky_cd = forms.TypedChoiceField(label="Offence", choices=OFFENSE_CHOICES, coerce=int)
    pd_description = forms.CharField(label="Offence detail", max_length=100, required=False)
    attempted = forms.TypedChoiceField(
        label="Attempted or completed",
        choices=[("", "— choose —"), ("false", "Completed"), ("true", "Attempted")],
        coerce=lambda v: v == "true",
    )
    premises = forms.ChoiceField(label="Premises", choices=PREMISES_CHOICES)
    address = forms.CharField(label="Address or intersection", max_length=200)
    location_description = forms.CharField(
        label="Where at the address (inside, front, rear…)", max_length=100, required=False
    )
    latitude = forms.FloatField(
        label="Latitude",
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label="Longitude",
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    victim_age_group = forms.ChoiceField(label="Victim age", choices=AGE_CHOICES, required=False)
    victim_sex = forms.ChoiceField(label="Victim sex", choices=SEX_CHOICES, required=False)
    suspect_age_group = forms.ChoiceField(label="Suspect age", choices=AGE_CHOICES, required=False)
    suspect_sex = forms.ChoiceField(label="Suspect sex", choices=SEX_CHOICES, required=False)
    narrative = forms.CharField(
        label="Narrative", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", "The end of the period must come after its start.")
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and lon is not None:
            precinct, _ = locate(latitude=lat, longitude=lon)
            if not precinct:
                self.add_error(
                    "latitude", "That point is outside the precinct: pick the place on the map."
                )
        return data


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label="What must change", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class SupplementForm(forms.Form):
    text = forms.CharField(
        label="Supplement", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


class SealForm(forms.Form):
    reason = forms.CharField(label="Legal reason", max_length=200)


class ReclassifyForm(forms.Form):
    ky_cd = forms.TypedChoiceField(label="New offence", choices=OFFENSE_CHOICES, coerce=int)
    reason = forms.CharField(label="Reason", max_length=300)


class FilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ChoiceField(
        required=False, label="Category", choices=[("", "any")] + [(c, c) for c in CATEGORY_ORDER]
    )
    precinct = forms.CharField(required=False, max_length=8, label="Precinct")
    sector = forms.CharField(required=False, max_length=8, label="Sector")
    premises = forms.CharField(required=False, max_length=100, label="Premises")
    status = forms.ChoiceField(required=False, choices=[("", "any")] + list(ReportStatus.choices))
    kind = forms.ChoiceField(required=False, choices=[("", "any")] + list(IncidentKind.choices))
    q = forms.CharField(required=False, max_length=100, label="Search")
    sort = forms.CharField(required=False, max_length=20)
