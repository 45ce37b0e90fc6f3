"""``openprecinct patrol``: a thin layer over analytics.patrol, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openprecinct.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "patrol"
MODEL = FIXTURES / "model_small.json"


def write_model(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(MODEL.read_text())
    data.update(changes)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    return path


def test_hypercube_json_has_every_promised_output(capsys):
    assert main(["patrol", "hypercube", "--input", str(MODEL), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {
        "workload",
        "fraction_served",
        "mean_travel_time",
        "p_all_busy",
        "solve_seconds",
    }
    assert len(out["workload"]) == 4
    assert len(out["fraction_served"]) == 4 and len(out["fraction_served"][0]) == 6
    assert set(out["mean_travel_time"]) == {"overall", "by_atom"}
    assert out["method"] == "exact"


def test_hypercube_approx_method_is_selectable(capsys):
    assert main(["patrol", "hypercube", "--input", str(MODEL), "--method", "approx", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "approx"


def test_hypercube_approx_correction_is_selectable(capsys):
    args = ["patrol", "hypercube", "--input", str(MODEL), "--method", "approx", "--json"]
    assert main([*args, "--correction", "larson"]) == 0
    larson = json.loads(capsys.readouterr().out)["workload"]
    assert main(args) == 0
    conditional = json.loads(capsys.readouterr().out)["workload"]
    assert main(["patrol", "hypercube", "--input", str(MODEL), "--method", "exact", "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)["workload"]
    assert len(larson) == len(conditional) == len(exact)
    assert max(abs(a - b) for a, b in zip(conditional, exact, strict=True)) < 0.02


def test_hypercube_prints_a_readable_table_without_json(capsys):
    assert main(["patrol", "hypercube", "--input", str(MODEL)]) == 0
    out = capsys.readouterr().out
    assert "RMP-A" in out and "A-north" in out and "workload" in out


def test_queue_option_in_the_model_changes_the_line_capacity(tmp_path, capsys):
    path = write_model(tmp_path, queue=True)
    assert main(["patrol", "hypercube", "--input", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["p_lost"] == 0 and out["mean_queue_wait"] > 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"atoms": [{"rate": -1}] * 6}, "atoms[0].rate must be >= 0"),
        ({"preference": [[0, 9]] + [[0]] * 5}, "preference[0] names unit 9"),
        ({"travel_time": [[1.0, 2.0]]}, "'travel_time' field must be a units x atoms matrix"),
        ({"service_rate": -1}, "'service_rate' field must be a float in (0, inf)"),
        ({"queue": "yes"}, "'queue' field must be true or false"),
    ],
)
def test_bad_models_get_one_line_naming_the_field(tmp_path, capsys, changes, message):
    path = write_model(tmp_path, **changes)
    assert main(["patrol", "hypercube", "--input", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_a_missing_field_is_named(tmp_path, capsys):
    data = json.loads(MODEL.read_text())
    del data["preference"]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    assert main(["patrol", "hypercube", "--input", str(path)]) == 1
    assert "'preference'" in capsys.readouterr().err


def test_an_unreadable_file_exits_2(tmp_path, capsys):
    assert main(["patrol", "hypercube", "--input", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.startswith("Error: cannot read")


def test_invalid_json_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{")
    assert main(["patrol", "hypercube", "--input", str(path)]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_simulate_reports_intervals(capsys):
    assert (
        main(
            [
                "patrol",
                "simulate",
                "--input",
                str(MODEL),
                "--calls",
                "20000",
                "--seed",
                "1",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert len(out["workload_ci"]) == 4 and out["n_calls"] > 0


@pytest.mark.parametrize("command", ["hypercube", "simulate", "pcam", "coverage", "compare"])
def test_every_patrol_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main(["patrol", command, "--help"])
    assert info.value.code == 0
    assert "usage" in capsys.readouterr().out


def test_pcam_prints_cars_per_tour_as_json(capsys):
    assert main(["patrol", "pcam", "--input", str(FIXTURES / "pcam_day.json"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in out["tours"]][0].startswith("first platoon")
    assert all(t["cars"] >= 1 and t["p_wait"] <= 0.15 for t in out["tours"])


def test_pcam_table_and_a_bad_field(tmp_path, capsys):
    assert main(["patrol", "pcam", "--input", str(FIXTURES / "pcam_day.json")]) == 0
    assert "cars" in capsys.readouterr().out
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"calls_per_hour": [1.0] * 24, "service_minutes": -3}))
    assert main(["patrol", "pcam", "--input", str(path)]) == 1
    assert "'service_minutes' field must be a float in (0, inf)" in capsys.readouterr().err


def test_coverage_chooses_posts_by_name(capsys):
    assert (
        main(
            [
                "patrol",
                "coverage",
                "--input",
                str(FIXTURES / "posts.json"),
                "--posts",
                "2",
                "--radius",
                "5",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert len(out["site_ids"]) == 2 and out["objective"] == "max_covering"
    assert (
        main(
            [
                "patrol",
                "coverage",
                "--input",
                str(FIXTURES / "posts.json"),
                "--posts",
                "2",
                "--objective",
                "p-median",
            ]
        )
        == 0
    )
    assert "p_median: open" in capsys.readouterr().out


def test_coverage_needs_a_radius_and_a_sensible_number_of_posts(capsys):
    path = str(FIXTURES / "posts.json")
    assert main(["patrol", "coverage", "--input", path, "--posts", "2"]) == 1
    assert "--radius" in capsys.readouterr().err
    assert main(["patrol", "coverage", "--input", path, "--posts", "9", "--radius", "5"]) == 1
    assert "--posts must be an int in [1, 5]" in capsys.readouterr().err


def test_compare_shows_both_plans_and_the_assumptions(capsys):
    args = [
        "patrol",
        "compare",
        "--current",
        str(MODEL),
        "--proposed",
        str(FIXTURES / "model_small_proposed.json"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "current" in out and "proposed" in out and "Assumptions:" in out
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"current", "proposed", "travel_time_change", "assumptions"}
