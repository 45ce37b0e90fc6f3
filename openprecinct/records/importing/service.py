"""Import one file: stream, validate, locate, write in batches, quarantine, summarise.

Every row read ends in exactly one of: imported (new record), updated (a record whose content
changed, with an :class:`IncidentRevision` for incidents), unchanged, quarantined (with its line
number and reason). So ``read == imported + updated + unchanged + quarantined``.

Each batch is one transaction (records, quarantined rows, the run's running counts); the run's
final state and its audit entry are one more. An interrupted import therefore leaves whole
batches only, and running it again resumes idempotently (what was written is "unchanged").
"""

from __future__ import annotations

import csv
import queue
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import errors as psycopg_errors
from tqdm import tqdm

from openprecinct.analytics.geo import ANALYSIS_CRS, GeoError, load_area, points_in_area
from openprecinct.core.audit import audit_record
from openprecinct.core.hashing import sha256_file
from openprecinct.records.importing import arrow, columnar
from openprecinct.records.importing.errors import ImportFileError, RowError
from openprecinct.records.importing.locate import bundled_boundaries, project
from openprecinct.records.importing.reader import Block, CsvSource, SourceRow
from openprecinct.records.importing.schemas import (
    NEW_YORK,
    ColumnMapping,
    NypdComplaints,
    Parsed,
    Schema,
    schema_for,
)
from openprecinct.records.importing.writer import BatchWriter, changed_fields, content_hash
from openprecinct.records.models import ImportRun, Incident, IncidentRevision, QuarantinedRow

IMPORTED, UPDATED, UNCHANGED = "imported", "updated", "unchanged"
_RANK = {IMPORTED: 0, UPDATED: 1, UNCHANGED: 2}


def default_batch_size() -> int:
    return 10_000 if connection.vendor == "postgresql" else 2_000


class SeenKeys:
    """Keys already read in this run, with their content digest, to catch in-file duplicates.

    Memory is 16 bytes per distinct key in sorted numpy arrays, not a copy of the rows: 16 MB
    for a million records. New keys go into a smaller sorted run first, merged into the main
    one when it reaches a quarter of its size, so a batch costs a copy of the small run only.
    """

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)
        self._vals = np.empty(0, dtype=np.int64)
        self._recent_keys = np.empty(0, dtype=np.int64)
        self._recent_vals = np.empty(0, dtype=np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Digest stored for each key (an int64 array), 0 when not seen."""
        out = np.zeros(len(keys), dtype=np.int64)
        for known, vals in ((self._keys, self._vals), (self._recent_keys, self._recent_vals)):
            if len(known) and len(keys):
                pos = np.searchsorted(known, keys).clip(0, len(known) - 1)
                hit = known[pos] == keys
                out[hit] = vals[pos[hit]]
        return out

    def add(self, keys: np.ndarray, vals: np.ndarray) -> None:
        """Remember ``keys`` (none of them seen before) with their digests."""
        order = np.argsort(keys, kind="stable")
        self._recent_keys, self._recent_vals = _merged(
            self._recent_keys, self._recent_vals, keys[order], vals[order]
        )
        if len(self._recent_keys) > max(50_000, len(self._keys) // 4):
            self._keys, self._vals = _merged(
                self._keys, self._vals, self._recent_keys, self._recent_vals
            )
            self._recent_keys = np.empty(0, dtype=np.int64)
            self._recent_vals = np.empty(0, dtype=np.int64)


def _merged(
    keys: np.ndarray, vals: np.ndarray, new_keys: np.ndarray, new_vals: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``keys`` (and their ``vals``) with sorted ``new_keys`` put in place."""
    at = np.searchsorted(keys, new_keys)
    return np.insert(keys, at, new_keys), np.insert(vals, at, new_vals)


_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def key_digests(keys: list[str] | np.ndarray | pa.Array) -> np.ndarray:
    """64-bit digests of record keys (FNV-1a over the UTF-8 bytes, then a murmur-style
    finaliser; the same in every process). Computed column-wise over pyarrow's buffer."""
    if not len(keys):
        return np.empty(0, dtype=np.int64)
    array = keys if isinstance(keys, pa.Array) else arrow.strings(list(keys))
    buffer, offsets = arrow.string_buffers(array)
    data = np.frombuffer(buffer, dtype=np.uint8) if len(buffer) else np.zeros(1, dtype=np.uint8)
    lengths = np.diff(offsets)
    h = np.full(len(array), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(int(lengths.max())):
            live = lengths > j
            byte = data[np.minimum(offsets[:-1] + j, len(data) - 1)].astype(np.uint64)
            h = np.where(live, (h ^ byte) * _FNV_PRIME, h)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
    return h.view(np.int64)


def content_digests(digests: list[str] | np.ndarray) -> np.ndarray:
    """The content digests as non-zero int64 (0 means "not seen")."""
    return np.fromiter((int(d[:15], 16) | 1 for d in digests), dtype=np.int64, count=len(digests))


BULK_MIN_BYTES = 64 << 20  # files from this size may be bulk-loaded (PostgreSQL)


class BulkLoad:
    """PostgreSQL bulk-load mode for a large first import (see docs/importing.md).

    The whole import is one transaction holding an exclusive lock on the table: its unique and
    foreign-key constraints and its other full indexes (not the primary key, and not the partial
    indexes, on values imported records do not have: re-creating one costs a scan of the whole
    table, keeping it a test of its condition per row) are dropped, the
    rows are COPYed by a writer thread while the next batch is parsed, and everything dropped
    is re-created, from the definitions PostgreSQL itself printed, before the commit. Either the
    whole file is imported, with every constraint checked again over the table, or nothing is.
    """

    def __init__(self, table: str) -> None:
        self.table = table
        self.dropped_constraints: list[tuple[str, str]] = []
        self.dropped_indexes: list[tuple[str, str]] = []
        self.held: list[tuple[SourceRow, RowError]] = []
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[bytes | None] | None = None
        self._error: BaseException | None = None

    def begin(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                [self.table],
            )
            self.dropped_constraints = list(cursor.fetchall())
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND i.indpred IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.conrelid = i.indrelid) ORDER BY c.relname",
                [self.table],
            )
            self.dropped_indexes = list(cursor.fetchall())
            for name, _ in self.dropped_constraints:
                cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
            for name, _ in self.dropped_indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    #: payloads waiting for the writer thread (a few MB each): absorbs the server's pauses
    QUEUE = 2

    def copy(self, payload: bytes) -> None:
        """Hand ``payload`` to the writer thread, which streams every payload into one open
        ``COPY``; returns at once unless :attr:`QUEUE` payloads are already waiting."""
        self._raise()
        if self._thread is None:
            self._start()
        assert self._queue is not None
        self._queue.put(payload)

    def _start(self) -> None:
        raw = connection.connection
        table, names = self.table, self.names
        pending: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUE)

        def run() -> None:
            ended = False  # the end marker (None) was taken
            try:
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        while (payload := pending.get()) is not None:
                            copy.write(payload)
                        ended = True
            except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
                self._error = exc
                while not ended:  # take what the parser still hands over, up to the end
                    ended = pending.get() is None

        self._queue = pending
        self._thread = threading.Thread(target=run, name="import-copy", daemon=True)
        self._thread.start()

    names = ""

    def wait(self) -> None:
        """End the open ``COPY`` (after every payload handed over) and wait for it."""
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(None)
            self._thread.join()
            self._thread = None
            self._queue = None
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, psycopg_errors.Error):
                raise DatabaseError(str(error)) from None
            raise error

    def finish(self) -> None:
        """Wait for the last COPY and put back every index and constraint."""
        self.wait()
        with connection.cursor() as cursor:
            for _, definition in self.dropped_indexes:
                cursor.execute(definition)
            for name, definition in self.dropped_constraints:
                cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')


@dataclass
class _Counts:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


class _Importer:
    def __init__(
        self,
        *,
        schema: Schema,
        path: Path,
        encoding: str,
        area: Any,
        run: ImportRun,
        progress: bool,
        batch_size: int,
    ) -> None:
        self.schema = schema
        self.path = path
        self.encoding = encoding
        self.area = area
        self.run = run
        self.progress = progress
        self.batch_size = batch_size
        self.counts = _Counts()
        self.writer = BatchWriter(schema.model, run_id=run.pk)
        self.seen = SeenKeys()
        self.groups: dict[str, list[Any]] = {}
        self.group_outcome: dict[str, str] = {}
        self.emitted: set[str] = set()
        self.boundaries = bundled_boundaries()
        self.is_incident = schema.model is Incident
        # Column-wise parsing (see columnar.py) for the schemas that have it.
        self.columnar = type(schema) is NypdComplaints
        # PostgreSQL: records known to be new are COPYed straight into the table.
        self.copy_new = connection.vendor == "postgresql"
        # No record of this source yet: every key is new, none needs looking up.
        self.fresh = not schema.model.objects.filter(source=schema.source).exists()
        self.bulk: BulkLoad | None = None
        self.memo: dict[str, dict[str, tuple[Any, bool]]] = {}  # parses of distinct values

    # -- passes ----------------------------------------------------------------------------
    def prepass_groups(self) -> None:
        """Grouped schemas: each key's aggregates (victims, murder flag, bias motives).

        Rows are not parsed here; a row quarantined later still counts as a victim of its
        incident. Memory: one small list per incident (a few MB for all NYC shootings).
        """
        with CsvSource(self.path, encoding=self.encoding) as source:
            self.schema.bind(source.header, file_name=self.path.name)
            for row in source.rows():
                if row.error is not None:
                    continue
                key = self.schema.group_key(row.fields)
                if not key:
                    continue
                state = self.groups.get(key)
                if state is None:
                    self.groups[key] = self.schema.group_start(row.fields)
                else:
                    self.schema.group_add(state, row.fields)

    def bulk_wanted(self) -> bool:
        """Bulk-load (see :class:`BulkLoad`): PostgreSQL, the import owns its transaction, a
        large file of a column-wise schema, no record of its source yet, and a table smaller
        than the file (rebuilding the indexes costs the whole table)."""
        if not (
            self.columnar
            and self.fresh
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and self.path.stat().st_size >= self.bulk_min_bytes
        ):
            return False
        estimate = self.path.stat().st_size // 300  # a complaint row is 300-400 bytes
        table = self.schema.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS s",  # noqa: S608
                [estimate],
            )
            rows = cursor.fetchone()[0]
        return bool(rows < estimate)

    bulk_min_bytes = BULK_MIN_BYTES

    def run_bulk(self) -> None:
        """Inside one transaction: lock, drop, load (writer thread), re-create."""
        bulk = BulkLoad(self.schema.model._meta.db_table)
        bulk.names = ", ".join(column for _, column, _ in self.writer.columns)
        bulk.begin()
        if self.schema.model.objects.filter(source=self.schema.source).exists():
            bulk.finish()  # someone imported this source meanwhile: the ordinary way
            self.fresh = False
            self.run_rows()
            return
        self.bulk = bulk
        # The writer thread sends each COPY in pieces, and needs the GIL back after each one;
        # with Python's default 5 ms switch interval it waits behind the parser most of the
        # time. A short interval while the two threads run keeps the COPY flowing.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, 0.0002))
        try:
            self.run_rows()
            bulk.wait()
            self._quarantine(bulk.held)
            bulk.held = []
            bulk.finish()
            self._save_counts()
        except BaseException:
            try:
                bulk.wait()
            except BaseException:  # noqa: BLE001, S110 - the first error is the one to report
                pass
            raise
        finally:
            sys.setswitchinterval(interval)

    def write_batch(self, rows: list[SourceRow]) -> None:
        if self.bulk is not None:
            self.bulk.wait()  # the row path writes on this thread
        self._write_batch(rows)

    def run_rows(self) -> None:
        if self.columnar:
            self.run_blocks()
            return
        with CsvSource(self.path, encoding=self.encoding) as source:
            self.schema.bind(source.header, file_name=self.path.name)
            bar = tqdm(
                total=source.size,
                unit="B",
                unit_scale=True,
                desc=f"import {self.path.name}",
                disable=not self.progress,
                file=sys.stderr,
                delay=0.5,
                leave=False,
            )
            done = 0
            batch: list[SourceRow] = []
            try:
                for row in source.rows():
                    batch.append(row)
                    if len(batch) >= self.batch_size:
                        self.write_batch(batch)
                        batch = []
                        pos = source.position()
                        bar.update(pos - done)
                        done = pos
                if batch:
                    self.write_batch(batch)
                bar.update(source.size - done)
            finally:
                bar.close()

    def run_blocks(self) -> None:
        """The column-wise reader: fast blocks column-wise, the rest row by row."""
        with CsvSource(self.path, encoding=self.encoding) as source:
            self.schema.bind(source.header, file_name=self.path.name)
            bar = tqdm(
                total=source.size,
                unit="B",
                unit_scale=True,
                desc=f"import {self.path.name}",
                disable=not self.progress,
                file=sys.stderr,
                delay=0.5,
                leave=False,
            )
            done = 0
            pending: list[SourceRow] = []
            size = self.batch_size
            try:
                # Blocks of about one batch or less (complaint rows are 300-400 bytes): a
                # block of a batch and a few rows would make a small second batch, and every
                # batch has a fixed cost (and a small one skips the raster).
                for block in source.blocks(block_bytes=max(1 << 16, size * 330)):
                    if block.rows is not None:
                        pending.extend(block.rows)
                        while len(pending) >= size:
                            self.write_batch(pending[:size])
                            pending = pending[size:]
                    else:
                        if pending:
                            self.write_batch(pending)
                            pending = []
                        for lo in range(0, len(block), size):
                            self.write_columns(block, lo, min(lo + size, len(block)), source)
                    pos = source.position()
                    bar.update(pos - done)
                    done = pos
                if pending:
                    self.write_batch(pending)
                bar.update(source.size - done)
            finally:
                bar.close()

    def write_columns(self, block: Block, lo: int, hi: int, source: CsvSource) -> None:
        """One batch of a fast block: parse column-wise, the flagged rows by the row parser."""
        n = hi - lo
        index = self.schema._index
        blank = columnar.ObjectCells(np.full(n, "", dtype=object))

        def get(column: str) -> Any:
            i = index.get(column)
            return blank if i is None else block.cells(i, lo, hi)

        cols, flagged = columnar.parse_complaints(
            get,
            n,
            source=self.schema.source,
            tz=NEW_YORK,
            boundaries=self.boundaries,
            memo=self.memo,
        )
        good = columnar.ColumnBatch(cols, block.lines[lo:hi]).take(np.flatnonzero(~flagged))
        good.compute_digests(self.writer.fields)
        quarantine: list[tuple[SourceRow, RowError]] = []
        raws: dict[int, str] = {}
        parsed: list[tuple[SourceRow, Parsed]] = []
        for i in np.flatnonzero(flagged).tolist():
            text = block.text(lo + i).rstrip("\r\n")
            fields = next(csv.reader([text], delimiter=source.delimiter), [])
            row = SourceRow(line=int(block.lines[lo + i]), fields=fields, raw=block.raw(lo + i))
            raws[row.line] = row.raw
            try:
                rec = self.schema.parse(row.fields)
            except RowError as exc:
                quarantine.append((row, exc))
                continue
            rec.line = row.line
            parsed.append((row, rec))
        if parsed:
            parsed = self._locate(parsed, quarantine)
            values = [rec.values for _, rec in parsed]
            for v in values:
                v["content_hash"] = content_hash(v, self.writer.fields)
            slow = columnar.ColumnBatch.from_records(
                values, [rec.line for _, rec in parsed], list(good.cols)
            )
            batch = columnar.ColumnBatch.concat([good, slow])
            batch = batch.take(np.argsort(batch.lines, kind="stable"))
        else:
            batch = good

        # in-file duplicates: the first occurrence of a key decides
        keys = key_digests(batch.cols["source_key"].arrow("canon"))
        mine = content_digests(batch.digests)
        before = self.seen.lookup(keys)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        first_of = first[inverse.reshape(-1)]
        write = (before == 0) & (first_of == np.arange(len(keys)))
        reference = np.where(before != 0, before, mine[first_of])
        same = ~write & (mine == reference)
        conflict = ~write & ~same
        for i in np.flatnonzero(conflict).tolist():
            line = int(batch.lines[i])
            raw = raws.get(line)
            if raw is None:
                raw = block.raw(int(np.searchsorted(block.lines, line)))
            quarantine.append(
                (
                    SourceRow(line=line, fields=[], raw=raw),
                    RowError(
                        "duplicate_conflict",
                        f"key {batch.keys[i]} appears earlier in the file with different content",
                    ),
                )
            )
        to_write = batch.take(np.flatnonzero(write))
        if self.bulk is not None:
            # one transaction already, and the connection belongs to the writer thread
            for outcome, k in Counter(self._write(to_write)).items():
                self.counts.add(outcome, k)
            self.counts.unchanged += int(same.sum())
            self.counts.read += n
            self.bulk.held.extend(quarantine)
            if len(self.bulk.held) >= 5_000:
                self.bulk.wait()
                self._quarantine(self.bulk.held)
                self.bulk.held = []
            self.seen.add(keys[write], mine[write])
            return
        counts_before = replace(self.counts, reasons=self.counts.reasons.copy())
        try:
            with transaction.atomic():
                for outcome, k in Counter(self._write(to_write)).items():
                    self.counts.add(outcome, k)
                self.counts.unchanged += int(same.sum())
                self.counts.read += n
                self._quarantine(quarantine)
                self._save_counts()
        except BaseException:
            self.counts = counts_before  # the batch was rolled back: so are its counts
            raise
        self.seen.add(keys[write], mine[write])

    # -- one batch ---------------------------------------------------------------------------
    def _write_batch(self, rows: list[SourceRow]) -> None:
        quarantine: list[tuple[SourceRow, RowError]] = []
        parsed: list[tuple[SourceRow, Parsed]] = []
        attached: list[str] = []
        for row in rows:
            if row.error is not None:
                quarantine.append((row, row.error))
                continue
            try:
                rec = self.schema.parse(row.fields)
            except RowError as exc:
                quarantine.append((row, exc))
                continue
            rec.line = row.line
            if self.schema.grouped:
                if rec.key in self.emitted:
                    attached.append(rec.key)
                    continue
                self.emitted.add(rec.key)
                state = self.groups.get(rec.key)
                if state is not None:
                    self.schema.group_apply(rec, state)
            parsed.append((row, rec))

        parsed = self._locate(parsed, quarantine)

        # records (a counted row stands for several), their digests, in-file duplicates
        records: list[tuple[int, dict[str, Any]]] = []  # (row index in parsed, values)
        for i, (_, rec) in enumerate(parsed):
            values = rec.values
            values["content_hash"] = content_hash(values, self.writer.fields)
            records.append((i, values))
            for n in range(2, rec.count + 1):
                extra = dict(values, source_key=f"{rec.key}#{n}")
                extra["content_hash"] = content_hash(extra, self.writer.fields)
                records.append((i, extra))

        row_outcome: dict[int, str] = {}
        bad_rows: set[int] = set()
        to_write: list[tuple[int, dict[str, Any]]] = []
        seen_add: tuple[np.ndarray, np.ndarray] | None = None
        if self.schema.grouped:
            to_write = records
        else:
            digests = key_digests([v["source_key"] for _, v in records]).tolist()
            previous = self.seen.lookup(np.asarray(digests, dtype=np.int64)).tolist()
            in_batch: dict[int, int] = {}
            for (i, values), key, before in zip(records, digests, previous, strict=True):
                mine = int(values["content_hash"][:15], 16) | 1
                earlier = in_batch.get(key, before)
                if earlier == 0:
                    in_batch[key] = mine
                    to_write.append((i, values))
                elif earlier == mine:
                    row_outcome.setdefault(i, UNCHANGED)
                else:
                    bad_rows.add(i)
            for i in sorted(bad_rows):
                row, rec = parsed[i]
                quarantine.append(
                    (
                        row,
                        RowError(
                            "duplicate_conflict",
                            f"key {rec.key} appears earlier in the file with different content",
                        ),
                    )
                )
            to_write = [(i, v) for i, v in to_write if i not in bad_rows]
            # keys of refused rows stay free: a later, valid row with that key may be imported
            seen_add = (
                key_digests([v["source_key"] for _, v in to_write]),
                content_digests([v["content_hash"] for _, v in to_write]),
            )

        before = replace(self.counts, reasons=self.counts.reasons.copy())
        try:
            self._commit_batch(rows, parsed, to_write, row_outcome, bad_rows, attached, quarantine)
        except BaseException:
            self.counts = before  # the batch was rolled back: so are its counts
            raise
        if seen_add is not None:
            self.seen.add(*seen_add)

    def _commit_batch(
        self,
        rows: list[SourceRow],
        parsed: list[tuple[SourceRow, Parsed]],
        to_write: list[tuple[int, dict[str, Any]]],
        row_outcome: dict[int, str],
        bad_rows: set[int],
        attached: list[str],
        quarantine: list[tuple[SourceRow, RowError]],
    ) -> None:
        with transaction.atomic():
            outcomes = self._write(to_write)
            for (i, _), outcome in zip(to_write, outcomes, strict=True):
                best = row_outcome.get(i)
                if best is None or _RANK[outcome] < _RANK[best]:
                    row_outcome[i] = outcome
            for i in range(len(parsed)):
                if i in bad_rows:
                    continue
                outcome = row_outcome.get(i, UNCHANGED)
                self.counts.add(outcome)
                if self.schema.grouped:
                    self.group_outcome[parsed[i][1].key] = outcome
            for key in attached:
                self.counts.add(self.group_outcome.get(key, UNCHANGED))
            self._quarantine(quarantine)
            self.counts.read += len(rows)
            self._save_counts()

    def _locate(
        self,
        parsed: list[tuple[SourceRow, Parsed]],
        quarantine: list[tuple[SourceRow, RowError]],
    ) -> list[tuple[SourceRow, Parsed]]:
        if not parsed:
            return parsed
        nan = float("nan")

        def arr(attr: str) -> np.ndarray:
            return np.array(
                [getattr(r, attr) if getattr(r, attr) is not None else nan for _, r in parsed],
                dtype=float,
            )

        lon, lat, x_m, y_m = project(
            arr("x"), arr("y"), arr("lon"), arr("lat"), src_crs=self.schema.crs
        )
        keep = np.ones(len(parsed), dtype=bool)
        located = np.isfinite(x_m)
        if self.area is not None:
            inside = points_in_area(x_m, y_m, self.area)
            outside = located & ~inside
            for i in np.flatnonzero(outside).tolist():
                quarantine.append(
                    (parsed[i][0], RowError("out_of_bounds", "the point is outside the --area"))
                )
            keep &= ~outside
        have = np.isfinite(lon) & np.isfinite(lat)
        precincts, sectors = self.boundaries.assign(
            np.where(have, lon, np.nan), np.where(have, lat, np.nan)
        )
        out: list[tuple[SourceRow, Parsed]] = []
        for i, (row, rec) in enumerate(parsed):
            if not keep[i]:
                continue
            values = rec.values
            if have[i]:
                values["longitude"] = float(lon[i])
                values["latitude"] = float(lat[i])
            else:
                values["longitude"] = values["latitude"] = None
            if located[i]:
                values["x_m"] = float(x_m[i])
                values["y_m"] = float(y_m[i])
            else:
                values["x_m"] = values["y_m"] = None
            # Today's precinct by point-in-polygon; outside the bundled boundaries (or with no
            # point) the precinct the file reported.
            values["precinct"] = precincts[i] or values["reported_precinct"]
            values["sector"] = sectors[i]
            out.append((row, rec))
        return out

    def _write(self, to_write: Any) -> list[str]:
        """Write a batch; each record's outcome (imported, updated or unchanged)."""
        if isinstance(to_write, columnar.ColumnBatch):
            return self._write_columns(to_write)
        if not to_write:
            return []
        if self.bulk is not None:  # every record is new (see BulkLoad)
            records = [values for _, values in to_write]
            batch = columnar.ColumnBatch.from_records(
                records, [0] * len(records), self.writer.fields
            )
            self.bulk.copy(self.writer.copy_payload(batch, timezone.now()))
            self.bulk.wait()
            return [IMPORTED] * len(records)
        source = self.schema.source
        existing = self.writer.existing(source, [v["source_key"] for _, v in to_write])
        outcomes: list[str] = []
        upserts: list[dict[str, Any]] = []
        changed: list[tuple[int, dict[str, Any]]] = []
        for _, values in to_write:
            found = existing.get(values["source_key"])
            if found is None:
                outcomes.append(IMPORTED)
                upserts.append(values)
            elif found[1] == values["content_hash"]:
                outcomes.append(UNCHANGED)
            else:
                outcomes.append(UPDATED)
                upserts.append(values)
                changed.append((found[0], values))
        now = timezone.now()
        revisions: list[IncidentRevision] = []
        if changed and self.is_incident:
            old = self.writer.old_values([pk for pk, _ in changed])
            fields = [f for f in self.writer.fields if f not in ("source", "source_key")]
            for pk, values in changed:
                before = old.get(pk, {})
                revisions.append(
                    IncidentRevision(
                        incident_id=pk,
                        at=now,
                        import_run_id=self.run.pk,
                        changes=changed_fields(before, values, fields),
                        old_category=before.get("compstat_category", ""),
                        new_category=values["compstat_category"],
                        reason=f"re-import of {self.path.name[:200]} ({self.schema.name})",
                    )
                )
        self.writer.upsert(upserts, now=now)
        if revisions:
            IncidentRevision.objects.bulk_create(revisions, batch_size=500)
        return outcomes

    def _write_columns(self, batch: columnar.ColumnBatch) -> list[str]:
        if not len(batch):
            return []
        now = timezone.now()
        if self.bulk is not None:
            self.bulk.copy(self.writer.copy_payload(batch, now))
            return [IMPORTED] * len(batch)
        batch = batch.take(np.argsort(batch.keys, kind="stable"))  # index locality
        keys = batch.keys.tolist()
        if self.copy_new and self.fresh:
            try:
                with transaction.atomic():
                    self.writer.copy_new(batch, now=now)
                return [IMPORTED] * len(batch)
            except IntegrityError:
                self.fresh = False  # someone else wrote records of this source meanwhile
        existing = {} if self.fresh else self.writer.existing(self.schema.source, keys)
        outcomes: list[str] = []
        new: list[int] = []
        changed: list[int] = []
        for i, (key, digest) in enumerate(zip(keys, batch.digests.tolist(), strict=True)):
            found = existing.get(key)
            if found is None:
                outcomes.append(IMPORTED)
                new.append(i)
            elif found[1] == digest:
                outcomes.append(UNCHANGED)
            else:
                outcomes.append(UPDATED)
                changed.append(i)
        if changed and self.is_incident:
            old = self.writer.old_values([existing[keys[i]][0] for i in changed])
            fields = [f for f in self.writer.fields if f not in ("source", "source_key")]
            revisions = []
            for i in changed:
                values = batch.values(i, self.writer.fields)
                pk = existing[keys[i]][0]
                before = old.get(pk, {})
                revisions.append(
                    IncidentRevision(
                        incident_id=pk,
                        at=now,
                        import_run_id=self.run.pk,
                        changes=changed_fields(before, values, fields),
                        old_category=before.get("compstat_category", ""),
                        new_category=values["compstat_category"],
                        reason=f"re-import of {self.path.name[:200]} ({self.schema.name})",
                    )
                )
        else:
            revisions = []
        if self.copy_new and new:
            try:
                with transaction.atomic():
                    self.writer.copy_new(batch.take(np.asarray(new)), now=now)
            except IntegrityError:  # a concurrent import wrote some of them: upsert instead
                changed = sorted(new + changed)
                new = []
        upsert = changed if self.copy_new else sorted(new + changed)
        if upsert:
            self.writer.upsert_columns(batch.take(np.asarray(upsert)), now=now)
        if revisions:
            IncidentRevision.objects.bulk_create(revisions, batch_size=500)
        return outcomes

    def _quarantine(self, items: list[tuple[SourceRow, RowError]]) -> None:
        if not items:
            return
        items.sort(key=lambda item: item[0].line)
        QuarantinedRow.objects.bulk_create(
            [
                QuarantinedRow(
                    run_id=self.run.pk,
                    line_number=row.line,
                    reason_code=error.code[:40],
                    reason=error.message[:500],
                    raw=row.raw[:4096],
                )
                for row, error in items
            ],
            batch_size=500,
        )
        self.counts.quarantined += len(items)
        self.counts.reasons.update(error.code for _, error in items)

    def _save_counts(self, **extra: Any) -> None:
        c = self.counts
        ImportRun.objects.filter(pk=self.run.pk).update(
            read=c.read,
            imported=c.imported,
            updated=c.updated,
            unchanged=c.unchanged,
            quarantined=c.quarantined,
            reasons=dict(sorted(c.reasons.items())),
            **extra,
        )


def _mapping(columns: Any, mapping_file: str | Path | None) -> ColumnMapping | None:
    if columns is not None and mapping_file is not None:
        raise ImportFileError("give the column mapping once: --columns or --mapping, not both")
    if isinstance(columns, ColumnMapping):
        return columns
    if isinstance(columns, dict):
        return ColumnMapping.from_dict(columns)
    if isinstance(columns, str):
        return ColumnMapping.from_option(columns)
    if mapping_file is not None:
        return ColumnMapping.from_file(mapping_file)
    return None


def import_summary(run: ImportRun) -> dict[str, Any]:
    """The run's summary as the CLI's ``--json`` prints it."""
    return {
        "read": run.read,
        "imported": run.imported,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "quarantined": run.quarantined,
        "reasons": dict(run.reasons or {}),
        "schema": run.schema,
        "file": run.file_name,
        "run": run.pk,
        "status": run.status,
    }


def records_import_file(
    *,
    path: str | Path,
    schema: str,
    columns: str | dict[str, Any] | ColumnMapping | None = None,
    mapping_file: str | Path | None = None,
    area: str | Path | None = None,
    user: Any = None,
    encoding: str = "utf-8",
    progress: bool = False,
    batch_size: int | None = None,
) -> ImportRun:
    """Import ``path`` with ``schema`` and return the finished :class:`ImportRun`.

    Raises :class:`ImportFileError` (one-line message) when the file cannot be imported at all;
    rows that cannot be imported are quarantined instead. ``columns`` or ``mapping_file`` give
    the generic schema's column mapping; ``area`` (GeoJSON) bounds its coordinates.
    """
    file_path = Path(path)
    spec = schema_for(
        schema, mapping=_mapping(columns, mapping_file), default_tz=settings.TIME_ZONE
    )
    area_geom = None
    if area is not None:
        if spec.name != "generic":
            raise ImportFileError("--area is for the generic schema (NYPD files use NYC's bounds)")
        try:
            area_geom = load_area(area, dst_crs=ANALYSIS_CRS)
        except GeoError as exc:
            raise ImportFileError(f"--area: {exc}") from None
    with CsvSource(file_path, encoding=encoding) as probe:  # readable, a header, the columns
        spec.bind(probe.header, file_name=file_path.name)
        first = next(probe.rows(), None)
        if first is None:
            raise ImportFileError(f"{file_path.name} has a header but no rows")
    user_id = getattr(user, "pk", None)
    run = ImportRun.objects.create(
        schema=spec.name,
        file_name=file_path.name[:255],
        file_sha256=sha256_file(file_path),
        started_at=timezone.now(),
        started_by_id=user_id,
    )
    importer = _Importer(
        schema=spec,
        path=file_path,
        encoding=encoding,
        area=area_geom,
        run=run,
        progress=progress,
        batch_size=batch_size or default_batch_size(),
    )
    actor = {"actor_id": user_id, "actor_username": getattr(user, "username", None)}
    if user is None:
        actor = {}
    try:
        if spec.grouped:
            importer.prepass_groups()
        if importer.bulk_wanted():
            with transaction.atomic():
                importer.run_bulk()
        else:
            importer.run_rows()
    except (ImportFileError, DatabaseError) as exc:
        message = str(exc) if isinstance(exc, ImportFileError) else f"database error: {exc}"
        message = " ".join(message.split())
        if importer.bulk is not None:  # one transaction: nothing was kept
            importer.counts = _Counts()
            message += " (bulk load: nothing was written)"
        with transaction.atomic():
            importer._save_counts(
                status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message
            )
            run.refresh_from_db()
            audit_record(
                action="records.import",
                obj=run,
                outcome="failure",
                details={**import_summary(run), "error": message},
                **actor,
            )
        raise ImportFileError(
            f"{message} (import run {run.pk} stopped after {run.read} rows; complete batches "
            "were kept: fix the file and import it again)"
        ) from None
    with transaction.atomic():
        importer._save_counts(status=ImportRun.Status.DONE, finished_at=timezone.now())
        run.refresh_from_db()
        audit_record(action="records.import", obj=run, details=import_summary(run), **actor)
    return run
