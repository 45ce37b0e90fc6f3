"""Read OpenPrecinct's configuration from ``OPENPRECINCT_*`` environment variables.

Every setting is read here and nowhere else. A bad value raises ``ImproperlyConfigured`` at
start-up with a message that names the variable and says what to set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

PREFIX = "OPENPRECINCT_"
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def get(name: str, default: str | None = None) -> str | None:
    return os.environ.get(PREFIX + name, default)


def get_bool(name: str, default: bool) -> bool:
    raw = get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{PREFIX}{name} must be one of true/false, yes/no, on/off, 1/0. Got {raw!r} instead."
    )


def get_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be a whole number. Got {raw!r} instead."
        ) from None
    if value < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}. Got {value}.")
    return value


def get_list(name: str, default: list[str]) -> list[str]:
    raw = get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the embedded database, evidence files and keys live (``OPENPRECINCT_DATA_DIR``)."""
    raw = get("DATA_DIR")
    path = Path(raw).expanduser() if raw else Path.cwd() / "var"
    return path.resolve()


def database(default_sqlite: Path) -> dict[str, Any]:
    """Parse ``OPENPRECINCT_DATABASE_URL`` (sqlite:///path or postgres://user@host:port/db)."""
    import dj_database_url

    url = get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{PREFIX}DATABASE_URL must start with sqlite:/// or postgres://. Got {url!r}. "
            "Example: postgres://openprecinct@127.0.0.1:5432/openprecinct"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(f"{PREFIX}DATABASE_URL could not be parsed ({exc}).") from None
    if config["ENGINE"].endswith("sqlite3"):
        name = Path(config["NAME"])
        name.parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"}
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


def secret_key(*, required: bool, fallback_dir: Path) -> str:
    """The secret key, from ``OPENPRECINCT_SECRET_KEY`` or the file ``OPENPRECINCT_SECRET_KEY_FILE``.

    In development a random key is generated once into the data directory. In production one
    of the two variables must be set.
    """
    key = get("SECRET_KEY")
    key_file = get("SECRET_KEY_FILE")
    if key and key_file:
        raise ImproperlyConfigured(
            f"Set only one of {PREFIX}SECRET_KEY and {PREFIX}SECRET_KEY_FILE, not both."
        )
    if key_file:
        path = Path(key_file)
        if not path.is_file():
            raise ImproperlyConfigured(
                f"{PREFIX}SECRET_KEY_FILE names {path}, which does not exist or is not a file."
            )
        key = path.read_text().strip()
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "The secret key must have at least 50 characters and 5 different ones; "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        return key
    if required:
        raise ImproperlyConfigured(
            f"Set {PREFIX}SECRET_KEY or {PREFIX}SECRET_KEY_FILE (at least 50 random characters)."
        )
    path = fallback_dir / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def time_zone() -> str:
    name = get("TIME_ZONE", "America/New_York") or "America/New_York"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{PREFIX}TIME_ZONE must be an IANA time zone such as America/New_York. "
            f"Got {name!r} instead."
        ) from None
    return name
