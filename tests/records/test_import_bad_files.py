"""A corpus of bad files: each ends in a one-line error or quarantined rows, never a traceback
and never a half-written import."""

from __future__ import annotations

import csv
import gzip
import io
import tracemalloc

import pytest

from openprecinct.records.importing import ImportFileError, records_import_file
from openprecinct.records.models import ImportRun, Incident, QuarantinedRow
from tests.records.conftest import COMPLAINT_HEADER, COMPLAINT_ROW, adds_up, csv_text

pytestmark = pytest.mark.django_db


def refused(path, schema="nypd-complaints", **kw) -> str:
    with pytest.raises(ImportFileError) as info:
        records_import_file(path=path, schema=schema, **kw)
    message = str(info.value)
    assert "\n" not in message and message
    assert not Incident.objects.exists()
    assert not ImportRun.objects.filter(status="running").exists()
    return message


def good_rows(n: int) -> list[dict[str, str]]:
    return [{**COMPLAINT_ROW, "CMPLNT_NUM": str(1000 + i)} for i in range(n)]


def test_a_missing_file(tmp_path):
    assert "does not exist" in refused(tmp_path / "nope.csv")


def test_an_empty_file(write_file):
    assert "is empty" in refused(write_file("empty.csv", ""))


def test_a_header_only_file(write_file):
    assert "header but no rows" in refused(write_file("header.csv", csv_text(COMPLAINT_HEADER, [])))


def test_a_file_missing_a_required_column(write_file):
    header = [c for c in COMPLAINT_HEADER if c != "KY_CD"]
    message = refused(write_file("nokey.csv", csv_text(header, good_rows(2))))
    assert "missing column(s) KY_CD" in message


def test_a_truncated_gzip_download(write_file, tmp_path):
    whole = gzip.compress(csv_text(COMPLAINT_HEADER, good_rows(3000)).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    assert "truncated" in refused(path)


def test_a_file_truncated_in_the_middle_of_a_row(write_file):
    text = csv_text(COMPLAINT_HEADER, good_rows(3))
    run = records_import_file(path=write_file("cut.csv", text[:-40]), schema="nypd-complaints")
    assert (run.imported, run.quarantined) == (2, 1)
    assert run.reasons == {"wrong_field_count": 1}


def test_an_unclosed_quote_at_the_end(write_file):
    text = csv_text(COMPLAINT_HEADER, good_rows(2)) + '999,"01/01/2010,11:00'
    run = records_import_file(path=write_file("quote.csv", text), schema="nypd-complaints")
    assert run.imported == 2 and run.reasons == {"wrong_field_count": 1}


def test_a_semicolon_file_is_read_with_its_own_delimiter(write_file):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COMPLAINT_HEADER, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(good_rows(2))
    text = out.getvalue()
    run = records_import_file(path=write_file("semi.csv", text), schema="nypd-complaints")
    assert run.imported == 2


def test_rows_with_another_delimiter_than_the_header_are_quarantined(write_file):
    header = ",".join(COMPLAINT_HEADER)
    row = ";".join(COMPLAINT_ROW[c].replace(",", "") for c in COMPLAINT_HEADER)
    run = records_import_file(
        path=write_file("mixed.csv", f"{header}\n{row}\n{row}\n"), schema="nypd-complaints"
    )
    assert run.quarantined == 2 and run.reasons == {"wrong_field_count": 2}
    assert not Incident.objects.exists()


def test_a_latin1_file_quarantines_the_undecodable_rows_or_reads_with_encoding(write_file):
    rows = good_rows(3)
    rows[1]["PREM_TYP_DESC"] = "CAFÉ"
    data = csv_text(COMPLAINT_HEADER, rows).encode("latin-1")
    path = write_file("latin1.csv", data)

    run = records_import_file(path=path, schema="nypd-complaints")
    assert (run.imported, run.reasons) == (2, {"bad_encoding": 1})
    assert "0xc9" in QuarantinedRow.objects.get().reason

    fixed = records_import_file(path=path, schema="nypd-complaints", encoding="latin-1")
    assert (fixed.imported, fixed.unchanged) == (1, 2)
    assert Incident.objects.get(source_key="1001").premises == "CAFÉ"


def test_a_utf16_file(write_file):
    data = csv_text(COMPLAINT_HEADER, good_rows(1)).encode("utf-16")
    assert "UTF-16" in refused(write_file("u16.csv", data))


def test_a_binary_file(write_file):
    assert "not a text CSV" in refused(write_file("blob.csv", bytes(range(256)) * 40))


def test_garbage_in_every_column_is_quarantined_row_by_row(write_file):
    garbage = [{c: f"??{c[:3]}??" for c in COMPLAINT_HEADER} for _ in range(4)]
    garbage[1]["RPT_DT"] = "01/01/2020"  # valid date, everything else garbage
    run = records_import_file(
        path=write_file("garbage.csv", csv_text(COMPLAINT_HEADER, garbage + good_rows(1))),
        schema="nypd-complaints",
    )
    assert (run.read, run.imported, run.quarantined) == (5, 1, 4)
    assert adds_up(run)
    assert set(run.reasons) <= {"bad_date", "bad_time", "bad_code", "bad_coordinates"}


def test_an_unknown_schema_or_mapping_is_a_one_line_error(write_file):
    path = write_file("ok.csv", csv_text(COMPLAINT_HEADER, good_rows(1)))
    assert "unknown schema" in refused(path, schema="nypd-parking")
    assert "needs a column mapping" in refused(path, schema="generic")
    assert "unknown mapping key" in refused(path, schema="generic", columns="id=A,colour=B")
    assert "missing column" in refused(
        path, schema="generic", columns="id=case,time=when,x=lon,y=lat,offense=what"
    )


@pytest.mark.slow  # about 10 s, most of it writing the gigabyte
def test_a_one_gigabyte_line_is_skipped_without_reading_it_into_memory(tmp_path):
    path = tmp_path / "huge.csv"
    head = csv_text(COMPLAINT_HEADER, good_rows(1))
    tail = csv_text(COMPLAINT_HEADER, [{**COMPLAINT_ROW, "CMPLNT_NUM": "2000"}]).split("\n", 1)[1]
    chunk = b"x" * (1 << 20)
    with path.open("wb") as out:
        out.write(head.encode())
        out.write(b"77,")
        for _ in range(1024):  # 1 GB, written a megabyte at a time
            out.write(chunk)
        out.write(b"\n")
        out.write(tail.encode())

    tracemalloc.start()
    try:
        run = records_import_file(path=path, schema="nypd-complaints")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        path.unlink()

    assert (run.imported, run.quarantined) == (2, 1)
    row = QuarantinedRow.objects.get()
    assert (row.line_number, row.reason_code) == (3, "line_too_long")
    assert len(row.raw) <= 4096
    assert peak < 64 * (1 << 20)
