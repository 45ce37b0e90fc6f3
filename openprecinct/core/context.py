"""Who is acting, and from where, for the audit log: set per request by middleware."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    user_id: int | None = None
    username: str = ""
    ip_address: str | None = None
    source: str = "system"  # web, api, cli, system
    request_id: str = ""


_SYSTEM = ActorContext()
_current: contextvars.ContextVar[ActorContext | None] = contextvars.ContextVar(
    "openprecinct_actor", default=None
)


def current() -> ActorContext:
    return _current.get() or _SYSTEM


def set_current(ctx: ActorContext) -> contextvars.Token[ActorContext | None]:
    return _current.set(ctx)


def reset(token: contextvars.Token[ActorContext | None]) -> None:
    _current.reset(token)
