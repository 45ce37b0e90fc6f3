"""The analyst's hotspot page: forecasts on the precinct's records, refusals that say why."""

from datetime import date, timedelta

import numpy as np
import pytest

from openprecinct.insights.analysis import MAJORS
from tests.conftest import login_verified
from tests.records.factories import imported_incident

# A cluster near the 120th station house (St. George), in metres of EPSG:32118.
CLUSTER = (292386.0, 51788.0)  # near Victory Blvd and Bay St, inside the 120th


@pytest.fixture
def burglaries(db):
    rng = np.random.default_rng(7)
    start = date(2024, 1, 1)
    made = []
    for i in range(60):
        dx, dy = rng.normal(0, 60, 2)
        day = start + timedelta(days=int(rng.integers(0, 365)))
        made.append(
            imported_incident(
                source_key=f"B{i}",
                compstat_category="Burglary",
                ky_cd=107,
                occurred_date=day,
                x_m=CLUSTER[0] + dx,
                y_m=CLUSTER[1] + dy,
            )
        )
    return made


def test_the_forecast_flags_the_cluster(client, personas, burglaries):
    login_verified(client, personas["crime_analyst"])
    response = client.get(
        "/insights/analysis/",
        {
            "category": MAJORS,
            "method": "naivelong",
            "cell_size": "150",
            "horizon": "month",
            "as_of": "2025-01-01",
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.events == 60 and result.flagged > 0
    best = result.top_cells[0]
    assert best["past"] > 5  # the top cell is one of the cluster's
    flagged = [f for f in result.layers["features"] if f["properties"]["flagged"]]
    assert len(flagged) == result.flagged
    assert any(f["properties"]["gi"] == "hot" for f in result.layers["features"])


def test_drug_arrests_are_never_a_training_category(client, personas, burglaries):
    login_verified(client, personas["crime_analyst"])
    response = client.get(
        "/insights/analysis/", {"category": "Drug Arrests", "as_of": "2025-01-01"}
    )
    assert response.status_code == 400
    assert (
        "Choose a category" in response.content.decode()
        or "where police looked" in response.content.decode()
    )


def test_a_bad_date_says_what_to_fix(client, personas, burglaries):
    login_verified(client, personas["crime_analyst"])
    response = client.get("/insights/analysis/", {"as_of": "next week"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_only_analysts_and_commanders_open_it(client, personas):
    allowed = set()
    for name, user in personas.items():
        client.logout()
        login_verified(client, user)
        if client.get("/insights/analysis/").status_code == 200:
            allowed.add(name)
    assert allowed == {"crime_analyst", "commanding_officer"}
