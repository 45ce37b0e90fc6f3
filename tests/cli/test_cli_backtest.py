"""``openprecinct backtest`` on real 120th Precinct felony points: JSON contract, bad rows, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openprecinct.analytics.times import parse_times
from openprecinct.cli import backtest as cli
from openprecinct.cli.errors import CLIError
from openprecinct.cli.main import main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "forecast"
CSV = FIX / "felonies_120_lonlat.csv.gz"
AREA_FT = FIX / "precinct_120_feet.geojson"
PRECINCTS = "/work/shared/data/nypd_precincts.geojson"

BASE = [
    "--input",
    str(CSV),
    "--columns",
    "t=occurred,x=lon,y=lat,category=offense",
    "--date-format",
    "%m/%d/%Y",
    "--crs",
    "EPSG:4326",
    "--area",
    str(AREA_FT),
    "--cell-size",
    "150",
    "--train-start",
    "2013-01-01",
    "--test-start",
    "2015-01-01",
    "--test-end",
    "2015-03-31",
    "--horizon",
    "month",
]


def run_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert cli.run([*BASE, *extra, "--json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def test_json_contract_with_events_in_degrees_and_area_in_feet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = run_json(capsys, "--method", "naivelong,default", "--coverage", "1,5,10,20")
    assert d["cells"] == 1057 and d["periods"] == 3
    assert d["default_method"] == "blend"
    assert set(d["methods"]) == {"naivelong", "blend"}  # type: ignore[arg-type]
    for name in ("naivelong", "blend"):
        m = d["methods"][name]  # type: ignore[index]
        assert set(m["coverage"]) == {"1", "5", "10", "20"}
        for c in m["coverage"].values():
            assert 0 <= c["hit_rate"] <= 1 and c["pai"] >= 0 and 0 <= c["pei"] <= 1
        assert m["fit_seconds"] >= 0 and m["predict_seconds_per_period"] >= 0
    assert d["events_test"] > 200


def test_bad_rows_are_counted_not_fatal(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run([*BASE, "--method", "naive", "--json"]) == 0
    captured = capsys.readouterr()
    assert "discretionary-enforcement" in captured.err
    rep = json.loads(captured.out)["input"]
    assert rep["duplicate_rows"] == 3  # type: ignore[index]
    assert rep["unparseable_dates"] == 1  # type: ignore[index]
    assert rep["missing_coordinates"] == 1  # type: ignore[index]
    assert rep["outside_area"] == 1  # type: ignore[index]
    assert rep["discretionary_excluded"] == 1  # type: ignore[index]


def test_month_without_events_is_skipped_and_counted(capsys: pytest.CaptureFixture[str]) -> None:
    # 2014 has no September-December in the NYPD crime map data
    args = [a for a in BASE]
    args[args.index("2015-01-01")] = "2014-08-01"
    args[args.index("2015-03-31")] = "2014-10-31"
    assert cli.run([*args, "--method", "naivelong", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["periods"] == 1 and d["periods_skipped_no_events"] == 2


def test_area_filter_and_wgs84_area_give_the_same_grid(capsys: pytest.CaptureFixture[str]) -> None:
    args = [a for a in BASE]
    args[args.index(str(AREA_FT))] = PRECINCTS
    assert (
        cli.run(
            [*args, "--area-filter", "precinct=120", "--method", "naivelong", "--json", "--quiet"]
        )
        == 0
    )
    # events and area both in degrees: the grid is laid in UTM 18N, not State Plane
    assert abs(json.loads(capsys.readouterr().out)["cells"] - 1057) < 30


def test_table_output_and_category_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run([*BASE, "--category", "burglary", "--method", "all", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "naivelong" in out and "oracle" in out and "blend" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--columns", "t=nope,x=lon,y=lat"), "not in"),
        (("--crs", "EPSG:bad"), "EPSG:NNNN"),
        (("--method", "magic"), "unknown method"),
        (("--coverage", "0,5"), "coverage"),
        (("--test-end", "2014-01-01"), "dates must satisfy"),
        (("--input", "/nonexistent.csv"), "does not exist"),
    ],
)
def test_errors_are_one_line(
    change: tuple[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = list(BASE)
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += list(change)
    with pytest.raises(CLIError, match=message):
        cli.run(args)
    assert main(["backtest", *args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("Error: ") and message in err[-1]


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--help"]) == 0
    assert "--area-filter" in capsys.readouterr().out


def test_hexagon_grid_and_weekly_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    args = list(BASE)
    args[args.index("month")] = "week"
    assert cli.run([*args, "--grid", "hex", "--method", "naivelong,kde", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["cells"] > 1000 and d["horizon"] == "week"
    # the crime map has month-only dates: one week in four or five has events
    assert d["periods"] + d["periods_skipped_no_events"] == d["periods_total"] == 12


def test_a_windows_1252_file_is_read_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # many cities' exports are Windows-1252: the en dash and the É are not valid UTF-8 bytes
    import gzip

    text = gzip.decompress(CSV.read_bytes()).decode("utf-8")
    legacy = tmp_path / "felonies_cp1252.csv"
    legacy.write_bytes(text.replace(",BURGLARY", ",BURGLARY – RÉSIDENCE").encode("cp1252"))
    args = [a if a != str(CSV) else str(legacy) for a in BASE]
    category = ["--category", "BURGLARY – RÉSIDENCE"]
    assert cli.run([*args, *category, "--method", "naive", "--json"]) == 0
    captured = capsys.readouterr()
    assert "not valid UTF-8; read as Windows-1252" in captured.err
    legacy_result = json.loads(captured.out)
    assert cli.run([*BASE, "--category", "burglary", "--method", "naive", "--json"]) == 0
    utf8_result = json.loads(capsys.readouterr().out)
    assert legacy_result["events_test"] == utf8_result["events_test"] > 0
    coverage = legacy_result["methods"]["naive"]["coverage"]  # type: ignore[index]
    assert coverage == utf8_result["methods"]["naive"]["coverage"]  # type: ignore[index]

    with pytest.raises(CLIError, match="is not valid utf-8: give its encoding with --encoding"):
        cli.run([*args, "--encoding", "utf-8"])
    with pytest.raises(CLIError, match="unknown --encoding 'klingon'"):
        cli.run([*args, "--encoding", "klingon"])


def test_swapped_columns_are_named_in_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    args = list(BASE)
    args[args.index("t=occurred,x=lon,y=lat,category=offense")] = "t=occurred,x=lat,y=lon"
    assert cli.run([*args, "--method", "naive", "--json"]) == 0
    captured = capsys.readouterr()
    assert "and 100.0% would with x and y the other way round: check --columns" in captured.err
    assert json.loads(captured.out)["events_test"] == 0


@pytest.mark.parametrize(
    "fmt",
    [
        "%Y-%m-%dT%H:%M:%S.000",  # Socrata
        "%m/%d/%Y %I:%M:%S %p",  # Chicago
        "%m/%d/%Y %H:%M",  # St. Louis
        "%d/%m/%Y %H:%M:%S",  # day first: told apart by the days above 12
        "%Y/%m/%d %H:%M:%S+00",  # ArcGIS, with a zone
        "%Y-%m-%dT%H:%M:%S-05:00",
    ],
)
def test_times_in_the_formats_cities_publish_keep_their_wall_clock(fmt: str) -> None:
    import pandas as pd

    times = pd.date_range("2019-01-01", periods=500, freq="17h13min")
    text = pd.Series(times.strftime(fmt))
    text.iloc[3], text.iloc[4] = "not a time", ""
    got = parse_times(text, None)
    assert got.isna().tolist() == [i in (3, 4) for i in range(500)]
    expected = times.to_series(index=text.index)
    assert (got - expected).dropna().abs().max() < pd.Timedelta(minutes=1)


def test_zero_coordinates_count_as_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    text = gzip.decompress(CSV.read_bytes()).decode("utf-8")
    zeros = tmp_path / "with_zeros.csv"
    zeros.write_text(text + "9001,02/03/2015,0,0,ROBBERY\n9002,02/04/2015,0.0,0.0,BURGLARY\n")
    args = [a if a != str(CSV) else str(zeros) for a in BASE]
    assert cli.run([*args, "--method", "naive", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)["input"]
    assert rep["missing_coordinates"] == 1 + 2 and rep["outside_area"] == 1


def test_a_file_joined_from_years_in_two_formats_reads_whole() -> None:
    import pandas as pd

    times = pd.date_range("2012-03-01", periods=800, freq="D")
    text = pd.Series(
        list(times[:400].strftime("%Y-%m-%d")) + list(times[400:].strftime("%m/%d/%Y"))
    )
    got = parse_times(text, None)
    assert got.notna().all() and (got.to_numpy() == times.to_numpy()).all()


def test_a_small_area_of_a_larger_file_is_no_reason_to_warn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a sector-sized box in the north of the precinct: most events fall outside it, as a
    # precinct's do in a citywide file
    small = tmp_path / "box.geojson"
    small.write_text(
        json.dumps(
            {
                "type": "Polygon",
                "crs": {"type": "name", "properties": {"name": "EPSG:2263"}},
                "coordinates": [
                    [[958000, 170000], [966000, 170000], [966000, 175000], [958000, 175000],
                     [958000, 170000]]
                ],
            }
        )
    )  # fmt: skip
    args = [a if a != str(AREA_FT) else str(small) for a in BASE]
    assert cli.run([*args, "--method", "naive", "--json"]) == 0
    captured = capsys.readouterr()
    rep = json.loads(captured.out)["input"]
    assert rep["outside_area"] > rep["events_used"] > 0
    assert "fall in the area" not in captured.err and "falls in the area" not in captured.err


def test_a_category_that_is_not_in_the_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CLIError, match="no row has the category 'BURGLAR'; the most common"):
        cli.run([*BASE, "--category", "burglar"])
    assert cli.run([*BASE, "--category", "burglary,arsonx", "--method", "naive", "--quiet"]) == 0
