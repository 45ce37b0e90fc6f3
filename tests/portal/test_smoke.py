import pytest

PAGES = [
    "/portal/",
    "/portal/compstat/",
    "/portal/compstat/?sector=120A",
    "/portal/map/",
    "/portal/map/points.geojson",
    "/portal/revisions/",
    "/portal/response-times/",
    "/portal/calls/",
    "/portal/accountability-figures/",
    "/portal/community-outcomes/",
    "/portal/training/",
    "/portal/methodology/",
    "/portal/data/",
    "/portal/data/compstat.csv",
    "/api/v1/public/datasets/",
    "/api/v1/public/datasets/compstat/",
    "/api/v1/public/map-points/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_public_route_answers_without_login(client, precinct_records, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:2000]


@pytest.mark.django_db
def test_the_front_page_leads_to_the_portal(client):
    assert b'href="/portal/"' in client.get("/").content


@pytest.mark.django_db
def test_downloads_may_be_cached_by_anyone_pages_may_not(client, precinct_records):
    assert "public" in client.get("/portal/data/compstat.csv")["Cache-Control"]
    assert "public" not in client.get("/portal/compstat/").get("Cache-Control", "")
