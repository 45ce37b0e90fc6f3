from __future__ import annotations

import json
from typing import Any

from django import forms

from openprecinct.evidence.models import AccessClass, EvidenceCategory, LinkKind


class UploadStartForm(forms.Form):
    filename = forms.CharField(max_length=255, strip=False)
    content_type = forms.CharField(max_length=100)
    size = forms.IntegerField(min_value=0)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=5000)
    device_id = forms.CharField(required=False, max_length=100)
    recorded_at = forms.DateTimeField(required=False)
    location = forms.CharField(required=False, max_length=200)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    manifest_sha256 = forms.CharField(required=False, max_length=64)
    incident_id = forms.IntegerField(required=False, min_value=1)

    def metadata(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "recorded_at" in data:
            data["recorded_at"] = data["recorded_at"].isoformat()
        for key in ("filename", "content_type", "size"):
            data.pop(key, None)
        return data


class CategoriseForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=EvidenceCategory.objects.all(), required=False
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=LinkKind.choices)
    ref = forms.CharField(max_length=64)
    is_open = forms.BooleanField(required=False, initial=True)
    referred_to_oversight = forms.BooleanField(required=False)


class HoldForm(forms.Form):
    hold = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300)


class AccessForm(forms.Form):
    access_class = forms.ChoiceField(choices=AccessClass.choices)
    do_not_disclose = forms.BooleanField(required=False)


class GrantForm(forms.Form):
    username = forms.CharField(max_length=150)
    days = forms.IntegerField(min_value=1, max_value=365, initial=30)


class ShareForm(forms.Form):
    recipient = forms.CharField(max_length=200)
    days = forms.IntegerField(min_value=1, max_value=90, initial=14)


class RedactionForm(forms.Form):
    reason = forms.CharField(max_length=300)
    blur_regions = forms.CharField(
        required=False,
        help_text='JSON: [{"x": 10, "y": 20, "w": 100, "h": 80, "start": 0, "end": 2.5}]',
    )
    mute_ranges = forms.CharField(required=False, help_text='JSON: [{"start": 1, "end": 2}]')

    def _json_list(self, name: str) -> list[Any]:
        raw = self.cleaned_data.get(name) or "[]"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.") from None
        if not isinstance(value, list):
            raise forms.ValidationError("Give a list.")
        return value

    def clean_blur_regions(self) -> list[Any]:
        return self._json_list("blur_regions")

    def clean_mute_ranges(self) -> list[Any]:
        return self._json_list("mute_ranges")


class ReviewForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=300)


class AircraftForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        from openprecinct.evidence.models import Aircraft

        model = Aircraft
        fields = [
            "registration",
            "name",
            "make",
            "model",
            "serial_number",
            "status",
            "in_service_since",
            "camera",
            "thermal_camera",
            "optical_zoom",
            "spotlight",
            "loudspeaker",
            "facial_recognition",
            "max_flight_minutes",
            "public_notes",
        ]


class FlightForm(forms.Form):
    aircraft = forms.ModelChoiceField(queryset=None)  # set in __init__
    purpose = forms.CharField(max_length=120)
    launched_at = forms.DateTimeField(help_text="YYYY-MM-DD HH:MM")
    ended_at = forms.DateTimeField(help_text="YYYY-MM-DD HH:MM")
    outcome = forms.ChoiceField(choices=())
    legal_authority = forms.CharField(max_length=200)
    max_altitude_ft = forms.IntegerField(required=False, min_value=0, max_value=2000)
    recording = forms.BooleanField(required=False)
    footage_retention = forms.CharField(required=False, max_length=200)
    call_reference = forms.CharField(required=False, max_length=64)
    flight_path = forms.CharField(
        required=False, help_text="JSON: [[latitude, longitude], ...]", widget=forms.Textarea
    )
    published = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from openprecinct.evidence.models import Aircraft, Flight

        super().__init__(*args, **kwargs)
        self.fields["aircraft"].queryset = Aircraft.objects.filter(  # type: ignore[attr-defined]
            status=Aircraft.Status.IN_SERVICE
        )
        self.fields["outcome"].choices = Flight.Outcome.choices  # type: ignore[attr-defined]

    def clean_flight_path(self) -> list[Any]:
        raw = self.cleaned_data.get("flight_path") or "[]"
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.") from None
        if not isinstance(value, list):
            raise forms.ValidationError("Give a list of [latitude, longitude] points.")
        return value
