"""Cases for the committee tests, made straight in the database (the complaint workflow is
accountability's and tested there)."""

from __future__ import annotations

from datetime import date
from itertools import count

_numbers = count(1)


def officer(**fields):
    from openprecinct.accountability.models import Officer

    n = next(_numbers)
    defaults = {
        "last_name": f"Officer{n}",
        "first_name": "Pat",
        "rank": "Police Officer",
        "shield_no": f"{1000 + n}",
        "command": "120 PCT",
        "precinct": 120,
        "assignment": "patrol",
    }
    defaults.update(fields)
    return Officer.objects.create(**defaults)


def complaint(*, status="closed", **fields):
    """A locally handled complaint at findings or closed, with one admissible allegation."""
    from openprecinct.accountability.models import Allegation, Complaint

    n = next(_numbers)
    defaults = {
        "number": f"C-TEST-{n:04d}",
        "channel": "phone",
        "status": status,
        "source": "staff",
        "received_date": date(2026, 3, 2),
        "incident_date": date(2026, 2, 27),
        "sol_date": date(2027, 8, 27),
        "narrative": f"Complainant says the officer was rude at the ferry terminal ({n}).",
        "location": "St. George Ferry Terminal",
        "complainant_name": "Jordan Complainant",
        "complainant_email": "jordan@example.org",
        "complainant_phone": "718-555-0100",
        "closing_report": f"Investigated with body-camera footage; closing report {n}.",
    }
    defaults.update(fields)
    c = Complaint.objects.create(**defaults)
    Allegation.objects.create(
        complaint=c,
        officer=officer(),
        fado_type="discourtesy",
        allegation="Word",
        description=f"Used a discourteous word at the turnstiles (allegation {n}).",
        disposition="unsubstantiated",
    )
    return c


def restricted_material(c):
    """Sealed, juvenile and victim-protected items on complaint ``c``, each with a sentinel
    text that must never appear in a packet."""
    from openprecinct.accountability.models import Allegation, Attachment, IACase

    Allegation.objects.create(
        complaint=c,
        officer=officer(),
        fado_type="force",
        allegation="Chokehold",
        description="SENTINEL-SEALED-ALLEGATION chokehold on the platform",
        disposition="substantiated_charges",
        is_sealed=True,
    )
    Allegation.objects.create(
        complaint=c,
        officer=officer(),
        fado_type="abuse_of_authority",
        allegation="Frisk",
        description="SENTINEL-JUVENILE-ALLEGATION frisk of a fifteen-year-old",
        involves_juvenile=True,
    )
    Attachment.objects.create(
        complaint=c,
        title="SENTINEL-VICTIM-TITLE statement",
        body="SENTINEL-VICTIM-BODY statement of the protected victim",
        victim_protected=True,
    )
    Attachment.objects.create(
        complaint=c,
        title="SENTINEL-SEALED-ATTACHMENT arrest paperwork",
        body="SENTINEL-SEALED-ATTACHMENT-BODY sealed under CPL 160.50",
        is_sealed=True,
    )
    Attachment.objects.create(
        complaint=c, title="Ferry terminal CCTV log", body="Admissible: camera 4 covers the gates."
    )
    IACase.objects.create(
        number=f"IA-S-{c.pk}",
        kind="complaint",
        summary="SENTINEL-SEALED-IA-CASE summary",
        complaint=c,
        is_sealed=True,
    )
    return ["SENTINEL-"]
