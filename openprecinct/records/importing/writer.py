"""Set-based writes of one batch: which records are new, changed or unchanged, and the upsert.

* ``content_hash`` is a digest of every imported field, so "unchanged" costs one indexed lookup
  and no write.
* PostgreSQL: the new and changed rows are COPYed into a temporary staging table, then one
  ``INSERT ... SELECT ... ON CONFLICT (source, source_key) DO UPDATE ... WHERE content_hash
  differs`` writes them.
* SQLite: the same upsert, as one ``executemany``.

Model signals are bypassed on purpose (one audit entry per run instead of one per row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
from django.db import connection
from django.db.models import Model

from openprecinct.records.importing import arrow
from openprecinct.records.models import Arrest, Incident

LOCATION_FIELDS = ("latitude", "longitude", "x_m", "y_m", "precinct", "sector")

INCIDENT_FIELDS: tuple[str, ...] = (
    "source",
    "source_key",
    "kind",
    "occurred_from",
    "occurred_to",
    "occurred_date",
    "reported_at",
    "reported_date",
    "ky_cd",
    "pd_cd",
    "offense_description",
    "pd_description",
    "law_category",
    "attempted",
    "compstat_category",
    "bias_motive",
    "victim_count",
    "fatal",
    "victim_age_group",
    "victim_race",
    "victim_sex",
    "suspect_age_group",
    "suspect_race",
    "suspect_sex",
    "reported_precinct",
    "borough",
    "address",
    "premises",
    "location_description",
    *LOCATION_FIELDS,
)

ARREST_FIELDS: tuple[str, ...] = (
    "source",
    "source_key",
    "arrest_date",
    "ky_cd",
    "pd_cd",
    "offense_description",
    "pd_description",
    "law_code",
    "law_category",
    "compstat_category",
    "jurisdiction_code",
    "perp_age_group",
    "perp_sex",
    "perp_race",
    "reported_precinct",
    "borough",
    "address",
    "premises",
    "location_description",
    *LOCATION_FIELDS,
)

CONTENT_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Incident: INCIDENT_FIELDS,
    Arrest: ARREST_FIELDS,
}


def canonical(value: Any) -> str:
    """One text form per value, equal for a value read back from either database."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 7))
    return str(value)


_COPY_SPECIAL = ("\\", "\t", "\n", "\r")


def copy_text(value: Any) -> str:
    """A value in PostgreSQL's ``COPY ... FROM STDIN`` text format (``\\N`` is NULL)."""
    kind = type(value)
    if kind is str:
        text = value
    elif value is None:
        return "\\N"
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif kind is int:
        return str(value)
    elif isinstance(value, float):
        return repr(value)
    elif isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    elif isinstance(value, date):
        return value.isoformat()
    else:
        text = str(value)
    if any(c in text for c in _COPY_SPECIAL):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def content_hash(values: dict[str, Any], fields: Sequence[str]) -> str:
    """Digest of the imported fields (32 hex characters)."""
    parts = []
    for name in fields:
        value = values[name]
        parts.append(value if value.__class__ is str else canonical(value))
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=16).hexdigest()


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def changed_fields(
    old: dict[str, Any], new: dict[str, Any], fields: Iterable[str]
) -> dict[str, list[Any]]:
    """field -> [old, new] for the fields whose value differs (JSON-ready)."""
    return {
        f: [jsonable(old.get(f)), jsonable(new.get(f))]
        for f in fields
        if canonical(old.get(f)) != canonical(new.get(f))
    }


class BatchWriter:
    """Writes batches of one model's records for one import run."""

    def __init__(self, model: type[Incident] | type[Arrest], *, run_id: int) -> None:
        self.model = model
        self.run_id = run_id
        self.fields = CONTENT_FIELDS[model]
        self.table = model._meta.db_table
        self.vendor = connection.vendor
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [(f.attname, f.column, f) for f in concrete]
        content = set(self.fields)
        self.defaults = {
            f.attname: f.get_default()
            for f in concrete
            if f.attname not in content
            and f.attname not in ("content_hash", "import_run_id", "created_at", "updated_at")
        }
        self.update_columns = [
            column
            for attname, column, _ in self.columns
            if attname in content and attname not in ("source", "source_key")
        ] + [
            model._meta.get_field(name).column
            for name in ("content_hash", "import_run", "updated_at")
        ]
        if self.vendor == "sqlite":
            # 22 indexes on random keys thrash SQLite's default 2 MB page cache; 64 MB keeps
            # the hot index pages in memory for the import (this connection only).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        self._datetime_attnames = {
            f.attname for _, _, f in self.columns if f.get_internal_type() == "DateTimeField"
        }

    # -- reads ---------------------------------------------------------------------------
    def existing(self, source: str, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
        """source_key -> (id, content_hash) for the keys already stored."""
        found: dict[str, tuple[int, str]] = {}
        step = 900 if self.vendor == "sqlite" else 20_000
        with connection.cursor() as cursor:
            for i in range(0, len(keys), step):
                chunk = list(keys[i : i + step])
                if self.vendor == "postgresql":
                    cursor.execute(
                        f"SELECT source_key, id, content_hash FROM {self.table} "  # noqa: S608
                        "WHERE source = %s AND source_key = ANY(%s)",
                        [source, chunk],
                    )
                else:
                    marks = ",".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"SELECT source_key, id, content_hash FROM {self.table} "  # noqa: S608
                        f"WHERE source = %s AND source_key IN ({marks})",
                        [source, *chunk],
                    )
                for key, pk, digest in cursor.fetchall():
                    found[key] = (pk, digest)
        return found

    def old_values(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        rows = self.model.objects.filter(pk__in=list(ids)).values("pk", *self.fields)
        return {row.pop("pk"): row for row in rows}

    # -- writes --------------------------------------------------------------------------
    def _template(self, now: datetime) -> tuple[list[Any], list[tuple[int, str]], list[int]]:
        """Row of fixed values, (position, attname) of the record's values, datetime positions."""
        fixed: list[Any] = []
        slots: list[tuple[int, str]] = []
        content = {*self.fields, "content_hash"}
        for i, (attname, _, _) in enumerate(self.columns):
            if attname in content:
                fixed.append(None)
                slots.append((i, attname))
            elif attname == "import_run_id":
                fixed.append(self.run_id)
            elif attname in ("created_at", "updated_at"):
                fixed.append(now)
            else:
                fixed.append(self.defaults[attname])
        dt_positions = [
            i
            for i, (attname, _, _) in enumerate(self.columns)
            if attname in self._datetime_attnames
        ]
        return fixed, slots, dt_positions

    def _rows(self, records: Sequence[dict[str, Any]], now: datetime) -> list[list[Any]]:
        fixed, slots, dt_positions = self._template(now)
        rows = []
        for values in records:
            row = fixed.copy()
            for i, attname in slots:
                row[i] = values[attname]
            rows.append(row)
        if self.vendor == "sqlite":
            # what Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]"
            for row in rows:
                for i in dt_positions:
                    if row[i] is not None:
                        row[i] = str(row[i].astimezone(UTC).replace(tzinfo=None))
        return rows

    def upsert(self, records: Sequence[dict[str, Any]], *, now: datetime) -> None:
        """Insert new records and update changed ones (``content_hash`` decides)."""
        if not records:
            return
        names = ", ".join(column for _, column, _ in self.columns)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in self.update_columns)
        conflict = (
            f"ON CONFLICT (source, source_key) DO UPDATE SET {updates} "
            f"WHERE {self.table}.content_hash IS DISTINCT FROM EXCLUDED.content_hash"
        )
        records = sorted(records, key=lambda r: r["source_key"])  # index locality
        rows = self._rows(records, now)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                stage = f"op_stage_{self.table}"
                cursor.execute(
                    f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {names} FROM {self.table} WITH NO DATA"
                )
                with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f"INSERT INTO {self.table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
                    f"{conflict}"
                )
                cursor.execute(f"DROP TABLE {stage}")
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks}) {conflict}",  # noqa: S608
                    rows,
                )

    # -- column-wise batches ------------------------------------------------------------------
    def copy_payload(self, batch: Any, now: datetime) -> bytes:
        """The batch's rows in ``COPY`` text format, in the order of :attr:`columns` (joined by
        pyarrow, see :func:`~openprecinct.records.importing.arrow.joined_texts`)."""
        n = len(batch)
        if not n:
            return b""
        zeros = arrow.ints(np.zeros(n, dtype=np.int64))

        def constant(text: str) -> pa.Array:
            return arrow.strings([text]).take(zeros)

        stamp = now.astimezone(UTC).isoformat()
        parts: list[pa.Array] = []
        for attname, _, _ in self.columns:
            if attname == "content_hash":
                parts.append(arrow.strings(batch.digests.tolist()))
            elif attname in batch.cols:
                parts.append(batch.cols[attname].arrow("copy"))
            elif attname == "import_run_id":
                parts.append(constant(str(self.run_id)))
            elif attname in ("created_at", "updated_at"):
                parts.append(constant(stamp))
            else:
                parts.append(constant(copy_text(self.defaults[attname])))
        data, offsets = arrow.joined_texts(parts, "\t", end="\n")
        return bytes(data[int(offsets[0]) : int(offsets[-1])])

    def copy_new(self, batch: Any, *, now: datetime) -> None:
        """PostgreSQL: COPY records known to be new straight into the table."""
        if not len(batch):
            return
        names = ", ".join(column for _, column, _ in self.columns)
        payload = self.copy_payload(batch, now)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                copy.write(payload)

    def upsert_columns(self, batch: Any, *, now: datetime) -> None:
        """:meth:`upsert` for a column-wise batch."""
        if not len(batch):
            return
        names = ", ".join(column for _, column, _ in self.columns)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in self.update_columns)
        conflict = (
            f"ON CONFLICT (source, source_key) DO UPDATE SET {updates} "
            f"WHERE {self.table}.content_hash IS DISTINCT FROM EXCLUDED.content_hash"
        )
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                stage = f"op_stage_{self.table}"
                cursor.execute(
                    f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {names} FROM {self.table} WITH NO DATA"
                )
                with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                    copy.write(self.copy_payload(batch, now))
                cursor.execute(
                    f"INSERT INTO {self.table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
                    f"{conflict}"
                )
                cursor.execute(f"DROP TABLE {stage}")
                return
            rows = self._sqlite_rows(batch, now)
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {self.table} ({names}) VALUES ({marks}) {conflict}",  # noqa: S608
                rows,
            )

    def _sqlite_rows(self, batch: Any, now: datetime) -> list[tuple[Any, ...]]:
        n = len(batch)
        stamp = str(now.astimezone(UTC).replace(tzinfo=None))
        parts: list[Any] = []
        for attname, _, _ in self.columns:
            if attname == "content_hash":
                parts.append(batch.digests.tolist())
            elif attname in batch.cols:
                parts.append(batch.cols[attname].sqlite_values().tolist())
            elif attname == "import_run_id":
                parts.append([self.run_id] * n)
            elif attname in ("created_at", "updated_at"):
                parts.append([stamp] * n)
            else:
                parts.append([self.defaults[attname]] * n)
        return list(zip(*parts, strict=True))
