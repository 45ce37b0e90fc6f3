"""Incident records through the REST API."""

from tests.conftest import login_verified
from tests.records.factories import imported_incident, report_data


def payload():
    data = report_data()
    data["occurred_from"] = data["occurred_from"].isoformat()
    data.pop("occurred_to")
    return data


def test_list_with_filters_and_pagination(client, personas):
    for i in range(3):
        imported_incident(source_key=f"A{i}", sector="120A")
    imported_incident(source_key="B0", sector="120B")
    login_verified(client, personas["crime_analyst"])
    body = client.get("/api/v1/records/", {"sector": "120A", "page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_a_bad_filter_gets_the_error_shape(client, personas):
    login_verified(client, personas["crime_analyst"])
    response = client.get("/api/v1/records/", {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "date_from" in response.json()["error"]["details"]


def test_create_submit_and_approve(client, personas):
    officer, sergeant = personas["patrol_officer"], personas["sergeant"]
    login_verified(client, officer)
    created = client.post("/api/v1/records/", payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"/api/v1/records/{pk}/submit/").json()["status"] == "submitted"
    refused = client.post(f"/api/v1/records/{pk}/approve/")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "rule_violation"
    client.logout()
    login_verified(client, sergeant)
    assert client.post(f"/api/v1/records/{pk}/approve/").json()["status"] == "approved"


def test_a_sealed_record_is_a_404_for_an_analyst(client, personas):
    sealed = imported_incident(is_sealed=True)
    login_verified(client, personas["crime_analyst"])
    response = client.get(f"/api/v1/records/{sealed.pk}/")
    assert response.status_code == 404
    assert response.json() == client.get("/api/v1/records/999999/").json()


def test_roles_without_records_access_are_refused(client, personas):
    login_verified(client, personas["community_affairs"])
    assert client.get("/api/v1/records/").status_code == 403
    assert (
        client.post("/api/v1/records/", payload(), content_type="application/json").status_code
        == 403
    )


def test_the_schema_describes_the_records_routes(client, personas):
    login_verified(client, personas["crime_analyst"])
    paths = client.get("/api/v1/schema/").json()["paths"]
    assert {"/api/v1/records/", "/api/v1/records/{incident_id}/approve/"} <= set(paths)


def test_the_api_reads_filters_as_the_records_page_does(client, personas):
    imported_incident(source_key="K1", ky_cd=107)
    imported_incident(source_key="K2", ky_cd=341)
    login_verified(client, personas["crime_analyst"])
    api = client.get("/api/v1/records/", {"ky_cd": "107"}).json()
    assert [r["ky_cd"] for r in api["results"]] == [107]
    page = client.get("/records/", {"ky_cd": "107"})
    assert [i.ky_cd for i in page.context["page"].object_list] == [107]
    for bad in ({"category": "LOITERING"}, {"ky_cd": "-1"}, {"q": "x" * 101}):
        response = client.get("/api/v1/records/", bad)
        assert response.status_code == 400, bad
        assert set(bad) <= set(response.json()["error"]["details"])
