"""Forms of the accountability pages. Labels are plain language (the public form especially)."""

from __future__ import annotations

from typing import Any

from django import forms

from openprecinct.accountability.models import (
    CaseTask,
    Complaint,
    FadoType,
    ForceReport,
    ForceType,
    IACase,
    Injury,
)
from openprecinct.accountability.services import INTAKE_CHANNELS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicComplaintForm(forms.Form):
    """The public complaint form: anonymous allowed, every question explained."""

    narrative = forms.CharField(
        label="What happened?",
        help_text="In your own words. Include what the officer(s) said or did.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    incident_at = forms.DateTimeField(
        label="When did it happen?",
        help_text="Your best guess is fine. We use New York time.",
        widget=DATETIME,
        required=False,
    )
    location = forms.CharField(
        label="Where did it happen?",
        help_text="An address, a corner or a landmark.",
        max_length=200,
        required=False,
    )
    officer_description = forms.CharField(
        label="Which officer(s)?",
        help_text="Names, shield numbers, what they looked like, car numbers: anything you know.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    anonymous = forms.BooleanField(
        label="I want to complain without giving my name",
        help_text="We will still look into it, but we cannot contact you, and you can only "
        "check whether the complaint is open or closed with the code we give you.",
        required=False,
    )
    complainant_name = forms.CharField(label="Your name", max_length=120, required=False)
    complainant_email = forms.EmailField(label="Your email", required=False)
    complainant_phone = forms.CharField(label="Your phone number", max_length=40, required=False)
    preferred_language = forms.CharField(
        label="Language you prefer us to use", max_length=40, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("anonymous") and not (
            data.get("complainant_name")
            or data.get("complainant_email")
            or data.get("complainant_phone")
        ):
            raise forms.ValidationError(
                "Tell us how to reach you (a name with an email or phone number), "
                "or tick the box to complain without giving your name."
            )
        return data


class StaffComplaintForm(PublicComplaintForm):
    channel = forms.ChoiceField(
        label="How the complaint came in",
        choices=[(c, Complaint.Channel(c).label) for c in INTAKE_CHANNELS],
    )
    precinct = forms.IntegerField(label="Precinct", required=False, initial=120)
    unit_description = forms.CharField(label="Unit / car number", max_length=100, required=False)
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)

    field_order = ["channel"]


class AllegationForm(forms.Form):
    officer = forms.IntegerField(label="Officer (roster id)", required=False)
    officer_description = forms.CharField(
        label="Or describe an unidentified officer", max_length=200, required=False
    )
    fado_type = forms.ChoiceField(label="FADO type", choices=FadoType.choices)
    allegation = forms.CharField(label="Allegation (sub-type)", max_length=120)
    description = forms.CharField(
        label="Details", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=CaseTask.Kind.choices)
    evidence_kind = forms.ChoiceField(
        label="Evidence requested", choices=CaseTask.EvidenceKind.choices, required=False
    )
    title = forms.CharField(label="What", max_length=200)
    requested_from = forms.CharField(label="Requested from", max_length=120, required=False)
    due_on = forms.DateField(label="Due", widget=DATE)


class IACaseForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of case", choices=IACase.Kind.choices)
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = forms.DateTimeField(label="When it happened", widget=DATETIME, required=False)
    officer = forms.IntegerField(label="Officer (roster id)", required=False)
    due_on = forms.DateField(label="Investigation due", widget=DATE, required=False)


class ForceReportForm(forms.Form):
    level = forms.TypedChoiceField(label="Level", choices=ForceReport.Level.choices, coerce=int)
    occurred_at = forms.DateTimeField(label="When", widget=DATETIME)
    location = forms.CharField(label="Where", max_length=200)
    precinct = forms.IntegerField(label="Precinct", required=False, initial=120)
    reason_for_contact = forms.CharField(
        label="Reason for the contact", max_length=120, required=False
    )
    call_ref = forms.CharField(label="Call for service number", max_length=40, required=False)
    narrative = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 5}))
    officer_approached = forms.BooleanField(label="Officer approached the subject", required=False)
    ambush = forms.BooleanField(label="Ambush", required=False)
    supervisor_present = forms.BooleanField(label="Supervisor present or consulted", required=False)
    firearm_discharged_at_person = forms.BooleanField(
        label="Firearm discharged at or in the direction of a person", required=False
    )
    officer = forms.IntegerField(label="Officer who used force (roster id)")
    force_types = forms.MultipleChoiceField(
        label="Force used", choices=ForceType.choices, widget=forms.CheckboxSelectMultiple
    )
    subject_age = forms.IntegerField(
        label="Subject age", required=False, min_value=0, max_value=120
    )
    subject_sex = forms.CharField(label="Subject sex", max_length=20, required=False)
    subject_injury = forms.ChoiceField(label="Subject injury", choices=Injury.choices)
    subject_arrested = forms.BooleanField(label="Subject arrested", required=False)
