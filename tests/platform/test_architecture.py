"""Who may import whom (docs/architecture.md): analytics and the CLI never import Django."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import openprecinct
import openprecinct.analytics

ROOT = Path(openprecinct.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from openprecinct.analytics import geo" imports openprecinct.analytics.geo
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_analytics_imports_nothing_of_django_or_the_platform():
    offenders = []
    for path in (ROOT / "analytics").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if (
                top == "django"
                or top == "rest_framework"
                or (
                    name.startswith("openprecinct.")
                    and not name.startswith("openprecinct.analytics")
                )
            ):
                offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []


def test_the_cli_imports_django_only_through_the_management_hand_off():
    offenders = []
    for path in (ROOT / "cli").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level only: the hand-off imports inside a function
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    if name.split(".")[0] in ("django", "rest_framework") or name.startswith(
                        (
                            "openprecinct.config",
                            "openprecinct.core",
                            "openprecinct.records",
                            "openprecinct.accounts",
                            "openprecinct.insights",
                        )
                    ):
                        offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []


def test_importing_every_analytics_module_and_running_cli_help_loads_no_django():
    modules = [
        m.name
        for m in pkgutil.walk_packages(openprecinct.analytics.__path__, "openprecinct.analytics.")
    ]
    code = (
        "import importlib, sys, io, contextlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "import openprecinct.cli.main as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()): cli.main(['--help'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""


def test_domain_apps_do_not_import_analytics_only_insights_does():
    offenders = []
    for app in (*DOMAIN_APPS, "accounts", "core", "api"):
        for path in (ROOT / app).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            for name in _imports(path):
                if not name.startswith("openprecinct.analytics"):
                    continue
                allowed = app in DOMAIN_APPS and _within(name, PURE_LOOKUPS)
                allowed |= relative in DISPATCH_ANALYSIS and _within(name, DISPATCH_LIBRARIES)
                if not allowed:
                    offenders.append((relative, name))
    assert offenders == []


def _within(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


DOMAIN_APPS = (
    "records",
    "evidence",
    "dispatch",
    "accountability",
    "oversight",
    "personnel",
    "community",
)
# Domain apps classify offences and place points with the library's pure lookup tables and
# geometry helpers; that is data, not analysis.
PURE_LOOKUPS = {"openprecinct.analytics.categories", "openprecinct.analytics.geo"}
# Dispatch runs its own response-time and patrol pages, from these two modules only.
DISPATCH_ANALYSIS = {"dispatch/analysis.py", "dispatch/public.py"}
DISPATCH_LIBRARIES = {"openprecinct.analytics.response_times", "openprecinct.analytics.patrol"}


def test_core_and_accounts_never_import_domain_apps():
    domain = (
        "records",
        "dispatch",
        "accountability",
        "evidence",
        "community",
        "transparency",
        "insights",
    )
    offenders = []
    for app in ("core", "accounts"):
        for path in (ROOT / app).rglob("*.py"):
            for name in _imports(path):
                if any(name.startswith(f"openprecinct.{d}") for d in domain):
                    offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []
