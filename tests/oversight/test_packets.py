"""One packet builder, and its redaction rules: sealed, juvenile and victim-protected material
and the complainant's identity never enter a packet, an export or a member-visible count."""

from __future__ import annotations

import json

import pytest

from openprecinct.core.errors import ApplicationError
from openprecinct.oversight import packets, services
from tests.oversight import factories

pytestmark = pytest.mark.django_db


def test_restricted_material_never_enters_a_packet(case):
    factories.restricted_material(case)
    content, withheld = packets.build_packet_content(case)
    blob = json.dumps(content)
    assert "SENTINEL" not in blob
    for pii in ("Jordan Complainant", "jordan@example.org", "718-555-0100"):
        assert pii not in blob
    assert "Ferry terminal CCTV log" in blob  # admissible material is there
    assert len(content["allegations"]) == 1
    assert withheld["allegations"] == {"sealed": 1, "juvenile": 1, "victim_protected": 0}
    assert withheld["attachments"] == {"sealed": 1, "juvenile": 0, "victim_protected": 1}
    assert withheld["internal-affairs cases"]["sealed"] == 1


def test_a_juvenile_or_victim_protected_complaint_keeps_its_own_account_out(db):
    for flag in ("involves_juvenile", "victim_protected"):
        c = factories.complaint(**{flag: True})
        content, withheld = packets.build_packet_content(c)
        assert content["complaint"]["narrative"] is None
        assert content["complaint"]["narrative_withheld"] is True
        assert c.narrative not in json.dumps(content)
        assert c.closing_report not in json.dumps(content)
        assert withheld["complaint narrative"]


def test_a_sealed_complaint_gets_no_packet(db):
    c = factories.complaint(is_sealed=True)
    with pytest.raises(ApplicationError, match="sealed"):
        packets.build_packet_content(c)


def test_the_second_lock_refuses_a_packet_that_would_leak(case):
    factories.restricted_material(case)
    content, _ = packets.build_packet_content(case)
    content["attachments"].append({"title": "SENTINEL-VICTIM-TITLE statement", "body": ""})
    with pytest.raises(ApplicationError, match="withheld material"):
        packets.assert_admissible(content, case)


def test_building_a_packet_goes_through_the_review_and_is_audited(case, personas):
    from openprecinct.core.models import AuditEntry

    factories.restricted_material(case)
    ia = personas["ia_investigator"]
    review = services.review_open(actor=ia, complaint=case)
    packet = services.packet_build(actor=ia, review=review)
    assert packet.version == 1 and "SENTINEL" not in json.dumps(packet.content)
    assert packet.content_sha256 == packets.content_hash(packet.content)
    assert AuditEntry.objects.filter(action="oversight.packet.build", object_id=str(packet.pk))
    again = services.packet_build(actor=ia, review=review)
    assert again.version == 2


def test_a_complaint_sealed_after_selection_cannot_get_a_new_packet(case, personas):
    ia = personas["ia_investigator"]
    review = services.review_open(actor=ia, complaint=case)
    case.is_sealed = True
    case.save()
    with pytest.raises(ApplicationError, match="sealed"):
        services.packet_build(actor=ia, review=review)
