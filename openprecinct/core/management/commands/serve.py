"""Run the web server: Django's threaded server in development, gunicorn with --production."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve OpenPrecinct (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--production", action="store_true", help="run gunicorn")
        parser.add_argument("--workers", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["production"]:
            os.execvp(  # noqa: S606 - replaces this process with gunicorn
                sys.executable,
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "openprecinct.config.wsgi:application",
                    "--bind",
                    options["addrport"],
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                ],
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command(
            "runserver",
            options["addrport"],
            use_reloader=False,
            use_static_handler=True,
            insecure_serving=True,
        )
