"""Import the CCRB's published records: allegations, officers, their complaint histories.

Three layouts (see /work/shared/data/SOURCES.md and ``data/README.md``):

* ``propublica`` — ProPublica's "Civilian Complaints Against New York City Police Officers"
  (``ccrb_allegations.csv``): one row per allegation, with officer and complaint columns.
* ``mos_officers`` — CCRB member-of-service records, 2021-03-20 snapshot (``id,command,...``).
* ``mos_complaints`` — the allegation rows of those histories (``officer_id,complaint_id,...``).
  Officer ids are the scraper's sequence numbers, valid only within their status file
  (active or inactive), so officers must be imported from the same snapshot first.

Every row ends in exactly one of: created, updated, unchanged, duplicate (an exact copy of an
earlier row in the file: both sources contain some), skipped (outside the ``precinct``
filter) or quarantined (with its reason). So ``rows_read`` always equals their sum, and a
second run over the same file reports everything unchanged.

The reader is the records importer's streaming ``CsvSource`` (damaged gzip, undecodable and
overlong rows are handled there and quarantined here).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from openprecinct.accountability.models import (
    Allegation,
    CCRBImportRun,
    CCRBQuarantinedRow,
    Complaint,
    Disposition,
    FadoType,
    Officer,
)
from openprecinct.accountability.sol import add_months
from openprecinct.core.audit import audit_record
from openprecinct.core.hashing import sha256_file
from openprecinct.records.importing.errors import ImportFileError
from openprecinct.records.importing.reader import CsvSource

DATASETS = ("propublica", "mos_officers", "mos_complaints")
SNAPSHOT = "mos20210320"

COLUMNS = {
    "propublica": (
        "unique_mos_id first_name last_name command_now shield_no complaint_id month_received "
        "year_received month_closed year_closed command_at_incident rank_abbrev_incident "
        "rank_abbrev_now rank_now rank_incident mos_ethnicity mos_gender mos_age_incident "
        "complainant_ethnicity complainant_gender complainant_age_incident fado_type allegation "
        "precinct contact_reason outcome_description board_disposition"
    ).split(),
    "mos_officers": "id command lastname firstname rank badge_no".split(),
    "mos_complaints": (
        "officer_id complaint_id date fado_type allegation board_disposition nypd_disposition penalty"
    ).split(),
}

FADO = {label.lower(): value for value, label in FadoType.choices}
DISPOSITIONS = {label.lower(): value for value, label in Disposition.choices if value}
DISPOSITIONS.update(
    {
        "officer(s) unidentified": Disposition.OFFICER_UNIDENTIFIED,
        "alleged victim uncooperative": Disposition.VICTIM_UNCOOPERATIVE,
        "alleged victim unavailable": Disposition.VICTIM_UNAVAILABLE,
    }
)

# The selection-bias notes shown wherever this data is shown (from SOURCES.md).
BIAS_NOTES = {
    Complaint.Source.PROPUBLICA: (
        "ProPublica's CCRB file (2020) covers only officers still on the force in June 2020 who "
        "had at least one substantiated allegation, and leaves out allegations found unfounded. "
        "Every officer in it has a substantiated allegation by construction, not as a finding; "
        "its substantiation rate is far above CCRB's overall rate. Dates are month and year only."
    ),
    Complaint.Source.MOS: (
        "CCRB's member-of-service histories (snapshot of 20 March 2021, scraped from CCRB's "
        "public database) cover current and former officers and include unfounded and "
        "unsubstantiated outcomes, but have no incident precinct: a complaint is placed by the "
        "officer's current or last command, not by where it happened. Only complaints CCRB "
        "received are included (FADO matters); internal NYPD cases are not."
    ),
}


def source_note() -> str:
    return " ".join(BIAS_NOTES.values())


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0
    quarantined: int = 0


class BadRow(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(value: str, what: str, *, required: bool = True) -> int | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise BadRow(f"missing_{what}", f"{what.replace('_', ' ')} is empty")
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRow(f"bad_{what}", f"{what.replace('_', ' ')} {value!r} is not a number") from None


def _month(year: str, month: str, what: str, *, required: bool = True) -> date | None:
    y = _int(year, f"year_{what}", required=required)
    m = _int(month, f"month_{what}", required=required)
    if y is None or m is None:
        return None
    if not (1900 < y < 2100 and 1 <= m <= 12):
        raise BadRow(f"bad_{what}_date", f"{what} month {m}/{y} is not a date")
    return date(y, m, 1)


def _fado(value: str) -> str:
    code = FADO.get((value or "").strip().lower())
    if code is None:
        raise BadRow("unknown_fado_type", f"FADO type {value!r} is not one CCRB uses")
    return code


def _disposition(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    code = DISPOSITIONS.get(text.lower())
    if code is None:
        raise BadRow("unknown_disposition", f"board disposition {text!r} is not known")
    return code


def _precinct_of(command: str) -> int | None:
    command = (command or "").strip().upper()
    if command.endswith(" PCT") and command[:-4].strip().isdigit():
        return int(command[:-4])
    return None


def _row_digest(fields: list[str]) -> str:
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:24]


OFFICER_FIELDS = (
    "first_name",
    "last_name",
    "shield_no",
    "rank",
    "command",
    "precinct",
    "gender",
    "ethnicity",
    "is_active",
)
COMPLAINT_FIELDS = (
    "received_at",
    "received_date",
    "closed_date",
    "closed_at",
    "incident_date",
    "sol_date",
    "precinct",
)
ALLEGATION_FIELDS = (
    "fado_type",
    "allegation",
    "occurred_on",
    "disposition",
    "board_disposition",
    "nypd_disposition",
    "penalty_note",
    "rank_at_incident",
    "command_at_incident",
    "contact_reason",
    "outcome_description",
    "complainant_ethnicity",
    "complainant_gender",
    "complainant_age",
)


_DEFAULTS: dict[str, Any] = {f: "" for f in ALLEGATION_FIELDS} | {
    "occurred_on": None,
    "complainant_age": None,
}


class _Importer:
    """Rows are checked one by one; writes are batched (bulk create/update, no per-row signals:
    the run writes one audit entry, as the records importer does)."""

    def __init__(self, run: CCRBImportRun, *, precinct: int | None, mos_status: str) -> None:
        self.run = run
        self.precinct = precinct
        self.mos_status = mos_status
        self.counts = Counts()
        self.reasons: Counter[str] = Counter()
        self.side: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.officers: dict[str, Officer] = {}
        self.complaints: dict[str, Complaint] = {}
        self.allegations: dict[str, tuple[int, str, str, tuple]] = {}
        self.new_officers: list[Officer] = []
        self.dirty_officers: dict[str, Officer] = {}
        self.new_complaints: list[Complaint] = []
        self.dirty_complaints: dict[str, Complaint] = {}
        self.new_allegations: list[tuple[str, Complaint, Officer, dict[str, Any]]] = []
        self.dirty_allegations: list[tuple[int, Complaint, Officer, dict[str, Any]]] = []
        self.touched: set[str] = set()

    def preload(self, officer_prefix: str, complaint_prefix: str, allegation_prefix: str) -> None:
        for o in Officer.objects.filter(source_key__startswith=officer_prefix):
            self.officers[o.source_key] = o
        if complaint_prefix:
            for c in Complaint.objects.filter(source_key__startswith=complaint_prefix):
                self.complaints[c.source_key] = c
        if allegation_prefix:
            rows = Allegation.objects.filter(source_key__startswith=allegation_prefix).values_list(
                "pk",
                "source_key",
                "complaint__source_key",
                "officer__source_key",
                *ALLEGATION_FIELDS,
            )
            for pk, key, ckey, okey, *values in rows:
                self.allegations[key] = (pk, ckey or "", okey or "", tuple(values))

    # --- shared upserts (in memory until flush) ----------------------------------------------
    def _officer(self, key: str, values: dict[str, Any]) -> tuple[Officer, str]:
        officer = self.officers.get(key)
        if officer is None:
            officer = Officer(source_key=key, **values)
            self.officers[key] = officer
            self.new_officers.append(officer)
            return officer, "created"
        changed = {k: v for k, v in values.items() if getattr(officer, k) != v}
        if not changed:
            return officer, "unchanged"
        for k, v in changed.items():
            setattr(officer, k, v)
        officer.updated_at = timezone.now()
        if officer.pk is not None:
            self.dirty_officers[key] = officer
        return officer, "updated"

    def _complaint(self, key: str, number: str, source: str, values: dict[str, Any]) -> Complaint:
        complaint = self.complaints.get(key)
        if complaint is not None and key in self.touched:
            # Several rows of one complaint: the first row's facts stand (they agree).
            return complaint
        self.touched.add(key)
        if complaint is None:
            complaint = Complaint(
                source_key=key,
                number=number,
                source=source,
                channel=Complaint.Channel.IMPORTED,
                status=Complaint.Status.CLOSED,
                is_fado=True,
                **values,
            )
            self.complaints[key] = complaint
            self.new_complaints.append(complaint)
            self.side["complaints_created"] += 1
            return complaint
        changed = {k: v for k, v in values.items() if getattr(complaint, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(complaint, k, v)
            self.dirty_complaints[key] = complaint
            self.side["complaints_updated"] += 1
        return complaint

    def _allegation(
        self, key: str, complaint: Complaint, officer: Officer, values: dict[str, Any]
    ) -> str:
        full = {f: values.get(f, _DEFAULTS[f]) for f in ALLEGATION_FIELDS}
        existing = self.allegations.get(key)
        if existing is None:
            self.new_allegations.append((key, complaint, officer, full))
            self.allegations[key] = (
                0,
                complaint.source_key,
                officer.source_key,
                tuple(full.values()),
            )
            return "created"
        pk, ckey, okey, old = existing
        if (ckey, okey, old) == (complaint.source_key, officer.source_key, tuple(full.values())):
            return "unchanged"
        self.dirty_allegations.append((pk, complaint, officer, full))
        self.allegations[key] = (pk, complaint.source_key, officer.source_key, tuple(full.values()))
        return "updated"

    def flush(self) -> None:
        """Write what the batch decided: parents first, so children get their keys."""
        if self.new_officers:
            Officer.objects.bulk_create(self.new_officers, batch_size=500)
            self.side["officers_created"] += len(self.new_officers)
        if self.dirty_officers:
            Officer.objects.bulk_update(
                list(self.dirty_officers.values()), [*OFFICER_FIELDS, "updated_at"], batch_size=500
            )
            self.side["officers_updated"] += len(self.dirty_officers)
        if self.new_complaints:
            Complaint.objects.bulk_create(self.new_complaints, batch_size=500)
        if self.dirty_complaints:
            Complaint.objects.bulk_update(
                list(self.dirty_complaints.values()), list(COMPLAINT_FIELDS), batch_size=500
            )
        if self.new_allegations:
            made = Allegation.objects.bulk_create(
                [
                    Allegation(source_key=k, complaint=c, officer=o, **v)
                    for k, c, o, v in self.new_allegations
                ],
                batch_size=500,
            )
            for row in made:
                _, ckey, okey, values = self.allegations[row.source_key]
                self.allegations[row.source_key] = (row.pk, ckey, okey, values)
        if self.dirty_allegations:
            rows = []
            for pk, c, o, v in self.dirty_allegations:
                row = Allegation(pk=pk, complaint=c, officer=o, **v)
                rows.append(row)
            Allegation.objects.bulk_update(
                rows, ["complaint", "officer", *ALLEGATION_FIELDS], batch_size=500
            )
        self.new_officers, self.dirty_officers = [], {}
        self.new_complaints, self.dirty_complaints = [], {}
        self.new_allegations, self.dirty_allegations = [], []

    # --- layouts -----------------------------------------------------------------------------
    def propublica(self, row: dict[str, str], fields: list[str]) -> str:
        precinct = _int(row["precinct"], "precinct", required=False)
        if self.precinct is not None and self.precinct not in (
            precinct,
            _precinct_of(row["command_now"]),
            _precinct_of(row["command_at_incident"]),
        ):
            return "skipped"
        mos = _int(row["unique_mos_id"], "unique_mos_id")
        complaint_id = _int(row["complaint_id"], "complaint_id")
        received = _month(row["year_received"], row["month_received"], "received")
        closed = _month(row["year_closed"], row["month_closed"], "closed", required=False)
        if closed is not None and received is not None and closed < received:
            raise BadRow("closed_before_received", "closed before it was received")
        fado = _fado(row["fado_type"])
        disposition = _disposition(row["board_disposition"])
        if row["precinct"].strip() and precinct in (0, 1000):
            precinct = None  # placeholders, not precincts (SOURCES.md)
        officer, _ = self._officer(
            f"propublica:{mos}",
            {
                "first_name": row["first_name"].strip()[:80],
                "last_name": row["last_name"].strip()[:80] or "(unknown)",
                "shield_no": row["shield_no"].strip()[:20],
                "rank": row["rank_now"].strip()[:60],
                "command": row["command_now"].strip()[:40],
                "precinct": _precinct_of(row["command_now"]),
                "gender": row["mos_gender"].strip()[:20],
                "ethnicity": row["mos_ethnicity"].strip()[:40],
                "is_active": True,
            },
        )
        complaint = self._complaint(
            f"propublica:{complaint_id}",
            f"PP-{complaint_id}",
            Complaint.Source.PROPUBLICA,
            {
                "received_at": timezone.make_aware(datetime(received.year, received.month, 1, 12)),
                "received_date": received,
                "closed_date": closed,
                "closed_at": None,
                "precinct": precinct,
                "sol_date": add_months(received, 18),
            },
        )
        age = _int(row["complainant_age_incident"], "complainant_age", required=False)
        return self._allegation(
            f"propublica:{_row_digest(fields)}",
            complaint,
            officer,
            {
                "fado_type": fado,
                "allegation": row["allegation"].strip()[:120],
                "disposition": disposition,
                "board_disposition": row["board_disposition"].strip()[:80],
                "rank_at_incident": row["rank_incident"].strip()[:60],
                "command_at_incident": row["command_at_incident"].strip()[:40],
                "contact_reason": row["contact_reason"].strip()[:120],
                "outcome_description": row["outcome_description"].strip()[:120],
                "complainant_ethnicity": row["complainant_ethnicity"].strip()[:40],
                "complainant_gender": row["complainant_gender"].strip()[:40],
                "complainant_age": age if age is not None and 0 <= age < 120 else None,
            },
        )

    def mos_officers(self, row: dict[str, str], fields: list[str]) -> str:
        command = row["command"].strip()
        if self.precinct is not None and _precinct_of(command) != self.precinct:
            return "skipped"
        oid = row["id"].strip()
        if not oid.isdigit():
            raise BadRow("bad_officer_id", f"officer id {oid!r} is not a number")
        if not row["lastname"].strip():
            raise BadRow("missing_name", "the officer has no last name")
        key = f"{SNAPSHOT}:{self.mos_status}:{oid}"
        values = {
            "first_name": row["firstname"].strip()[:80],
            "last_name": row["lastname"].strip()[:80],
            "shield_no": row["badge_no"].strip()[:20],
            "rank": row["rank"].strip()[:60],
            "command": command[:40],
            "precinct": _precinct_of(command),
            "is_active": self.mos_status == "active",
        }
        _, outcome = self._officer(key, values)
        return outcome

    def mos_complaints(self, row: dict[str, str], fields: list[str]) -> str:
        oid = row["officer_id"].strip()
        key = f"{SNAPSHOT}:{self.mos_status}:{oid}"
        officer = self.officers.get(key)
        if officer is None:
            if self.precinct is not None:
                return "skipped"  # an officer outside the filtered command
            raise BadRow(
                "unknown_officer",
                f"officer {oid} is not in the {self.mos_status} officers file: import it first",
            )
        if self.precinct is not None and officer.precinct != self.precinct:
            return "skipped"
        complaint_id = _int(row["complaint_id"], "complaint_id")
        raw_date = row["date"].strip()
        incident = None
        if raw_date:
            try:
                incident = date.fromisoformat(raw_date)
            except ValueError:
                raise BadRow("bad_date", f"date {raw_date!r} is not YYYY-MM-DD") from None
        fado = _fado(row["fado_type"])
        disposition = _disposition(row["board_disposition"])
        complaint = self._complaint(
            f"{SNAPSHOT}:{complaint_id}",
            f"MOS-{complaint_id}",
            Complaint.Source.MOS,
            {
                "received_at": timezone.make_aware(
                    datetime.combine(incident or date(2000, 1, 1), datetime.min.time()).replace(
                        hour=12
                    )
                ),
                "received_date": incident or date(2000, 1, 1),
                "incident_date": incident,
                "sol_date": add_months(incident, 18) if incident else None,
                "precinct": officer.precinct,
            },
        )
        return self._allegation(
            f"{SNAPSHOT}:{self.mos_status}:{_row_digest(fields)}",
            complaint,
            officer,
            {
                "fado_type": fado,
                "allegation": row["allegation"].strip()[:120],
                "occurred_on": incident,
                "disposition": disposition,
                "board_disposition": row["board_disposition"].strip()[:80],
                "nypd_disposition": row["nypd_disposition"].strip()[:80],
                "penalty_note": row["penalty"].strip()[:200],
            },
        )


def import_ccrb_file(
    path: str | Path,
    dataset: str,
    *,
    mos_status: str = "",
    precinct: int | None = None,
    actor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> CCRBImportRun:
    """Import one CCRB file; idempotent. Raises ImportFileError for an unusable file.

    A blank allegation sub-type is imported as blank (one real ProPublica row has none).
    """
    path = Path(path)
    if dataset not in DATASETS:
        raise ImportFileError(f"unknown CCRB dataset {dataset!r}; use one of {', '.join(DATASETS)}")
    if dataset.startswith("mos_"):
        mos_status = mos_status or ("inactive" if "inactive" in path.name else "active")
        if mos_status not in ("active", "inactive"):
            raise ImportFileError("the MOS status must be 'active' or 'inactive'")
    with CsvSource(path) as source:
        missing = [c for c in COLUMNS[dataset] if c not in source.header]
        if missing:
            raise ImportFileError(
                f"{path.name} is not a {dataset} file: it lacks the column(s) {', '.join(missing)}"
            )
        run = CCRBImportRun.objects.create(
            dataset=dataset if not mos_status else f"{dataset}:{mos_status}",
            file_name=path.name,
            file_sha256=sha256_file(path),
            started_by=actor if getattr(actor, "pk", None) else None,
        )
        importer = _Importer(run, precinct=precinct, mos_status=mos_status)
        if dataset == "propublica":
            importer.preload("propublica:", "propublica:", "propublica:")
        elif dataset == "mos_officers":
            importer.preload(f"{SNAPSHOT}:{mos_status}:", "", "")
        else:
            importer.preload(
                f"{SNAPSHOT}:{mos_status}:", f"{SNAPSHOT}:", f"{SNAPSHOT}:{mos_status}:"
            )
        handler = getattr(importer, dataset)
        header = source.header
        batch = 0
        rows_read = 0
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for row in source.rows():
                rows_read += 1
                outcome, reason = _one(importer, handler, header, row)
                if outcome == "quarantined":
                    importer.counts.quarantined += 1
                    importer.reasons[reason[0]] += 1
                    CCRBQuarantinedRow.objects.create(
                        run=run, line_number=row.line, reason=reason[1][:200], raw={"raw": row.raw}
                    )
                else:
                    setattr(importer.counts, outcome, getattr(importer.counts, outcome) + 1)
                batch += 1
                if batch >= 2000:
                    importer.flush()
                    atomic.__exit__(None, None, None)
                    if progress:
                        progress(source.position(), source.size)
                    atomic = transaction.atomic()
                    atomic.__enter__()
                    batch = 0
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        try:
            importer.flush()
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        atomic.__exit__(None, None, None)
    c = importer.counts
    run.rows_read = rows_read
    run.created, run.updated, run.unchanged = c.created, c.updated, c.unchanged
    run.duplicates, run.skipped, run.quarantined = c.duplicates, c.skipped, c.quarantined
    run.reasons = {**dict(importer.reasons), **{k: v for k, v in importer.side.items() if v}}
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        action="accountability.ccrb.import",
        obj=run,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or "system",
        details=summary(run),
    )
    if progress:
        progress(1, 1)
    return run


def _one(importer: _Importer, handler: Any, header: list[str], row: Any) -> tuple[str, tuple]:
    if row.error is not None:
        return "quarantined", (row.error.code, row.error.message)
    if len(row.fields) != len(header):
        return "quarantined", (
            "wrong_column_count",
            f"{len(row.fields)} fields where the header has {len(header)}",
        )
    digest = _row_digest(row.fields)
    if digest in importer.seen:
        return "duplicates", ()
    record = dict(zip(header, row.fields, strict=True))
    try:
        outcome = handler(record, row.fields)
    except BadRow as bad:
        return "quarantined", (bad.code, bad.message)
    importer.seen.add(digest)
    return outcome, ()


def summary(run: CCRBImportRun) -> dict[str, Any]:
    return {
        "dataset": run.dataset,
        "file": run.file_name,
        "rows_read": run.rows_read,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "duplicates": run.duplicates,
        "skipped": run.skipped,
        "quarantined": run.quarantined,
        "reasons": run.reasons,
        "reconciles": run.rows_read
        == run.created
        + run.updated
        + run.unchanged
        + run.duplicates
        + run.skipped
        + run.quarantined,
    }
