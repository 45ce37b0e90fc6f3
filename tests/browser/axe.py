"""axe-core (from node_modules, installed by `make setup`) run on the page in the browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(browser) -> list[dict]:
    """Every violation axe finds on the current page (an axe failure is a critical one)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm ci installs it)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    result = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])); });"
    )
    return json.loads(result)


def serious_violations(browser) -> list[tuple[str, str, list[str]]]:
    """The serious and critical violations, each with the start of up to three offending nodes."""
    return [
        (v["id"], v["help"], [n.get("html", "")[:160] for n in v.get("nodes", [])[:3]])
        for v in run_axe(browser)
        if v.get("impact") in ("serious", "critical")
    ]
