"""Backup and restore of a whole installation: every record and every stored file.

``openprecinct backup FILE.tar`` writes one tar archive:

- ``data.json``: every row of every OpenPrecinct table (Django's portable serialisation, so a
  SQLite backup restores into PostgreSQL and the other way round);
- ``files/<set>/<key>``: the stored files of each file set (evidence), byte for byte;
- ``manifest.json``: the record count of every model, the SHA-256 of every file (and of
  ``data.json``), the migrations applied, the time and the software version.

``openprecinct restore FILE.tar`` checks the archive against its manifest, migrates the target
database, replaces its contents (the audit log's maintenance switch allows this one whole-database
operation), puts the files back, and then proves the round trip: every model's count equals the
manifest's, every file re-hashes to its recorded SHA-256 and the audit chain verifies. Any
difference stops with a message naming it.

File sets come from ``settings.OPENPRECINCT_BACKUP_FILE_SETS`` (``module:function`` returning a
:class:`FileSet`), so core knows no domain app. For large PostgreSQL installations, also take
``pg_dump``/WAL-archive backups (docs/deployment.md); this archive is the portable, verifiable one.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from openprecinct.core.hashing import sha256_stream

FORMAT = "openprecinct-backup/1"
# Rebuilt by migrate/flush from the code, not data: left out of the archive and of the counts.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class FileSet:
    """Stored files that belong to the records (evidence): list, read and put them back."""

    name: str
    entries: Callable[[], Iterable[tuple[str, str]]]  # (key, expected sha256)
    open: Callable[[str], BinaryIO]
    put: Callable[[Path, str], None]
    exists: Callable[[str], bool] = lambda key: False


def _file_sets() -> list[FileSet]:
    sets = []
    for target in getattr(settings, "OPENPRECINCT_BACKUP_FILE_SETS", ()):
        module, _, attr = target.partition(":")
        sets.append(getattr(importlib.import_module(module), attr)())
    return sets


def _models() -> list[Any]:
    out = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed:
            continue
        if label.split(".")[0] in EXCLUDED or label in EXCLUDED:
            continue
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def record_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in _models()}


def _safe_member(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path {name!r}; it was not made by backup.")
    return str(path)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def create_backup(target: str | Path) -> dict[str, Any]:
    """Write the archive ``target`` and return its manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        # One read transaction for a consistent snapshot of every table (REPEATABLE READ on
        # PostgreSQL; SQLite reads one snapshot per transaction in WAL mode).
        from django.db import transaction

        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = record_counts()
            call_command(
                "dumpdata",
                *[m._meta.label for m in _models()],
                natural_foreign=True,
                output=str(data_path),
                verbosity=0,
            )
            file_entries = [(fs, list(fs.entries())) for fs in _file_sets()]
        with data_path.open("rb") as handle:
            data_sha, data_size = sha256_stream(handle)
        files: list[dict[str, Any]] = []
        with tarfile.open(partial, "w") as tar:
            tar.add(data_path, arcname="data.json")
            for fs, entries in file_entries:
                for key, expected in entries:
                    name = _safe_member(f"files/{fs.name}/{key}")
                    with fs.open(key) as src, tempfile.NamedTemporaryFile(dir=tmp) as copy:
                        digest = hashlib.sha256()
                        while block := src.read(1 << 20):
                            digest.update(block)
                            copy.write(block)
                        copy.flush()
                        actual = digest.hexdigest()
                        if expected and actual != expected:
                            raise BackupError(
                                f"{fs.name} file {key} has SHA-256 {actual}, not {expected} as "
                                "recorded: run the fixity check (openprecinct evidence verify) first"
                            )
                        tar.add(copy.name, arcname=name)
                        files.append(
                            {"set": fs.name, "key": key, "sha256": actual, "size": copy.tell()}
                        )
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "counts": counts,
                "data": {"sha256": data_sha, "size": data_size},
                "files": files,
                "migrations": sorted(
                    f"{a}.{n}"
                    for a, n in MigrationRecorder.Migration.objects.values_list("app", "name")
                ),
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    partial.replace(target)
    return manifest


def read_manifest(archive: str | Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a backup archive ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has format {manifest.get('format')!r}, not {FORMAT}.")
    return manifest  # type: ignore[no-any-return]


def restore_backup(archive: str | Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into the configured database and file stores; return a report."""
    from openprecinct.core.audit import audit_maintenance, audit_verify

    archive = Path(archive)
    manifest = read_manifest(archive)
    call_command("migrate", interactive=False, verbosity=0)
    # A database in use has an audit log; a freshly migrated one has none (the rows its data
    # migrations seed, such as code tables, are replaced by the backup's).
    in_use = apps.get_model("core", "AuditEntry")._default_manager.count()
    if in_use and not replace:
        raise BackupError(
            f"The database is in use ({in_use} audit entries); restore with --replace to "
            "overwrite it."
        )
    sets = {fs.name: fs for fs in _file_sets()}
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r") as tar:
        data_path = Path(tmp) / "data.json"
        src = tar.extractfile("data.json")
        if src is None:
            raise BackupError(f"{archive} has no data.json.")
        with data_path.open("wb") as out:
            while block := src.read(1 << 20):
                out.write(block)
        with data_path.open("rb") as handle:
            if sha256_stream(handle)[0] != manifest["data"]["sha256"]:
                raise BackupError("data.json does not match the manifest: the archive is damaged.")
        with audit_maintenance():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data_path), verbosity=0)
        problems: list[str] = []
        for entry in manifest["files"]:
            fs = sets.get(entry["set"])
            if fs is None:
                problems.append(f"no file store {entry['set']!r} on this installation")
                continue
            member = tar.extractfile(_safe_member(f"files/{entry['set']}/{entry['key']}"))
            if member is None:
                problems.append(f"{entry['set']} file {entry['key']} is missing from the archive")
                continue
            if fs.exists(entry["key"]):  # the same store: checked like the others below
                continue
            local = Path(tmp) / "file"
            with local.open("wb") as out:
                while block := member.read(1 << 20):
                    out.write(block)
            fs.put(local, entry["key"])
            local.unlink(missing_ok=True)
    counts = record_counts()
    for label, expected in manifest["counts"].items():
        if counts.get(label, 0) != expected:
            problems.append(f"{label}: {counts.get(label, 0)} records, the backup had {expected}")
    verified = 0
    for entry in manifest["files"]:
        fs = sets.get(entry["set"])
        if fs is None:
            continue
        with fs.open(entry["key"]) as handle:
            actual = sha256_stream(handle)[0]
        if actual != entry["sha256"]:
            problems.append(f"{entry['set']} file {entry['key']}: SHA-256 {actual} after restore")
        else:
            verified += 1
    chain = audit_verify()
    if not chain.ok:
        problems.append(f"the audit chain does not verify: {chain.problems[:3]}")
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems[:20]))
    return {
        "records": sum(counts.values()),
        "models": len(counts),
        "files_verified": verified,
        "audit_entries": chain.entries_checked,
        "created_at": manifest["created_at"],
    }
