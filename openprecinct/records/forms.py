from __future__ import annotations

from typing import Any

from django import forms

from openprecinct.analytics.categories import CATEGORY_ORDER
from openprecinct.core.geography import locate
from openprecinct.records.models import IncidentKind, ReportStatus
from openprecinct.records.offenses import OFFENSES, PREMISES
from openprecinct.records.selectors import IncidentFilters

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
    ky_cd = forms.IntegerField(required=False, min_value=0, label="Offence code (KY_CD)")

    def filters(self) -> IncidentFilters:
        """The selector's filters from a valid form (the list page, its CSV and the API read
        the same fields the same way)."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return IncidentFilters(**data)


class ImportStartForm(forms.Form):
    """Upload a file and start its import as a background job (records/imports page)."""

    file = forms.FileField(label="CSV file (.csv or .csv.gz)")
    schema = forms.ChoiceField(label="Layout")
    columns = forms.CharField(
        required=False,
        max_length=1000,
        label="Column mapping (generic layout only)",
        help_text="For example id=case,time=date,x=lon,y=lat,offense=type",
    )
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import secrets

        from openprecinct.records.importing.schemas import SCHEMA_NAMES

        super().__init__(*args, **kwargs)
        self.fields["schema"].choices = [(name, name) for name in SCHEMA_NAMES]
        if not self.is_bound:
            self.initial["nonce"] = secrets.token_hex(16)

    def clean_nonce(self) -> str:
        nonce = self.cleaned_data["nonce"]
        if not nonce.isalnum():
            raise forms.ValidationError("Reload the page and try again.")
        return nonce

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".csv", ".csv.gz", ".txt")):
            raise forms.ValidationError("Upload a .csv or .csv.gz file.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload

    def safe_name(self) -> str:
        import re
        from pathlib import PurePath

        name = PurePath(self.cleaned_data["file"].name.replace("\\", "/")).name
        return re.sub(r"[^A-Za-z0-9._-]", "_", name)[-120:] or "upload.csv"
