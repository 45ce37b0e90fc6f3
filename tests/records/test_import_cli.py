"""``openprecinct import``: the summary, --json, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.records.conftest import COMPLAINT_HEADER, csv_text

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_prints_one_object_with_the_summary_keys(complaints_file):
    path = complaints_file({"CMPLNT_NUM": "1"}, {"CMPLNT_NUM": "2", "RPT_DT": "soon"})

    summary = json.loads(run_import("--schema", "nypd-complaints", str(path), "--json"))

    assert {"read", "imported", "updated", "unchanged", "quarantined", "reasons"} <= set(summary)
    assert (summary["read"], summary["imported"], summary["quarantined"]) == (2, 1, 1)
    assert summary["reasons"] == {"bad_date": 1}


def test_the_plain_summary_lists_counts_and_reasons(complaints_file):
    text = run_import("--schema", "nypd-complaints", str(complaints_file()), "--quiet")
    assert "imported" in text and "quarantined" in text


def test_generic_columns_option_and_area(write_file, tmp_path):
    header = ["case", "when", "lon", "lat", "what"]
    rows = [
        {
            "case": "A1",
            "when": "2024-03-01 10:00",
            "lon": "-74.08",
            "lat": "40.63",
            "what": "ROBBERY",
        },
        {
            "case": "A2",
            "when": "2024-03-02T11:00:00",
            "lon": "-73.95",
            "lat": "40.78",
            "what": "BURGLARY",
        },
        {
            "case": "A3",
            "when": "03/03/2024 01:30 PM",
            "lon": "-74.09",
            "lat": "40.64",
            "what": "THEFT",
        },
    ]
    path = write_file("city.csv", csv_text(header, rows))
    area = tmp_path / "si.geojson"
    area.write_text(
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [-74.26, 40.49],
                        [-74.05, 40.49],
                        [-74.05, 40.65],
                        [-74.26, 40.65],
                        [-74.26, 40.49],
                    ]
                ],
            }
        )
    )
    columns = "id=case,time=when,x=lon,y=lat,offense=what"

    summary = json.loads(
        run_import(
            "--schema", "generic", "--columns", columns, "--area", str(area), str(path), "--json"
        )
    )

    assert (summary["imported"], summary["reasons"]) == (2, {"out_of_bounds": 1})
    from openprecinct.records.models import Incident

    theft = Incident.objects.get(source="generic", source_key="A3")
    assert theft.compstat_category == "" and theft.offense_description == "THEFT"
    assert Incident.objects.get(source_key="A1").compstat_category == "Robbery"


def test_zero_coordinates_are_read_as_not_geocoded(write_file):
    # St. Louis's and Chicago's exports write 0, 0 where a record was not geocoded
    header = ["case", "when", "x", "y", "what", "district"]
    rows = [
        {"case": "B1", "when": "2019-01-05 10:00", "x": "0", "y": "0", "what": "BURGLARY",
         "district": "4"},
        {"case": "B2", "when": "2019-01-06 10:00", "x": "0", "y": "0", "what": "BURGLARY",
         "district": ""},
        {"case": "B3", "when": "2019-01-07 10:00", "x": "897464.8", "y": "1006417",
         "what": "BURGLARY", "district": "4"},
    ]  # fmt: skip
    path = write_file("stl.csv", csv_text(header, rows))
    columns = "id=case,time=when,x=x,y=y,offense=what,precinct=district,crs=ESRI:102696"

    summary = json.loads(
        run_import("--schema", "generic", "--columns", columns, str(path), "--json")
    )

    assert (summary["imported"], summary["reasons"]) == (2, {"missing_location": 1})
    from openprecinct.records.models import Incident

    assert Incident.objects.get(source_key="B1").x_m is None
    located = Incident.objects.get(source_key="B3")
    assert located.latitude is not None and 38.5 < located.latitude < 38.8  # St. Louis


def test_a_day_first_date_says_how_to_import_the_file(write_file):
    header = ["case", "when", "lon", "lat", "what"]
    rows = [
        {"case": "D1", "when": "13/03/2024", "lon": "-74.08", "lat": "40.63", "what": "ROBBERY"},
        {"case": "D2", "when": "02/30/2024", "lon": "-74.08", "lat": "40.63", "what": "ROBBERY"},
    ]
    path = write_file("eu.csv", csv_text(header, rows))
    columns = "id=case,time=when,x=lon,y=lat,offense=what"

    summary = json.loads(
        run_import("--schema", "generic", "--columns", columns, str(path), "--json")
    )

    assert summary["reasons"] == {"bad_date": 2}
    from openprecinct.records.models import QuarantinedRow

    reasons = sorted(QuarantinedRow.objects.values_list("reason", flat=True))
    assert "give date_format=%d/%m/%Y" not in reasons[0]  # 02/30: simply no such day
    assert "import it again with date_format=%d/%m/%Y" in reasons[1]


def test_an_unreadable_file_raises_a_command_error_with_status_2(write_file):
    with pytest.raises(CommandError) as info:
        run_import("--schema", "nypd-complaints", str(write_file("e.csv", "")))
    assert info.value.returncode == 2


@pytest.fixture
def cli_env(tmp_path):
    env = {**os.environ, "OPENPRECINCT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    env["OPENPRECINCT_DATA_DIR"] = str(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "openprecinct", "migrate", "-v0"], env=env, check=True, timeout=120
    )
    return env


def test_the_command_line_exits_2_with_one_line_for_a_bad_file(cli_env, write_file):
    path = write_file("header.csv", csv_text(COMPLAINT_HEADER, []))
    done = subprocess.run(
        [sys.executable, "-m", "openprecinct", "import", "--schema", "nypd-complaints", str(path)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"Error: {path.name} has a header but no rows"]
    assert "Traceback" not in done.stderr

    ok = subprocess.run(
        [sys.executable, "-m", "openprecinct", "import", "--schema", "nypd-complaints"]
        + [
            str(
                write_file(
                    "one.csv",
                    csv_text(
                        COMPLAINT_HEADER,
                        [
                            {
                                "CMPLNT_NUM": "9",
                                "RPT_DT": "01/01/2020",
                                "KY_CD": "341",
                                "ADDR_PCT_CD": "120",
                            }
                        ],
                    ),
                )
            ),
            "--json",
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["imported"] == 1


@pytest.mark.slow  # 22,663 real rows, twice
def test_the_demo_records_load_through_the_importers_and_reload_unchanged():
    from openprecinct.records.models import Arrest, ImportRun, Incident

    first = StringIO()
    call_command("load_demo_records", stdout=first)
    runs = list(ImportRun.objects.order_by("pk"))
    assert len(runs) == 5 and all(r.status == "done" and r.quarantined == 0 for r in runs)
    assert Arrest.objects.count() == 13887
    assert Incident.objects.filter(precinct="120").exists()

    call_command("load_demo_records", stdout=StringIO())
    again = ImportRun.objects.order_by("pk")[5:]
    assert all(r.unchanged == r.read for r in again)


def test_a_toml_mapping_file(write_file, tmp_path):
    mapping = tmp_path / "city.toml"
    mapping.write_text(
        'source = "springfield"\n[columns]\nid = "case"\ntime = "when"\nx = "lon"\ny = "lat"\n'
        'offense = "what"\n'
    )
    path = write_file(
        "city.csv", "case,when,lon,lat,what\n1,2024-01-05 10:00,-74.08,40.63,ROBBERY\n"
    )
    summary = json.loads(
        run_import("--schema", "generic", "--mapping", str(mapping), str(path), "--json")
    )
    assert summary["imported"] == 1
