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
