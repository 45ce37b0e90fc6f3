"""The forecast log (issue, score, withdraw), the briefing, the audit sections and the API."""

import json
from datetime import date, timedelta

import numpy as np
import pytest

from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry
from openprecinct.insights import forecast_log as flog
from openprecinct.insights.models import ForecastLog
from tests.conftest import login_verified
from tests.records.factories import imported_incident

CLUSTER = (292386.0, 51788.0)  # inside the 120th, sector 120A area (St. George)
ARGS = {
    "precinct": "120",
    "category": "Burglary",
    "method": "naivelong",
    "cell_size": 150.0,
    "horizon": "month",
    "as_of": date(2025, 1, 1),
}


@pytest.fixture
def history(db):
    rng = np.random.default_rng(11)
    for i in range(40):
        dx, dy = rng.normal(0, 50, 2)
        imported_incident(
            source_key=f"H{i}",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 365))),
            x_m=CLUSTER[0] + dx,
            y_m=CLUSTER[1] + dy,
        )


def _after(n_in: int, n_out: int) -> None:
    for i in range(n_in):
        imported_incident(
            source_key=f"A{i}",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=date(2025, 1, 5 + i),
            x_m=CLUSTER[0],
            y_m=CLUSTER[1],
        )
    for i in range(n_out):
        imported_incident(
            source_key=f"O{i}",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=date(2025, 1, 10 + i),
            x_m=CLUSTER[0] + 3000.0,
            y_m=CLUSTER[1] - 2500.0,
        )


def test_a_forecast_is_logged_with_its_inputs_once(personas, history):
    analyst = personas["crime_analyst"]
    log = flog.issue_forecast(user=analyst, **ARGS)
    assert log.status == ForecastLog.Status.ISSUED
    assert log.events_used == 40 and log.data_end == date(2025, 1, 1)
    assert log.period_start == date(2025, 1, 1) and log.period_end == date(2025, 1, 29)
    assert log.method == "naivelong" and "window_days" in log.params
    assert len(log.ranking) == log.cells == len(log.expected) and log.flagged > 0
    assert log.data_start is not None and log.data_start >= date(2024, 1, 1)
    again = flog.issue_forecast(user=analyst, **ARGS)
    assert again.pk == log.pk and ForecastLog.objects.count() == 1
    assert AuditEntry.objects.filter(action="forecast.issue").count() == 1


def test_scoring_waits_for_the_period_then_counts_hits(personas, history):
    analyst = personas["crime_analyst"]
    log = flog.issue_forecast(user=analyst, **ARGS)
    with pytest.raises(ApplicationError, match="can be scored from"):
        flog.score_forecast(log, today=date(2025, 1, 15), user=analyst)
    _after(n_in=3, n_out=1)
    scored = flog.score_forecast(log, today=date(2025, 2, 1), user=analyst)
    assert scored.status == ForecastLog.Status.SCORED and scored.observed_events == 4
    five = scored.scores["5"]
    assert five["hit_rate"] == pytest.approx(0.75)
    assert five["pai"] == pytest.approx(0.75 / (five["flagged"] / scored.cells), rel=1e-4)
    assert five["pei"] == pytest.approx(0.75)  # the best 52 cells hold all 4 events
    assert scored.log_likelihood is not None and scored.log_likelihood < 0
    with pytest.raises(TransitionNotAllowed):
        flog.withdraw_forecast(scored, user=analyst, reason="typo")
    assert flog.log_summary([scored])["hit_rate"] == pytest.approx(0.75)


def test_a_period_without_events_is_scored_without_a_hit_rate(personas, history):
    log = flog.issue_forecast(user=personas["crime_analyst"], **ARGS)
    out = flog.score_due_forecasts("2025-03-01", progress=lambda d, t: None)
    assert out == {"due": 1, "scored": 1, "failed": 0}
    log.refresh_from_db()
    assert log.observed_events == 0 and log.scores["5"]["hit_rate"] is None
    assert flog.score_due_forecasts("2025-03-01") == {"due": 0, "scored": 0, "failed": 0}


def test_withdrawing_needs_a_reason(personas, history):
    analyst = personas["crime_analyst"]
    log = flog.issue_forecast(user=analyst, **ARGS)
    with pytest.raises(ApplicationError, match="why"):
        flog.withdraw_forecast(log, user=analyst, reason=" ")
    done = flog.withdraw_forecast(log, user=analyst, reason="wrong category")
    assert done.status == ForecastLog.Status.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        flog.score_forecast(done, today=date(2025, 3, 1))


def test_the_page_shows_backtest_audit_loop_and_log(client, personas, history):
    login_verified(client, personas["crime_analyst"])
    params = {
        "category": "Burglary",
        "method": "naivelong",
        "cell_size": "150",
        "horizon": "month",
        "as_of": "2025-01-01",
    }
    r = client.get("/insights/analysis/", params)
    assert r.status_code == 200 and ForecastLog.objects.count() == 1  # every forecast is logged
    r = client.post("/insights/analysis/forecasts/issue/", params)
    assert r.status_code == 302 and ForecastLog.objects.count() == 1
    r = client.get("/insights/analysis/", params)
    assert r.status_code == 200 and ForecastLog.objects.count() == 1
    html = r.content.decode()
    for text in (
        "Backtest on this precinct",
        "Bias audit",
        "By census area",
        "Feedback loop",
        "Forecast log",
        "<svg",
    ):
        assert text in html
    ctx = r.context
    assert {row["group"] for row in ctx["audit"]["sectors"]} <= {"120A", "120B", "120C", "120D"}
    assert sum(row["flagged"] for row in ctx["audit"]["sectors"]) == ctx["result"].flagged
    assert {row["group"] for row in ctx["audit"]["census_areas"]} == {"120", "121", "122", "123"}
    assert ctx["audit"]["census_areas"][0]["population"] == 122308
    assert len(ctx["loop"]["regions"]) == 4
    assert "naive" in ctx["backtest"]["methods"] and ctx["backtest"]["periods"] == 6
    log_page = client.get("/insights/analysis/forecasts/")
    assert log_page.status_code == 200 and "Burglary" in log_page.content.decode()


def test_the_briefing_lists_the_tour_cells_with_recent_incidents(client, personas, history):
    login_verified(client, personas["crime_analyst"])
    r = client.get(
        "/insights/analysis/briefing/",
        {"day": "2024-12-20", "tour": "2", "category": "Burglary", "method": "naivelong"},
    )
    assert r.status_code == 200
    b = r.context["briefing"]
    assert b["tour_hours"] == "07:00-15:00" and len(b["cells"]) == 10
    top = b["cells"][0]
    assert top["past"] > 3 and top["sector"].startswith("120")
    assert any(c["recent"] for c in b["cells"])  # incidents of the last 28 days
    bad = client.get("/insights/analysis/briefing/", {"day": "2024-12-20", "tour": "9"})
    assert bad.status_code == 400 and "tour must be" in bad.content.decode()


class _Api:
    """Session-signed JSON calls (the API accepts a verified staff session)."""

    def __init__(self, client):
        self.client = client

    def get(self, path, params=None):
        return self.client.get(path, params or {})

    def post(self, path, data=None, format=None):
        return self.client.post(path, json.dumps(data or {}), content_type="application/json")


def test_the_api_issues_lists_and_scores_forecasts(client, personas, history):
    login_verified(client, personas["crime_analyst"])
    api = _Api(client)
    r = api.post(
        "/api/v1/analysis/forecasts/",
        {"category": "Burglary", "method": "naivelong", "as_of": "2025-01-01"},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["flagged_cells"][0]["expected"] > 0
    r = api.post(f"/api/v1/analysis/forecasts/{pk}/score/")
    assert r.status_code == 200 and r.json()["status"] == "scored"
    assert api.get("/api/v1/analysis/forecasts/").json()["results"][0]["id"] == pk
    r = api.post(f"/api/v1/analysis/forecasts/{pk}/withdraw/", {"reason": "x"}, format="json")
    assert r.status_code == 400 and "error" in r.json()
    r = api.get(
        "/api/v1/analysis/hotspots/",
        {"category": "Burglary", "method": "naivelong", "as_of": "2025-01-01"},
    )
    assert r.status_code == 200 and r.json()["flagged"] > 0
    assert r.json()["forecast_id"] == pk  # logged once: the same inputs on the same data
    r = api.get("/api/v1/analysis/hotspots/", {"category": "Drug Arrests", "as_of": "2025-01-01"})
    assert r.status_code == 400
    r = api.get(
        "/api/v1/analysis/backtest/",
        {"category": "Burglary", "method": "naivelong", "as_of": "2025-01-01"},
    )
    assert r.status_code == 200 and r.json()["cells"] > 1000
    assert api.get("/api/v1/analysis/forecasts/999999/").status_code == 404


def test_the_api_refuses_other_roles(client, personas, history):
    login_verified(client, personas["patrol_officer"])
    api = _Api(client)
    assert api.get("/api/v1/analysis/forecasts/").status_code == 403
    assert api.get("/api/v1/analysis/bias/", {"as_of": "2025-01-01"}).status_code == 403


def test_job_functions_take_json_and_report_progress(personas, history):
    from openprecinct.insights import analysis_jobs

    flog.issue_forecast(user=personas["crime_analyst"], **ARGS)
    seen = []
    out = analysis_jobs.score_forecasts_job(
        as_of="2025-02-01", progress=lambda d, t: seen.append((d, t))
    )
    assert out["scored"] == 1 and seen[-1] == (1, 1)
    bt = analysis_jobs.backtest_job(
        precinct="120",
        category="Burglary",
        method="naivelong",
        as_of="2025-01-01",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert bt["cells"] > 1000 and seen[-1] == (2, 2)
    again = analysis_jobs.backtest_job(
        precinct="120", category="Burglary", method="naivelong", as_of="2025-01-01"
    )
    assert again == bt  # idempotent (served from the cache)


def test_the_analysis_api_is_in_the_openapi_schema(client, personas):
    login_verified(client, personas["crime_analyst"])
    paths = client.get("/api/v1/schema/").json()["paths"]
    for p in (
        "hotspots/",
        "backtest/",
        "bias/",
        "feedback-loop/",
        "briefing/",
        "forecasts/",
        "forecasts/{id}/score/",
    ):
        assert f"/api/v1/analysis/{p}" in paths
