"""CCRB import: counts reconcile with the files, re-import changes nothing, bad rows quarantined."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from openprecinct.accountability.ccrb import COLUMNS, import_ccrb_file, summary
from openprecinct.accountability.models import Allegation, CCRBQuarantinedRow, Complaint, Officer
from openprecinct.records.importing.errors import ImportFileError

DATA = Path(__file__).resolve().parents[2] / "openprecinct" / "accountability" / "data"

PP_ROW = {
    "unique_mos_id": "10004",
    "first_name": "Jonathan",
    "last_name": "Ruiz",
    "command_now": "120 PCT",
    "shield_no": "8409",
    "complaint_id": "42835",
    "month_received": "7",
    "year_received": "2019",
    "month_closed": "5",
    "year_closed": "2020",
    "command_at_incident": "120 PCT",
    "rank_abbrev_incident": "POM",
    "rank_abbrev_now": "POM",
    "rank_now": "Police Officer",
    "rank_incident": "Police Officer",
    "mos_ethnicity": "Hispanic",
    "mos_gender": "M",
    "mos_age_incident": "32",
    "complainant_ethnicity": "Black",
    "complainant_gender": "Female",
    "complainant_age_incident": "38",
    "fado_type": "Abuse of Authority",
    "allegation": "Failure to provide RTKA card",
    "precinct": "120",
    "contact_reason": "Report-domestic dispute",
    "outcome_description": "No arrest made or summons issued",
    "board_disposition": "Substantiated (Command Lvl Instructions)",
}


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def pp_file(tmp_path):
    rows = [
        PP_ROW,
        {
            **PP_ROW,
            "allegation": "Word",
            "fado_type": "Discourtesy",
            "board_disposition": "Exonerated",
        },
        dict(PP_ROW),  # an exact duplicate, as the real file has 631
        {
            **PP_ROW,
            "unique_mos_id": "10005",
            "complaint_id": "50000",
            "precinct": "67",
            "command_now": "067 PCT",
            "command_at_incident": "067 PCT",
        },  # another precinct
        {**PP_ROW, "fado_type": "Rudeness", "complaint_id": "50001"},  # unknown FADO type
        {**PP_ROW, "year_received": "twenty", "complaint_id": "50002"},  # bad year
        {**PP_ROW, "board_disposition": "Maybe", "complaint_id": "50003"},  # unknown disposition
    ]
    return write_csv(tmp_path / "allegations.csv", COLUMNS["propublica"], rows)


def test_propublica_import_reconciles_and_quarantines(db, pp_file):
    run = import_ccrb_file(pp_file, "propublica", precinct=120)
    s = summary(run)
    assert s["rows_read"] == 7
    assert (s["created"], s["duplicates"], s["skipped"], s["quarantined"]) == (2, 1, 1, 3)
    assert s["reconciles"]
    assert set(run.reasons) >= {"unknown_fado_type", "bad_year_received", "unknown_disposition"}
    bad = CCRBQuarantinedRow.objects.filter(run=run)
    assert bad.count() == 3 and all(b.reason for b in bad)
    # the database holds exactly what the counts say
    assert Allegation.objects.filter(complaint__source="ccrb_propublica").count() == 2
    complaint = Complaint.objects.get(source_key="propublica:42835")
    assert complaint.status == "closed" and complaint.precinct == 120
    assert str(complaint.received_date) == "2019-07-01"
    assert Officer.objects.get(source_key="propublica:10004").command == "120 PCT"


def test_reimport_changes_nothing(db, pp_file):
    import_ccrb_file(pp_file, "propublica", precinct=120)
    before = (Officer.objects.count(), Complaint.objects.count(), Allegation.objects.count())
    again = summary(import_ccrb_file(pp_file, "propublica", precinct=120))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert again["reconciles"]
    assert not {k for k in again["reasons"] if k.endswith(("_created", "_updated"))}
    assert (
        Officer.objects.count(),
        Complaint.objects.count(),
        Allegation.objects.count(),
    ) == before


def test_mos_complaints_need_their_officers(db, tmp_path):
    officers = write_csv(
        tmp_path / "active_officers.csv",
        COLUMNS["mos_officers"],
        [
            {
                "id": "000002",
                "command": "120 PCT",
                "lastname": "Accardi",
                "firstname": "Richard",
                "rank": "Police Officer",
                "badge_no": "18377",
            }
        ],
    )
    complaints = write_csv(
        tmp_path / "active_complaints.csv",
        COLUMNS["mos_complaints"],
        [
            {
                "officer_id": "000002",
                "complaint_id": "200000006",
                "date": "2019-03-31",
                "fado_type": "Discourtesy",
                "allegation": "Word",
                "board_disposition": "Unfounded",
                "nypd_disposition": "",
                "penalty": "",
            },
            {
                "officer_id": "099999",
                "complaint_id": "200000007",
                "date": "2019-04-01",
                "fado_type": "Force",
                "allegation": "Physical force",
                "board_disposition": "Exonerated",
                "nypd_disposition": "",
                "penalty": "",
            },
            {
                "officer_id": "000002",
                "complaint_id": "200000008",
                "date": "2019-13-01",
                "fado_type": "Force",
                "allegation": "Physical force",
                "board_disposition": "Exonerated",
                "nypd_disposition": "",
                "penalty": "",
            },
        ],
    )
    o = summary(import_ccrb_file(officers, "mos_officers"))
    assert (o["rows_read"], o["created"], o["reconciles"]) == (1, 1, True)
    c = summary(import_ccrb_file(complaints, "mos_complaints"))
    assert (c["created"], c["quarantined"], c["reconciles"]) == (1, 2, True)
    assert set(c["reasons"]) >= {"unknown_officer", "bad_date"}
    complaint = Complaint.objects.get(source_key="mos20210320:200000006")
    assert str(complaint.sol_date) == "2020-09-30"  # 31 March + 18 months, clamped
    assert summary(import_ccrb_file(officers, "mos_officers"))["unchanged"] == 1


def test_a_file_of_the_wrong_layout_is_refused_whole(db, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [{"a": "1", "b": "2"}])
    with pytest.raises(ImportFileError, match="lacks the column"):
        import_ccrb_file(path, "propublica")
    assert not Allegation.objects.exists()


def _rows(path: Path) -> int:
    with gzip.open(path, "rt", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_the_bundled_120th_precinct_extract_reconciles_with_its_file(db):
    path = DATA / "ccrb_propublica_120pct.csv.gz"
    s = summary(import_ccrb_file(path, "propublica"))
    assert s["rows_read"] == _rows(path) == 914
    assert s["reconciles"] and s["quarantined"] == 0
    assert Allegation.objects.count() == s["created"] == 914 - s["duplicates"]


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "ccrb_allegations.csv.gz").exists(), reason="no shared data")
def test_the_full_propublica_file_reconciles_with_sources_md(db):
    """SOURCES.md: 33,358 allegations, 12,056 complaints, 3,996 officers, 631 exact duplicates."""
    s = summary(import_ccrb_file(SHARED / "ccrb_allegations.csv.gz", "propublica"))
    assert s["rows_read"] == 33358 and s["reconciles"]
    assert (s["created"], s["duplicates"], s["quarantined"]) == (33358 - 631, 631, 0)
    assert Complaint.objects.filter(source="ccrb_propublica").count() == 12056
    assert Officer.objects.filter(source_key__startswith="propublica:").count() == 3996
    again = summary(import_ccrb_file(SHARED / "ccrb_allegations.csv.gz", "propublica"))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 33358 - 631)


def test_the_api_carries_the_selection_bias_note_with_imported_records(
    pp_file, personas, verified_client
):
    import_ccrb_file(pp_file, "propublica", precinct=120)
    client = verified_client(personas["commanding_officer"])
    rows = client.get("/api/v1/accountability/complaints/", {"source": "ccrb_propublica"}).json()
    assert rows["count"] == 1
    assert "at least one substantiated allegation" in rows["results"][0]["source_note"]
    page = client.get("/accountability/complaints/", {"source": "ccrb_propublica"}).content.decode()
    assert "Selection bias" in page
