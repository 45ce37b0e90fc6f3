"""Every URL the platform serves, with sample arguments, for tests that walk them all."""

from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLES = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x"}


def _fill(route: str) -> str:
    def repl(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "1")

    route = re.sub(r"<(?:(\w+):)?\w+>", repl, route)
    # regex routes (drf-spectacular uses a few): strip anchors and optional format suffixes
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return route.replace("\\", "")


def all_paths() -> list[str]:
    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                paths.append("/" + _fill(prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in paths if "(" not in p and "[" not in p})
