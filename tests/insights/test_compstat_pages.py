"""CompStat from the database: the page, PDF, CSV, JSON, API and CLI show the same figures."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.conftest import login_verified
from tests.records.factories import imported_incident

WEEK_ENDING = date(2025, 6, 29)  # a Sunday


@pytest.fixture
def records(db):
    """Hand-countable records: this week, the 28 days, this year and last year."""
    made = []
    spec = [
        ("Burglary", 107, WEEK_ENDING - timedelta(days=1), "120A"),  # WTD
        ("Burglary", 107, WEEK_ENDING - timedelta(days=10), "120B"),  # 28d
        ("Robbery", 105, WEEK_ENDING - timedelta(days=3), "120A"),  # WTD
        ("Robbery", 105, date(2025, 2, 1), "120C"),  # YTD
        ("Robbery", 105, date(2024, 6, 27), "120A"),  # prior WTD (same dates a year ago)
        ("Gr. Larceny", 109, date(2024, 3, 3), "120D"),  # prior YTD
        ("Petit Larceny", 341, WEEK_ENDING - timedelta(days=2), "120B"),
        ("Petit Larceny", 341, date(2020, 1, 1), "120B"),  # records are complete from here
    ]
    for i, (cat, ky, day, sector) in enumerate(spec):
        made.append(
            imported_incident(
                source_key=f"C{i}",
                compstat_category=cat,
                ky_cd=ky,
                occurred_date=day,
                reported_date=day,
                sector=sector,
            )
        )
    made.append(
        imported_incident(
            source_key="SEALED",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=WEEK_ENDING,
            reported_date=WEEK_ENDING,
            is_sealed=True,
        )
    )
    return made


def line(reports, geography, category):
    report = next(r for r in reports if r["geography"] == geography)
    return next(item for item in report["lines"] if item["category"] == category)


def test_the_page_counts_by_hand(client, personas, records):
    login_verified(client, personas["crime_analyst"])
    response = client.get(
        "/insights/compstat/", {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}
    )
    assert response.status_code == 200
    reports = response.context["reports"]
    burglary = line(reports, "120", "Burglary")
    assert (burglary["wtd_current"], burglary["d28_current"], burglary["ytd_current"]) == (1, 2, 2)
    robbery = line(reports, "120", "Robbery")
    assert (
        robbery["wtd_current"],
        robbery["wtd_prior"],
        robbery["ytd_current"],
        robbery["ytd_prior"],
    ) == (1, 1, 2, 1)
    total = line(reports, "120", "Total Seven Major Felonies")
    assert (total["ytd_current"], total["ytd_prior"]) == (4, 2)
    assert total["ytd_pct_change"] == 100.0
    assert line(reports, "120A", "Burglary")["wtd_current"] == 1
    assert b"<svg" in response.content and b"sector-map-data" in response.content


def test_sealed_records_count_only_for_roles_that_may_see_them(client, personas, records):
    login_verified(client, personas["commanding_officer"])
    params = {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}
    co = line(client.get("/insights/compstat/", params).context["reports"], "120", "Burglary")
    client.logout()
    login_verified(client, personas["crime_analyst"])
    analyst = line(client.get("/insights/compstat/", params).context["reports"], "120", "Burglary")
    assert co["wtd_current"] == analyst["wtd_current"] + 1


def test_page_json_api_cli_and_pdf_agree(client, personas, records, tmp_path):
    officer = personas["commanding_officer"]  # the console counts as commanding officer
    login_verified(client, officer)
    params = {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}
    page = [
        r
        for r in client.get("/insights/compstat/", params).context["reports"]
        if r["geography"] == "120"
    ]
    download = [
        r
        for r in json.loads(client.get("/insights/compstat/", {**params, "format": "json"}).content)
        if r["geography"] == "120"
    ]
    api = [r for r in client.get("/api/v1/compstat/", params).json() if r["geography"] == "120"]
    out = io.StringIO()
    call_command(
        "compstat",
        "--precinct",
        "120",
        "--week-ending",
        WEEK_ENDING.isoformat(),
        "--format",
        "json",
        stdout=out,
    )
    cli = json.loads(out.getvalue())
    assert page == download == api == cli
    pdf = client.get("/insights/compstat/", {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    total = line(page, "120", "Total Seven Major Felonies")
    assert f"{total['ytd_current']}" in text and "Burglary" in text and "120" in text


def test_a_bad_week_says_what_to_fix(client, personas, records):
    login_verified(client, personas["crime_analyst"])
    response = client.get("/insights/compstat/", {"week_ending": "2025-06-30"})
    assert response.status_code == 400
    assert "must be a Sunday" in response.content.decode()
    api = client.get("/api/v1/compstat/", {"week_ending": "soon"})
    assert api.status_code == 400 and "week_ending" in str(api.json()["error"]["details"]["query"])


def test_roles_without_compstat_are_refused(client, personas, records):
    for name in ("oversight_member", "ia_investigator", "administrator", "outsider"):
        client.logout()
        login_verified(client, personas[name])
        assert client.get("/insights/compstat/").status_code == 403, name
        assert client.get("/api/v1/compstat/").status_code == 403, name


def test_the_default_week_is_the_last_complete_week_with_records(client, personas, records):
    login_verified(client, personas["crime_analyst"])
    view = client.get("/insights/compstat/").context["view"]
    assert view.week_ending == WEEK_ENDING


def test_reclassifications_show_downgrades_by_when_they_were_made(client, personas, records):
    from django.utils import timezone

    from openprecinct.records.models import IncidentRevision

    burglary = records[0]
    IncidentRevision.objects.create(
        incident=burglary,
        at=timezone.make_aware(timezone.datetime(2025, 6, 27, 10)),
        old_category="Burglary",
        new_category="Petit Larceny",
        reason="entry was lawful",
    )
    login_verified(client, personas["commanding_officer"])
    view = client.get(
        "/insights/compstat/", {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}
    ).context["view"]
    wtd = {(r.category, r.period): r for r in view.reclassified}
    assert wtd[("Burglary", "wtd")].downgraded_out == 1
    assert wtd[("Petit Larceny", "ytd")].downgraded_in == 1


def test_the_historical_perspective_comes_from_nypd_published_annual_counts(
    client, personas, records
):
    login_verified(client, personas["crime_analyst"])
    response = client.get(
        "/insights/compstat/", {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}
    )
    perspective = response.context["view"].perspective
    assert perspective.last_year == 2024
    burglary = next(line for line in perspective.lines if line.category == "Burglary")
    assert dict(burglary.counts)[1993] == 1705  # NYPD's published count for the 120th in 1993
    assert b'id="perspective"' in response.content
