"""Every NYPD record-level file in ../shared/data imports, its counts add up, and a second run
reports everything unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count

from openprecinct.records.importing import records_import_file
from openprecinct.records.models import Arrest, Incident
from tests.records.conftest import DATA, adds_up

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not DATA.exists(), reason="../shared/data is not available"),
]

CRIME_MAP = (
    Path(__file__).resolve().parents[2] / "openprecinct/records/mappings/nypd-crime-map.json"
)


def import_twice(name: str, schema: str, **kw):
    first = records_import_file(path=DATA / name, schema=schema, **kw)
    second = records_import_file(path=DATA / name, schema=schema, **kw)
    assert first.status == second.status == "done"
    assert adds_up(first) and adds_up(second)
    assert second.read == first.read
    assert second.unchanged == first.read - first.quarantined
    assert (second.imported, second.updated) == (0, 0)
    return first


def test_the_staten_island_complaints_in_three_schema_versions():
    run = import_twice("nypd_complaints_si.csv.gz", "nypd-complaints")

    assert (run.read, run.imported, run.quarantined) == (344, 344, 0)
    reported = dict(
        Incident.objects.values_list("reported_precinct").annotate(n=Count("id")).order_by()
    )
    assert reported == {"120": 120, "121": 66, "122": 95, "123": 63}  # SOURCES.md section 1
    assert Incident.objects.filter(latitude__isnull=True).count() == 5  # withheld, still counted
    # 2010 records that said 120 but lie in today's 121 (carved out in 2013)
    moved = Incident.objects.filter(reported_precinct="120", precinct="121")
    assert moved.exists()
    assert not moved.exclude(occurred_date__year__lt=2013).exists()
    late = Incident.objects.filter(reported_date__year=2025, occurred_date__year__lt=2024)
    assert late.count() == 117


def test_the_hate_crimes_group_their_bias_motives():
    run = import_twice("nypd_hate_crimes_2019_2023.csv.gz", "nypd-hate-crimes")

    assert (run.read, run.quarantined) == (2406, 0)
    assert Incident.objects.count() == 2406 - 206  # Full Complaint ID repeats 206 times
    assert Incident.objects.filter(precinct="120").exists()


def test_the_crime_map_points_through_the_generic_importer_and_the_shipped_mapping():
    run = import_twice(
        "nypd_crime_map_felonies_si_2013_2015.csv.gz", "generic", mapping_file=CRIME_MAP
    )

    assert (run.read, run.imported) == (7549, 7549)
    assert Incident.objects.count() == 7950  # sum of TOT
    # SOURCES.md section 22: precinct 120 had 1,023 crimes in 2015 Jan-Nov
    assert Incident.objects.filter(precinct="120", occurred_date__year=2015).count() == 1023


@pytest.mark.slow
def test_the_staten_island_drug_arrests():
    run = import_twice("nypd_arrests_si_drug_2013_2018.csv.gz", "nypd-arrests")

    assert (run.read, run.imported) == (13887, 13887)
    assert not Incident.objects.exists()
    reported = dict(
        Arrest.objects.values_list("reported_precinct").annotate(n=Count("id")).order_by()
    )
    assert reported == {"120": 5598, "121": 3645, "122": 2501, "123": 2143}
    assert Arrest.objects.filter(compstat_category="Drug Arrests").count() >= 13857


@pytest.mark.slow
def test_the_shootings_2006_2018_one_incident_per_key():
    run = import_twice("nypd_shootings_2006_2018.csv.gz", "nypd-shootings")

    assert (run.read, run.quarantined) == (20659, 0)
    assert Incident.objects.count() == 16255  # distinct INCIDENT_KEY
    assert Incident.objects.filter(reported_precinct="120").count() == 376  # SOURCES.md section 3


@pytest.mark.slow
def test_the_shootings_2006_2023_in_the_newer_schema():
    run = import_twice("nypd_shootings_2006_2023h1.csv.gz", "nypd-shootings")

    assert (run.read, run.quarantined) == (27939, 0)
    assert Incident.objects.count() == 21903
    assert Incident.objects.filter(reported_precinct="120").count() == 469  # section 21
    assert Incident.objects.filter(victim_count__gt=1).exists()
