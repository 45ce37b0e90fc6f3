"""The analytics library never imports Django."""

from __future__ import annotations

import subprocess
import sys


def test_compstat_modules_import_without_django() -> None:
    code = (
        "import sys\n"
        "import openprecinct.analytics.categories, openprecinct.analytics.compstat\n"
        "import openprecinct.analytics.compstat_stats, openprecinct.analytics.compstat_io\n"
        "import openprecinct.analytics.compstat_weekly, openprecinct.analytics.compstat_render\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_history_module_imports_without_django() -> None:
    code = (
        "import sys\n"
        "import openprecinct.analytics.compstat_history\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
