"""Each role's home page puts what needs their attention on top."""

from django.urls import reverse
from django.utils import timezone

from openprecinct.records import services
from tests.conftest import login_verified
from tests.records.factories import report_data


def tasks(client, user):
    client.logout()
    login_verified(client, user)
    return {t.text: t.count for t in client.get(reverse("core:home")).context["tasks"]}


def test_a_sergeant_sees_reports_waiting_and_an_officer_sees_returns(client, personas):
    officer, sergeant = personas["patrol_officer"], personas["sergeant"]
    report = services.incident_create_report(author=officer, data=report_data())
    services.incident_submit(actor=officer, incident=report)
    assert tasks(client, sergeant)["reports wait for your approval"] == 1
    services.incident_return(actor=sergeant, incident=report, reasons="Add the witness.")
    assert tasks(client, officer)["of your reports were returned for changes"] == 1
    assert tasks(client, sergeant)["reports wait for your approval"] == 0


def test_an_administrator_sees_locked_accounts(client, personas):
    personas["dispatcher"].locked_at = timezone.now()
    personas["dispatcher"].save()
    assert tasks(client, personas["administrator"])["accounts are locked"] == 1


def test_roles_get_no_tasks_that_are_not_theirs(client, personas):
    assert tasks(client, personas["oversight_member"]) == {}
    assert tasks(client, personas["outsider"]) == {}
