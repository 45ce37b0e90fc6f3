"""Every permission denial writes an audit entry: pages, API routes and hidden records."""

from openprecinct.core.models import AuditEntry
from tests.conftest import login_verified
from tests.records.factories import imported_incident


def denials():
    return AuditEntry.objects.filter(outcome="denied")


def test_a_refused_page_is_audited(client, personas):
    login_verified(client, personas["patrol_officer"])
    before = denials().count()
    assert client.get("/accounts/users/").status_code == 403
    assert denials().count() == before + 1


def test_a_refused_api_call_is_audited(client, personas):
    login_verified(client, personas["community_affairs"])
    before = denials().count()
    assert client.get("/api/v1/records/").status_code == 403
    entry = denials().latest("seq")
    assert denials().count() == before + 1
    assert (entry.object_type, entry.object_id, entry.actor_username) == (
        "api",
        "/api/v1/records/",
        "community-affairs",
    )


def test_an_unauthenticated_api_call_is_audited(client, db):
    before = denials().count()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert denials().count() == before + 1


def test_a_hidden_record_is_a_404_but_the_refusal_is_written_down(client, personas):
    sealed = imported_incident(is_sealed=True)
    login_verified(client, personas["crime_analyst"])
    assert client.get(f"/records/{sealed.pk}/").status_code == 404
    entry = denials().latest("seq")
    assert (entry.action, entry.object_id) == ("incident.view", str(sealed.pk))
