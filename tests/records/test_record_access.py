"""Who sees which record: sealed and unfinished records, and one 404 for missing or forbidden."""

import re

import pytest
from django.urls import reverse

from openprecinct.records import selectors, services
from tests.conftest import login_verified
from tests.records.factories import imported_incident, report_data


def _page(response):
    """The page without its per-response CSRF mask, which differs on every render."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


@pytest.fixture
def sealed(db):
    return imported_incident(is_sealed=True, sealed_reason="CPL 160.50")


def test_a_sealed_record_is_invisible_to_roles_not_allowed(client, personas, sealed):
    missing_url = reverse("records:detail", args=[sealed.pk + 999])
    for name, user in personas.items():
        client.logout()
        login_verified(client, user)
        response = client.get(reverse("records:detail", args=[sealed.pk]))
        listed = selectors.incident_list_for_user(user=user).filter(pk=sealed.pk).exists()
        if name in ("commanding_officer", "ia_investigator", "records_clerk"):
            assert response.status_code == 200, name
            assert listed
        else:
            assert not listed, name
            if response.status_code != 403:  # roles with no records access get 403 from the list
                assert response.status_code == 404, name
                assert _page(response) == _page(client.get(missing_url))


def test_a_sealed_record_is_never_counted_or_exported_for_others(client, personas, sealed):
    imported_incident()
    login_verified(client, personas["crime_analyst"])
    body = b"".join(client.get(reverse("records:export_csv")).streaming_content).decode()
    assert sealed.source_key not in body
    assert len(body.strip().splitlines()) == 2  # header + the one visible record
    page = client.get(reverse("records:list"))
    assert page.context["page"].paginator.count == 1


def test_a_draft_is_seen_by_its_author_and_supervisors_only(client, personas):
    draft = services.incident_create_report(author=personas["patrol_officer"], data=report_data())
    seeing = {
        name
        for name, user in personas.items()
        if selectors.incident_list_for_user(user=user).filter(pk=draft.pk).exists()
    }
    assert seeing == {"patrol_officer", "sergeant", "commanding_officer"}


def test_roles_without_records_access_get_403_on_the_list(client, personas):
    for name in ("oversight_member", "community_affairs", "administrator", "outsider"):
        client.logout()
        login_verified(client, personas[name])
        assert client.get(reverse("records:list")).status_code == 403, name


def test_an_officer_cannot_use_the_approve_url_on_their_own_report(client, personas):
    officer = personas["patrol_officer"]
    draft = services.incident_create_report(author=officer, data=report_data())
    services.incident_submit(actor=officer, incident=draft)
    login_verified(client, officer)
    client.post(reverse("records:approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "submitted"
