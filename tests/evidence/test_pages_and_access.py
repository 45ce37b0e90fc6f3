"""Evidence pages: the upload endpoint over HTTP, who sees which item, oversight and internal
affairs access through linked cases, and the same 404 for missing and forbidden items."""

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openprecinct.evidence import selectors, services
from openprecinct.evidence.models import EvidenceItem
from tests.conftest import login_verified
from tests.evidence.conftest import mp4_bytes


def _page(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def _start(client, data, **extra):
    fields = {
        "filename": "bwc.mp4",
        "content_type": "video/mp4",
        "size": len(data),
        "title": "Stop on Bay Street",
        **extra,
    }
    return client.post(reverse("evidence:upload_start"), fields)


def _put(client, url, data, first, last):
    return client.put(
        url,
        data[first : last + 1],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {first}-{last}/{len(data)}",
    )


def test_an_officer_uploads_in_chunks_over_http_and_resumes_from_the_reported_offset(
    client, personas
):
    login_verified(client, personas["patrol_officer"])
    data = mp4_bytes(700_000, seed=3)
    started = _start(client, data, recorded_at="2026-11-20 14:05")
    assert started.status_code == 201
    url = started.json()["url"]
    assert _put(client, url, data, 0, 299_999).json() == {"offset": 300_000, "complete": False}
    # The client lost track and sends from the wrong place: told where to resume.
    wrong = _put(client, url, data, 100_000, 399_999)
    assert wrong.status_code == 409 and wrong.json()["offset"] == 300_000
    assert client.get(url).json()["offset"] == 300_000
    done = _put(client, url, data, 300_000, len(data) - 1)
    assert done.status_code == 201
    assert done.json()["sha256"] == hashlib.sha256(data).hexdigest()
    item = EvidenceItem.objects.get(uuid=done.json()["item"])
    assert item.recorded_at is not None


def test_the_upload_endpoint_explains_refusals(client, personas):
    login_verified(client, personas["patrol_officer"])
    assert "not allowed" in _start(client, b"x" * 10, filename="../x.mp4").json()["error"]
    assert _start(client, b"").json()["error"].startswith("The file is empty")
    too_big = _start(client, mp4_bytes(5_000_001))
    assert too_big.status_code == 413 and "the limit is" in too_big.json()["error"]


def test_upload_pages_are_for_uploaders_only(client, personas):
    for name in ("crime_analyst", "oversight_member", "administrator", "outsider"):
        client.logout()
        login_verified(client, personas[name])
        assert client.get(reverse("evidence:upload")).status_code == 403, name
        assert _start(client, mp4_bytes(1000)).status_code == 403, name


def test_viewing_an_item_is_logged_in_its_custody_chain(client, personas, upload):
    item = upload()
    login_verified(client, personas["sergeant"])
    assert client.get(reverse("evidence:detail", args=[item.uuid])).status_code == 200
    body = b"".join(client.get(reverse("evidence:download", args=[item.uuid])).streaming_content)
    assert hashlib.sha256(body).hexdigest() == item.sha256
    actions = [(e.action, e.actor_username) for e in item.custody.all()]
    assert actions[1:] == [("view", "sergeant"), ("download", "sergeant")]


def test_the_custody_report_is_a_pdf_and_is_itself_logged(client, personas, upload):
    item = upload()
    login_verified(client, personas["records_clerk"])
    response = client.get(reverse("evidence:custody_pdf", args=[item.uuid]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert item.custody.last().action == "report"


ACCESS = {
    # access class -> roles that see an item uploaded by the patrol officer, with no links
    "standard": {
        "patrol_officer",
        "sergeant",
        "commanding_officer",
        "records_clerk",
        "ia_investigator",
    },
    "restricted": {"patrol_officer", "sergeant", "commanding_officer", "ia_investigator"},
    "confidential": {"commanding_officer", "ia_investigator"},
}


@pytest.mark.parametrize("access_class", list(ACCESS))
def test_who_sees_an_item_depends_on_its_access_class(client, personas, upload, access_class):
    item = upload()
    item.access_class = access_class
    item.save()
    missing = reverse("evidence:detail", args=[uuid.uuid4()])
    seeing = set()
    for name, user in personas.items():
        listed = selectors.evidence_list_for_user(user=user).filter(pk=item.pk).exists()
        client.logout()
        login_verified(client, user)
        response = client.get(reverse("evidence:detail", args=[item.uuid]))
        if response.status_code == 200:
            seeing.add(name)
            assert listed, name
        else:
            assert not listed, name
            assert response.status_code == 404, name
            assert _page(response) == _page(client.get(missing))  # no leak
    assert seeing == ACCESS[access_class]


def test_oversight_sees_footage_only_when_its_case_is_referred_and_the_view_is_logged(
    client, personas, upload
):
    item = upload()
    item.access_class = "confidential"
    item.save()
    member = personas["oversight_member"]
    clerk = personas["records_clerk"]
    assert not selectors.evidence_list_for_user(user=member).exists()
    services.evidence_link(actor=clerk, item=item, kind="complaint", ref="CCRB-26-0042")
    assert not selectors.evidence_list_for_user(user=member).exists()
    services.evidence_link(
        actor=clerk, item=item, kind="complaint", ref="CCRB-26-0042", referred_to_oversight=True
    )
    assert list(selectors.evidence_list_for_user(user=member)) == [item]
    login_verified(client, member)
    assert client.get(reverse("evidence:stream", args=[item.uuid])).status_code == 200
    entry = item.custody.last()
    assert (entry.action, entry.actor_username) == ("stream", "oversight-member")
    assert entry.details["via"] == "oversight committee (linked case)"


def test_internal_affairs_sees_confidential_footage_linked_to_a_complaint(personas, upload):
    item = upload()
    item.access_class = "confidential"
    item.save()
    services.evidence_link(
        actor=personas["records_clerk"], item=item, kind="force_report", ref="UOF-26-7"
    )
    assert selectors.oversight_basis(user=personas["ia_investigator"], item=item)


def test_the_access_list_adds_a_person_until_it_expires(personas, upload):
    import time_machine

    item = upload()
    item.access_class = "confidential"
    item.save()
    analyst = personas["patrol_officer"]
    assert not selectors.evidence_list_for_user(user=analyst).filter(pk=item.pk).exists()
    services.evidence_grant_access(
        actor=personas["commanding_officer"], item=item, user=analyst, days=2
    )
    assert selectors.evidence_list_for_user(user=analyst).filter(pk=item.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert not selectors.evidence_list_for_user(user=analyst).filter(pk=item.pk).exists()


def test_roles_without_evidence_access_get_403_on_the_list(client, personas):
    for name in ("crime_analyst", "dispatcher", "community_affairs", "administrator", "outsider"):
        client.logout()
        login_verified(client, personas[name])
        assert client.get(reverse("evidence:list")).status_code == 403, name
    client.logout()
    login_verified(client, personas["oversight_member"])
    assert client.get(reverse("evidence:list")).status_code == 200


def test_the_api_lists_only_visible_items_in_a_fixed_number_of_queries(
    client, personas, upload, django_assert_max_num_queries
):
    for n in range(3):
        upload(title=f"Clip {n}")
    hidden = upload(title="Confidential")
    hidden.access_class = "confidential"
    hidden.save()
    login_verified(client, personas["patrol_officer"])
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/evidence/")
    titles = {row["title"] for row in response.json()["results"]}
    assert titles == {"Clip 0", "Clip 1", "Clip 2"}


def test_the_api_detail_carries_the_custody_chain_and_logs_the_view(client, personas, upload):
    item = upload()
    login_verified(client, personas["commanding_officer"])
    body = client.get(f"/api/v1/evidence/{item.uuid}/").json()
    assert body["sha256"] == item.sha256
    assert [e["action"] for e in body["custody"]] == ["upload", "view"]
    assert client.get(f"/api/v1/evidence/{uuid.uuid4()}/").status_code == 404


def test_the_evidence_list_page_uses_a_fixed_number_of_queries(
    client, personas, upload, django_assert_max_num_queries
):
    for n in range(5):
        upload(title=f"Clip {n}")
    login_verified(client, personas["sergeant"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("evidence:list")).status_code == 200


def test_custodians_see_queued_deletions_and_redactions_on_their_home_page(personas, upload):
    from openprecinct.core.dashboard import tasks_for

    item = upload()
    services.evidence_request_deletion(actor=personas["records_clerk"], item=item, reason="dup")
    counts = {t.text: t.count for t in tasks_for(personas["commanding_officer"])}
    assert counts["evidence items are queued for deletion (can still be undone)"] == 1
    assert not any("evidence" in t.text for t in tasks_for(personas["patrol_officer"]))


def test_actions_are_refused_to_roles_that_may_only_look(client, personas, upload):
    item = upload()
    login_verified(client, personas["patrol_officer"])
    for name, data in [
        ("hold", {"hold": "on", "reason": "x"}),
        ("delete_request", {"reason": "x"}),
        ("access", {"access_class": "standard", "do_not_disclose": "on"}),
        ("share", {"recipient": "x", "days": 3}),
    ]:
        assert client.post(reverse(f"evidence:{name}", args=[item.uuid]), data).status_code == 403
    item.refresh_from_db()
    assert not item.legal_hold and item.status == "active" and not item.do_not_disclose
    assert item.share_links.count() == 0


def test_a_custodian_places_a_hold_from_the_item_page(client, personas, upload):
    item = upload()
    login_verified(client, personas["records_clerk"])
    url = reverse("evidence:hold", args=[item.uuid])
    assert client.post(url, {"hold": "on", "reason": "Smith v. City"}).status_code == 302
    item.refresh_from_db()
    assert item.legal_hold and item.custody.last().action == "hold"


def test_someone_else_cannot_send_chunks_to_my_upload(client, personas):
    login_verified(client, personas["patrol_officer"])
    data = mp4_bytes(10_000)
    url = _start(client, data).json()["url"]
    client.logout()
    login_verified(client, personas["sergeant"])
    assert _put(client, url, data, 0, len(data) - 1).status_code == 404
    assert client.get(url).status_code == 404
