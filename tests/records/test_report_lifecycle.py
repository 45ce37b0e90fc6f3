"""A report's life: draft, submitted, returned with reasons, approved and locked, supplemented."""

import pytest

from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry
from openprecinct.records import services
from openprecinct.records.models import Incident, ReviewAction
from tests.records.factories import report_data


@pytest.fixture
def officer(personas):
    return personas["patrol_officer"]


@pytest.fixture
def sergeant(personas):
    return personas["sergeant"]


@pytest.fixture
def draft(officer):
    return services.incident_create_report(author=officer, data=report_data())


def test_a_new_report_is_a_draft_with_a_number_place_and_category(draft):
    assert draft.status == "draft"
    assert draft.report_number.startswith("120-")
    assert draft.precinct == "120"
    assert draft.sector in {"120A", "120B", "120C", "120D"}
    assert draft.compstat_category == "Burglary"
    assert draft.offense_description == "BURGLARY"
    assert draft.law_category == "felony"
    assert draft.x_m is not None and 290000 < draft.x_m < 300000  # EPSG:32118 metres


def test_only_field_roles_can_write_reports(personas):
    for role in ("crime_analyst", "dispatcher", "records_clerk", "oversight_member", "outsider"):
        with pytest.raises(ApplicationError):
            services.incident_create_report(author=personas[role], data=report_data())


def test_submit_needs_a_complete_report(officer):
    incomplete = services.incident_create_report(
        author=officer, data=report_data(narrative="", attempted=None)
    )
    with pytest.raises(ApplicationError, match="narrative"):
        services.incident_submit(actor=officer, incident=incomplete)


def test_an_officer_cannot_approve_their_own_report(officer, draft):
    services.incident_submit(actor=officer, incident=draft)
    with pytest.raises(ApplicationError):
        services.incident_approve(actor=officer, incident=draft)


def test_a_sergeant_cannot_approve_a_report_they_wrote(sergeant, personas):
    own = services.incident_create_report(author=sergeant, data=report_data())
    services.incident_submit(actor=sergeant, incident=own)
    with pytest.raises(ApplicationError):
        services.incident_approve(actor=sergeant, incident=own)
    services.incident_approve(actor=personas["commanding_officer"], incident=own)


def test_the_database_refuses_self_approval_too(officer, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=draft.pk).update(status="approved", approved_by=officer)


def test_a_returned_report_carries_its_reasons_and_can_be_resubmitted(officer, sergeant, draft):
    services.incident_submit(actor=officer, incident=draft)
    returned = services.incident_return(
        actor=sergeant, incident=draft, reasons="Add the serial number of the laptop."
    )
    assert returned.status == "returned"
    step = ReviewAction.objects.get(incident=draft, action="return")
    assert step.reasons == "Add the serial number of the laptop."
    assert step.actor == sergeant
    services.incident_update_report(
        actor=officer, incident=returned, data={"narrative": "Laptop serial C02XK1."}
    )
    assert services.incident_submit(actor=officer, incident=returned).status == "submitted"


def test_return_needs_reasons(officer, sergeant, draft):
    services.incident_submit(actor=officer, incident=draft)
    with pytest.raises(ApplicationError, match="reasons"):
        services.incident_return(actor=sergeant, incident=draft, reasons="  ")


def test_an_approved_report_cannot_be_edited_only_supplemented(officer, sergeant, draft):
    services.incident_submit(actor=officer, incident=draft)
    approved = services.incident_approve(actor=sergeant, incident=draft)
    assert approved.status == "approved" and approved.approved_by == sergeant
    with pytest.raises(ApplicationError):
        services.incident_update_report(actor=officer, incident=approved, data={"narrative": "x"})
    first = services.incident_add_supplement(actor=officer, incident=approved, text="Suspect seen.")
    second = services.incident_add_supplement(
        actor=officer, incident=approved, text="Property found."
    )
    assert (first.number, second.number) == (1, 2)
    approved.refresh_from_db()
    assert approved.narrative == "Rear door forced; laptop and jewellery taken."


@pytest.mark.parametrize(
    "status, action",
    [
        ("draft", "approve"),
        ("draft", "return"),
        ("approved", "submit"),
        ("approved", "approve"),
        ("approved", "return"),
        ("returned", "approve"),
        ("submitted", "submit"),
    ],
)
def test_forbidden_transitions(status, action):
    incident = Incident(status=status)
    with pytest.raises(TransitionNotAllowed):
        services._transition(incident, action=action)


def test_every_step_is_in_the_audit_log(officer, sergeant, draft):
    services.incident_submit(actor=officer, incident=draft)
    services.incident_return(actor=sergeant, incident=draft, reasons="More detail.")
    services.incident_submit(actor=officer, incident=draft)
    services.incident_approve(actor=sergeant, incident=draft)
    services.incident_add_supplement(actor=officer, incident=draft, text="More.")
    actions = list(
        AuditEntry.objects.filter(
            object_type="records.incident", object_id=str(draft.pk), action__startswith="incident."
        ).values_list("action", "actor_username")
    )
    assert [a for a, _ in actions] == [
        "incident.create",
        "incident.submit",
        "incident.return",
        "incident.submit",
        "incident.approve",
        "incident.supplement",
    ]


def test_reclassification_keeps_the_old_category_as_a_revision(officer, sergeant, draft, personas):
    services.incident_submit(actor=officer, incident=draft)
    services.incident_approve(actor=sergeant, incident=draft)
    clerk = personas["records_clerk"]
    services.incident_reclassify(actor=clerk, incident=draft, ky_cd=341, reason="Entry was lawful.")
    draft.refresh_from_db()
    assert draft.compstat_category == "Petit Larceny"
    revision = draft.revisions.get()
    assert (revision.old_category, revision.new_category) == ("Burglary", "Petit Larceny")
    with pytest.raises(ApplicationError):
        services.incident_reclassify(actor=officer, incident=draft, ky_cd=107, reason="no")
