"""``openprecinct compstat --input FILE``: formats, the JSON contract, one-line errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openprecinct.cli import compstat as command
from openprecinct.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compstat"
COMPLAINTS = FIXTURES / "nypd_complaints_120_extract.csv"
WEEKLY = FIXTURES / "nypd_compstat_weekly_120_citywide.csv.gz"
ARRESTS = FIXTURES / "nypd_arrests_120_febmar_2015_2017.csv"
ARRESTS_120_WEEK = (
    "--input",
    str(ARRESTS),
    "--schema",
    "generic",
    "--columns",
    "id=arrest_key,time=arrest_date,category=ofns_desc,precinct=arrest_precinct",
    "--precinct",
    "120",
    "--week-ending",
    "2017-03-05",
)
"""The arrests fixture read as a generic file, the 120th's week ending 2017-03-05."""
CONTRACT_LINE_KEYS = {
    "category",
    "wtd_current",
    "wtd_prior",
    "wtd_pct_change",
    "d28_current",
    "d28_prior",
    "d28_pct_change",
    "ytd_current",
    "ytd_prior",
    "ytd_pct_change",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["compstat", *args, "--format", "json", "--quiet"]) == 0
    data: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return data


def test_it_prints_the_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "--input", str(COMPLAINTS), "--precinct", "120", "--week-ending", "2016-01-03"
    )
    assert len(data) == 1
    report = data[0]
    assert report["geography"] == "120"
    assert (report["week_start"], report["week_end"]) == ("2015-12-28", "2016-01-03")
    lines = report["lines"]
    assert isinstance(lines, list)
    for line in lines:
        assert CONTRACT_LINE_KEYS <= set(line)
        assert {"ytd_2y_prior", "ytd_2y_pct_change", "ytd_12y_pct_change"} <= set(line)
    total = next(line for line in lines if line["category"] == "Total Seven Major Felonies")
    assert (total["wtd_current"], total["wtd_prior"], total["wtd_pct_change"]) == (1, 4, -75.0)
    murder = lines[0]
    assert murder["category"] == "Murder" and murder["wtd_pct_change"] is None


def test_it_reads_gzip_and_the_weekly_count_schema(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "--input",
        str(WEEKLY),
        "--schema",
        "nypd-weekly-counts",
        "--precinct",
        "120",
        "--week-ending",
        "2026-08-16",
    )
    total = next(x for x in data[0]["lines"] if x["category"] == "Total Seven Major Felonies")
    assert (total["d28_current"], total["d28_prior"]) == (79, 100)
    assert total["ytd_current"] is None


def test_it_maps_generic_columns(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        *ARRESTS_120_WEEK,
    )
    drugs = next(x for x in data[0]["lines"] if x["category"] == "DANGEROUS DRUGS")
    assert (drugs["wtd_current"], drugs["wtd_prior"]) == (16, 11)


def test_another_citys_file_fills_the_major_lines_and_ignores_stray_old_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # UCR names in capitals, as other cities publish them, and a few offences reported years
    # after they occurred (the file covers 2015 on): the 12- and 20-year columns must not be
    # computed from those stray records
    import numpy as np

    rng = np.random.default_rng(7)
    days = rng.integers(0, 1642, 4000)  # 2015-01-01 .. 2019-06-30
    when = np.datetime64("2015-01-01") + days.astype("timedelta64[D]")
    names = rng.choice(["BURGLARY", "MOTOR VEHICLE THEFT", "AGGRAVATED ASSAULT", "THEFT"], 4000)
    stray = ["1999-03-02", "2001-07-15", "2003-11-30", "2007-06-20"]
    lines = ["id,occurred,offense,district"]
    lines += [f"{i},{t},{n},4" for i, (t, n) in enumerate(zip(when, names, strict=True))]
    lines += [f"s{i},{t},BURGLARY,4" for i, t in enumerate(stray)]
    path = tmp_path / "other_city.csv"
    path.write_text("\n".join(lines) + "\n")
    report = run_json(
        capsys, "--input", str(path), "--schema", "generic",
        "--columns", "id=id,time=occurred,category=offense,precinct=district",
        "--precinct", "4", "--week-ending", "2019-06-30",
    )[0]  # fmt: skip
    by = {line["category"]: line for line in report["lines"]}
    in_2019 = (when >= np.datetime64("2019-01-01")) & (when <= np.datetime64("2019-06-30"))
    for name, line in (("BURGLARY", "Burglary"), ("MOTOR VEHICLE THEFT", "G.L.A.")):
        assert by[line]["ytd_current"] == int((in_2019 & (names == name)).sum())
    assert by["Fel. Assault"]["ytd_current"] > 0 and by["THEFT"]["ytd_current"] > 0
    assert "BURGLARY" not in by and "Gr. Larceny" in by  # a major with no records prints 0
    assert by["Burglary"]["ytd_2y_prior"] is not None  # 2017: covered
    assert by["Burglary"]["ytd_12y_prior"] is None  # 2007: one stray record, not covered
    assert any("BURGLARY as Burglary" in n for n in report["notes"])
    assert any("complete from 2015-01-01: 4 record(s)" in n for n in report["notes"])


def test_precinct_takes_a_list_or_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = COMPLAINTS.read_text().splitlines()
    # the same rows again as precinct 121 (ids changed so they stay distinct records)
    twin = ["9" + r.replace(",120,", ",121,", 1) for r in rows[1:]]
    both = tmp_path / "two.csv.gz"
    with gzip.open(both, "wt") as handle:
        handle.write("\n".join(rows + twin) + "\n")
    listed = run_json(
        capsys, "--input", str(both), "--precinct", "120,121", "--week-ending", "2016-01-03"
    )
    assert [r["geography"] for r in listed] == ["120", "121"]
    every = run_json(
        capsys, "--input", str(both), "--precinct", "all", "--week-ending", "2016-01-03"
    )
    assert [r["geography"] for r in every] == ["120", "121"]
    assert every[0]["lines"] == every[1]["lines"]
    pdf = tmp_path / "two.pdf"
    assert (
        main(
            [
                "compstat",
                "--input",
                str(both),
                "--week-ending",
                "2016-01-03",
                "--format",
                "pdf",
                "--output",
                str(pdf),
                "--quiet",
            ]
        )
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_pdf_has_one_page_per_precinct_in_nypd_layout() -> None:
    from datetime import date

    import pandas as pd
    from weasyprint import HTML

    from openprecinct.analytics.compstat import compstat_reports
    from openprecinct.analytics.compstat_io import records_from_nypd_complaints
    from openprecinct.analytics.compstat_render import render_html

    records = records_from_nypd_complaints(
        pd.read_csv(COMPLAINTS, dtype=str, keep_default_na=False)
    )
    twin = records.assign(precinct="121", id="9" + records["id"])
    reports = compstat_reports(pd.concat([records, twin]), week_ending=date(2016, 1, 3))
    page = render_html(reports)
    assert page.count("<section>") == 2
    assert "Report Covering the Week 12/28/2015 Through 1/3/2016" in page
    assert "121st Precinct" in page and "Week to Date" in page and "28 Day" in page
    assert len(HTML(string=page).render().pages) == 2


def test_it_writes_table_csv_and_a_pdf_page_per_precinct(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["compstat", "--input", str(COMPLAINTS), "--week-ending", "2016-01-03", "--quiet"]
    assert main([*base, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "120th Precinct" in table and "Report Covering the Week 12/28/2015" in table
    assert "Total Seven Major Felonies" in table and "***.*" in table
    out = tmp_path / "report.csv"
    assert main([*base, "--format", "csv", "--output", str(out)]) == 0
    header, first = out.read_text().splitlines()[:2]
    assert header.startswith("geography,level,week_start,week_end,category,wtd_current")
    assert first.startswith("120,precinct,2015-12-28,2016-01-03,Murder,0,0,,")
    pdf = tmp_path / "report.pdf"
    assert main([*base, "--format", "pdf", "--output", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week-ending", "2016-01-02"], "must be a Sunday"),
        (["--week-ending", "03/01/2016"], "must be a date like"),
        (["--week-ending", "2016-01-03", "--precinct", "999"], "precinct 999 does not appear"),
        (["--week-ending", "2016-01-03", "--schema", "generic"], "needs --columns"),
        (["--week-ending", "2016-01-03", "--format", "pdf"], "needs --output"),
        (["--week-ending", "2016-01-03", "--history", "1"], "2 or more"),
    ],
)
def test_errors_are_one_line_and_exit_1(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compstat", "--input", str(COMPLAINTS), "--quiet", *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: ") and message in err and "\n" not in err


def test_a_file_that_cannot_be_read_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["compstat", "--input", str(missing), "--week-ending", "2016-01-03"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("Error: cannot read")
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    assert main(["compstat", "--input", str(broken), "--week-ending", "2016-01-03"]) == 2
    assert "Error: cannot read" in capsys.readouterr().err


def test_a_file_of_another_shape_says_which_schema_to_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compstat", "--input", str(ARRESTS), "--week-ending", "2016-01-03"]) == 1
    assert "--schema generic" in capsys.readouterr().err


def test_it_goes_to_django_only_without_input() -> None:
    assert command.wants_django(["--precinct", "120", "--week-ending", "2018-06-24"])
    assert not command.wants_django(["--input", "x.csv"])
    assert not command.wants_django(["--input=x.csv"])


def test_file_mode_never_imports_django(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from openprecinct.cli.main import main\n"
        f"rc = main(['compstat', '--input', {str(COMPLAINTS)!r}, '--week-ending', "
        "'2016-01-03', '--format', 'json', '--quiet'])\n"
        "assert rc == 0, rc\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_option_has_help() -> None:
    parser = command.build_parser()
    for action in parser._actions:
        if action.dest != "help":
            assert action.help, action.dest


def test_trend_revisions_and_annual_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revisions = tmp_path / "revisions.csv"
    revisions.write_text(
        "record_id,time,old_category,new_category\n"
        "446389841,2015-12-31 22:00,G.L.A.,Petit Larceny\n"  # a 120 record: a downgrade
        "999,2015-12-30 10:00,Robbery,Gr. Larceny\n"  # not a record of the file
    )
    data = run_json(
        capsys,
        *ARRESTS_120_WEEK,
        "--trend",
        "DANGEROUS DRUGS",
    )
    weeks = data[0]["trend"]["weeks"]
    assert weeks[-1]["week_end"] == "2017-03-05" and weeks[-1]["count"] == 16
    data = run_json(
        capsys,
        "--input",
        str(COMPLAINTS),
        "--week-ending",
        "2016-01-03",
        "--revisions",
        str(revisions),
        "--annual",
        str(FIXTURES / "nypd_precinct_annual_crime_si.csv"),
    )
    moves = data[0]["reclassifications"]
    assert moves == [
        {
            "category": "G.L.A.",
            "period": period,
            "downgraded_out": 1,
            "upgraded_out": 0,
            "lateral_out": 0,
            "downgraded_in": 0,
            "upgraded_in": 0,
            "lateral_in": 0,
        }
        for period in ("wtd", "d28")
    ] + [
        {
            "category": "Petit Larceny",
            "period": period,
            "downgraded_out": 0,
            "upgraded_out": 0,
            "lateral_out": 0,
            "downgraded_in": 1,
            "upgraded_in": 0,
            "lateral_in": 0,
        }
        for period in ("wtd", "d28")
    ]
    perspective = data[0]["historical_perspective"]
    assert perspective["source"].startswith("NYPD annual precinct aggregates")
    assert perspective["last_year"] == 2015


def test_shootings_hate_crimes_and_arrests_add_their_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(
        capsys,
        "--input",
        str(COMPLAINTS),
        "--precinct",
        "120",
        "--week-ending",
        "2013-02-17",
        "--shootings",
        str(FIXTURES / "nypd_shootings_si_q1_2011_2013.csv"),
    )
    lines = {x["category"]: x for x in data[0]["lines"]}
    victims, incidents = lines["Shooting Vic."], lines["Shooting Inc."]
    # NYPD's 2013 report for the 120th, week to 2/17/2013: 0 1, 0 2, 3 3 for both lines
    for line in (victims, incidents):
        assert [
            line[k]
            for k in (
                "wtd_current",
                "wtd_prior",
                "d28_current",
                "d28_prior",
                "ytd_current",
                "ytd_prior",
            )
        ] == [0, 1, 0, 2, 3, 3]
        assert line["ytd_2y_prior"] is None  # the shootings extract starts on 2011-01-05
    assert lines["Murder"]["ytd_2y_prior"] == 0  # complaints reach back to 2010: covered
    names = list(lines)
    assert names.index("Shooting Vic.") < names.index("Shooting Inc.")


def test_an_added_file_of_the_wrong_shape_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(
            [
                "compstat",
                "--input",
                str(COMPLAINTS),
                "--week-ending",
                "2016-01-03",
                "--quiet",
                "--arrests",
                str(COMPLAINTS),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("Error: --arrests") and "ARREST_DATE" in err


SHARED = Path("/work/shared/data")


@pytest.mark.skipif(not SHARED.exists(), reason="needs the shared real data")
def test_sector_reports_add_up_to_the_precinct(capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "--input",
        str(SHARED / "nypd_complaints_si.csv.gz"),
        "--precinct",
        "120",
        "--week-ending",
        "2016-01-03",
    ]
    sectors = run_json(
        capsys, *base, "--level", "sector", "--sectors", str(SHARED / "nypd_sectors_si.geojson")
    )
    precinct = run_json(capsys, *base)
    assert {s["geography"] for s in sectors} >= {"120A", "120B", "120C", "120D"}
    for line in precinct[0]["lines"]:
        in_sectors = [
            x["wtd_current"]
            for s in sectors
            for x in s["lines"]
            if x["category"] == line["category"]
        ]
        assert sum(in_sectors) == line["wtd_current"], line["category"]
