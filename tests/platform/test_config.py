"""Configuration comes from OPENPRECINCT_* variables and fails loudly with what to set."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from openprecinct.config import env


def test_database_url_sqlite_and_postgres(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENPRECINCT_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    assert env.database(tmp_path / "default.sqlite3")["ENGINE"].endswith("sqlite3")
    monkeypatch.setenv("OPENPRECINCT_DATABASE_URL", "postgres://me@db.example:5433/precinct")
    config = env.database(tmp_path / "default.sqlite3")
    assert config["ENGINE"].endswith("postgresql")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "precinct")


def test_database_url_defaults_to_the_embedded_file(monkeypatch, tmp_path):
    monkeypatch.delenv("OPENPRECINCT_DATABASE_URL", raising=False)
    assert env.database(tmp_path / "db.sqlite3")["NAME"] == str(tmp_path / "db.sqlite3")


def test_an_unknown_database_scheme_says_what_to_set(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENPRECINCT_DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="must start with sqlite:/// or postgres://"):
        env.database(tmp_path / "db.sqlite3")


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DEBUG", "maybe", "OPENPRECINCT_DEBUG must be one of true/false"),
        ("TIME_ZONE", "Mars/Olympus", "OPENPRECINCT_TIME_ZONE must be an IANA time zone"),
        ("SESSION_IDLE_SECONDS", "soon", "OPENPRECINCT_SESSION_IDLE_SECONDS must be a whole"),
    ],
)
def test_bad_values_stop_start_up_with_a_message(monkeypatch, name, value, message):
    monkeypatch.setenv(f"OPENPRECINCT_{name}", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        if name == "DEBUG":
            env.get_bool("DEBUG", False)
        elif name == "TIME_ZONE":
            env.time_zone()
        else:
            env.get_int(name, 1)


def test_a_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENPRECINCT_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 50 characters"):
        env.secret_key(required=True, fallback_dir=tmp_path)


def test_a_missing_secret_key_file_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("OPENPRECINCT_SECRET_KEY", raising=False)
    monkeypatch.setenv("OPENPRECINCT_SECRET_KEY_FILE", str(tmp_path / "nope"))
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        env.secret_key(required=True, fallback_dir=tmp_path)


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    environ = {"PATH": "/usr/bin:/bin", "OPENPRECINCT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openprecinct",
            "check",
            "--settings=openprecinct.config.settings.prod",
        ],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Set OPENPRECINCT_SECRET_KEY or OPENPRECINCT_SECRET_KEY_FILE" in result.stderr


def test_the_default_time_zone_is_new_york(settings):
    assert settings.TIME_ZONE == "America/New_York"
    assert settings.USE_TZ


def test_passwords_are_hashed_with_argon2id_outside_tests():
    from openprecinct.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "openprecinct.accounts.hashers.Argon2idHasher"
    from openprecinct.accounts.hashers import Argon2idHasher

    encoded = Argon2idHasher().encode("correct horse battery staple", Argon2idHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
