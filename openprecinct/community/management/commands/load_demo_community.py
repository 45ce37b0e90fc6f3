"""Load the community demo (generated and labelled ``[Demo]``, none of it real)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.community.demo import generate


class Command(BaseCommand):
    help = (
        "Replace the community demo records with a fresh, seeded set: meetings and problems, "
        "events with RSVPs, tips, posts, watch groups, an academy cohort, donations, grants "
        "and survey answers. All generated, all titled [Demo]."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=120, help="random seed (default 120)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = generate(seed=options["seed"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "Community demo (generated, labelled [Demo]): "
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.items())
        )
