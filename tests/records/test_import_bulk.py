"""PostgreSQL bulk-load mode: one transaction, every index and constraint put back, or nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from openprecinct.records.importing import ImportFileError, records_import_file
from openprecinct.records.importing.service import _Importer
from openprecinct.records.importing.writer import BatchWriter
from openprecinct.records.models import ImportRun, Incident, QuarantinedRow
from tests.records.conftest import adds_up, counts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bulk(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the bulk-load mode is PostgreSQL's")
    monkeypatch.setattr(_Importer, "bulk_min_bytes", 0)  # any file is "large"


def _schema() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'records_incident' "
            "ORDER BY indexname"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred "
            "FROM pg_constraint WHERE conrelid = 'records_incident'::regclass ORDER BY conname"
        )
        return indexes, cursor.fetchall()


def _rows() -> list[dict[str, str]]:
    rows = [{"CMPLNT_NUM": str(n)} for n in range(1, 13)]
    rows[3]["KY_CD"] = "x41"  # bad code
    rows.append({"CMPLNT_NUM": "5", "KY_CD": "109", "OFNS_DESC": "GRAND LARCENY"})  # conflict
    rows.append({"CMPLNT_NUM": "6"})  # an identical repeat
    return rows


def test_a_bulk_load_imports_the_file_and_puts_back_every_index_and_constraint(
    bulk, complaints_file
):
    before = _schema()
    path = complaints_file(*_rows())

    run = records_import_file(path=path, schema="nypd-complaints", batch_size=4)

    assert counts(run) == {
        "read": 14,
        "imported": 11,
        "updated": 0,
        "unchanged": 1,
        "quarantined": 2,
    }
    assert adds_up(run) and run.reasons == {"bad_code": 1, "duplicate_conflict": 1}
    assert sorted(QuarantinedRow.objects.values_list("line_number", flat=True)) == [5, 14]
    assert Incident.objects.count() == 11
    assert _schema() == before
    again = records_import_file(path=path, schema="nypd-complaints", batch_size=4)
    assert (again.unchanged, again.imported, again.quarantined) == (12, 0, 2)


def test_a_bulk_load_that_fails_writes_nothing_and_keeps_the_schema(
    bulk, complaints_file, monkeypatch
):
    before = _schema()
    real = BatchWriter.copy_payload
    calls = {"n": 0}

    def broken(self, batch, now):
        calls["n"] += 1
        payload = real(self, batch, now)
        return payload if calls["n"] < 2 else payload.replace(b"\t", b"\t\t", 1)

    monkeypatch.setattr(BatchWriter, "copy_payload", broken)

    with pytest.raises(ImportFileError, match="nothing was written"):
        records_import_file(path=complaints_file(*_rows()), schema="nypd-complaints", batch_size=4)

    assert not Incident.objects.exists() and not QuarantinedRow.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == "failed" and (run.read, run.imported) == (0, 0)
    assert _schema() == before
