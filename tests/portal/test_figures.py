"""Every figure on a public page equals the figure in its own download."""

from __future__ import annotations

import pytest

from tests.portal.htmltables import csv_rows, page_tables

pytestmark = pytest.mark.django_db

PAGES = [
    "/portal/compstat/",
    "/portal/compstat/?sector=120A",
    "/portal/compstat/?sector=120C&week_ending=2025-06-22",
    "/portal/map/",
    "/portal/map/?days=28",
    "/portal/map/?days=91&end=2025-06-20",
    "/portal/revisions/",
    "/portal/response-times/",
    "/portal/calls/",
    "/portal/accountability-figures/",
    "/portal/community-outcomes/",
    "/portal/training/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_table_on_the_page_equals_its_csv(client, precinct_records, path):
    response = client.get(path)
    assert response.status_code == 200
    tables, _ = page_tables(response.content.decode())
    for table in tables:
        download = client.get(table["csv"])
        assert download.status_code == 200, table["csv"]
        header, rows = csv_rows(download.content.decode())
        assert table["rows"] == rows, f"{path}: {table['csv']}"


def test_compstat_pages_show_tables_with_figures(client, precinct_records):
    tables, bars = page_tables(client.get("/portal/compstat/").content.decode())
    # the precinct, its four sectors, and the weekly trend
    assert [t["dataset"] for t in tables] == ["compstat"] * 5 + ["compstat-trend"]
    burglary = next(r for r in tables[0]["rows"] if r[0] == "120" and r[2] == "Burglary")
    assert (
        burglary[3] == "7"
    )  # week to date, this year: seven burglaries (one sealed is not counted)
    # the chart draws the same figures as the trend table and its CSV
    trend = client.get(tables[-1]["csv"]).content.decode()
    _, rows = csv_rows(trend)
    assert [b["value"] for b in bars] == [r[1] for r in rows]
    assert [b["label"] for b in bars] == [r[0] for r in rows]


def test_the_map_summary_counts_equal_the_geojson(client, precinct_records):
    html = client.get("/portal/map/").content.decode()
    data = client.get("/portal/map/points.geojson").json()
    assert f"{len(data['features'])} points on the map." in html
    counted = sum(r["records"] for r in data["privacy"]["records"] if r["rule"] == "counts")
    assert counted == 5
    assert f"{3} counted but not mapped (sensitive category)" in html


def test_methodology_figures_equal_the_ledgers_of_the_downloads(client, precinct_records):
    html = client.get("/portal/methodology/").content.decode()
    api = client.get("/api/v1/public/datasets/crime-counts/").json()
    ledger = api["privacy"]
    row = (
        f'<td class="num">{ledger["cells_total"]}</td><td class="num">{ledger["cells_suppressed"]}</td>'
        f'<td class="num">{ledger["cells_complementary"]}</td>'
    )
    assert row in html
    assert ledger["cells_suppressed"] > 0


def test_the_methodology_says_what_share_of_the_maps_records_was_withheld(client, precinct_records):
    html = client.get("/portal/methodology/").content.decode()
    # 55 records in the window: 46 block, 3 offset, 5 counted only, 1 sealed
    assert "55 records of the precinct in the window" in html
    assert '<td>sealed record</td><td class="num">1</td><td class="num">1.8%</td>' in html
