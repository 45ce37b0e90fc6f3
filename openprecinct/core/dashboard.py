"""The home page's 'needs your attention' list. Domain apps register providers in ``ready()``,
so core never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Task:
    count: int
    text: str
    url: str


Provider = Callable[[Any], list[Task]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tasks_for(user: Any) -> list[Task]:
    return [task for provider in _providers for task in provider(user)]
