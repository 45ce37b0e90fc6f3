"""Entry point of the ``openprecinct`` console script.

Commands that work on files alone (``compstat --input``, ``backtest``, ``patrol``) run on the
Django-free ``analytics`` library and never import Django, so they start fast and run anywhere.
Every other command is handed to Django's management machinery (``migrate``, ``serve``,
``import``, ``audit``, ``createsuperuser``...), which is imported only at that point.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from openprecinct.cli.errors import CLIError

# name -> (module, one-line help).  Each module exposes ``run(argv) -> int``.
# A module may also expose ``wants_django(argv) -> bool`` when the same command can run
# either on a file or on the database (CompStat does).
FILE_COMMANDS: dict[str, tuple[str, str]] = {
    "compstat": (
        "openprecinct.cli.compstat",
        "weekly CompStat report from a CSV file or the database",
    ),
    "backtest": (
        "openprecinct.cli.backtest",
        "rolling-origin backtest of hotspot forecasts on a CSV file",
    ),
    "patrol": ("openprecinct.cli.patrol", "patrol allocation models (hypercube, PCAM, coverage)"),
}

PLATFORM_HELP = """\
Platform commands (run against the database named by OPENPRECINCT_DATABASE_URL):
  migrate            create or upgrade the database
  serve              run the web server (default 127.0.0.1:8000)
  demo               load the bundled 120th Precinct demo and demo accounts
  import             import an incident file (NYPD schemas or a generic CSV)
  audit verify       check the hash chain of the audit log
  unlock USERNAME    lift an account lock-out (administrators)
  ...and every other Django management command (openprecinct help --commands).
"""


def usage() -> str:
    lines = ["usage: openprecinct COMMAND [OPTIONS]", "", "File commands (no database needed):"]
    for name, (_, text) in FILE_COMMANDS.items():
        lines.append(f"  {name:<18} {text}")
    lines.append("")
    lines.append(PLATFORM_HELP)
    return "\n".join(lines)


def _load(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def run_django(argv: Sequence[str]) -> int:
    """Hand ``argv`` to Django's management utility, with our settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprecinct.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openprecinct", *argv])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0
    if args[0] in ("-V", "--version"):
        from openprecinct import __version__

        print(f"openprecinct {__version__}")
        return 0
    command, rest = args[0], args[1:]
    try:
        if command in FILE_COMMANDS:
            module = _load(FILE_COMMANDS[command][0])
            if module is None:
                raise CLIError(f"the '{command}' command is not available in this version")
            wants_django: Callable[[list[str]], bool] | None = getattr(module, "wants_django", None)
            if wants_django is not None and wants_django(rest):
                return run_django(args)
            runner: Callable[[list[str]], int] = module.run
            return runner(rest)
        return run_django(args)
    except CLIError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
