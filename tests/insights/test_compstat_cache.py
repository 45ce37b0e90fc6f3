"""The CompStat page's cache (figures and rendered tables) is per user and follows every change."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from openprecinct.core.audit import audit_record
from tests.conftest import login_verified
from tests.insights.test_compstat_pages import WEEK_ENDING, line, records  # noqa: F401
from tests.records.factories import imported_incident

PARAMS = {"precinct": "120", "week_ending": WEEK_ENDING.isoformat()}


def _burglary_row(content: bytes) -> bytes:
    start = content.index(b'data-category="Burglary"')
    return content[start : content.index(b"</tr>", start)]


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=300)
def test_cached_page_is_per_user_and_follows_the_data_version(client, personas, records):  # noqa: F811
    cache.clear()
    login_verified(client, personas["crime_analyst"])
    first = client.get("/insights/compstat/", PARAMS)
    assert line(first.context["reports"], "120", "Burglary")["ytd_current"] == 2
    # A repeat view reads no record: figures and tables come from the cache.
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/insights/compstat/", PARAMS)
    assert not [q for q in queries.captured_queries if "records_incident" in q["sql"]]
    assert _burglary_row(again.content) == _burglary_row(first.content)
    # Every change writes an audit entry (here the record's, or ours): the next view counts it.
    imported_incident(
        source_key="LATE",
        compstat_category="Burglary",
        ky_cd=107,
        occurred_date=WEEK_ENDING - timedelta(days=1),
        reported_date=WEEK_ENDING - timedelta(days=1),
        sector="120A",
    )
    audit_record(action="test.change", object_type="incident", object_id="LATE")
    fresh = client.get("/insights/compstat/", PARAMS)
    assert line(fresh.context["reports"], "120", "Burglary")["ytd_current"] == 3
    assert _burglary_row(fresh.content) != _burglary_row(first.content)
    # Sealed records: another role's cached page is its own.
    client.logout()
    login_verified(client, personas["commanding_officer"])
    co = client.get("/insights/compstat/", PARAMS)
    assert line(co.context["reports"], "120", "Burglary")["ytd_current"] == 4
    assert _burglary_row(co.content) != _burglary_row(fresh.content)
    cache.clear()
