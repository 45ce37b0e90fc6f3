"""External share links: they expire, can be revoked, are refused for do-not-disclose items,
and every view and download through them is in the custody chain."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import services


@pytest.fixture
def shared(upload, personas):
    item = upload()
    link, token = services.evidence_share(
        actor=personas["records_clerk"], item=item, recipient="Richmond County DA", days=14
    )
    return item, link, token


def test_a_share_link_lets_someone_outside_download_and_is_logged(client, shared):
    item, _, token = shared
    page = client.get(reverse("evidence_share:page", args=[token]))
    assert page.status_code == 200 and item.sha256.encode() in page.content
    body = client.get(reverse("evidence_share:download", args=[token]))
    assert b"".join(body.streaming_content)[:8] == b"\x00\x00\x00\x18ftyp"
    actions = [e.action for e in item.custody.all()]
    assert actions == ["upload", "share", "share_viewed", "download"]
    assert item.custody.last().details["recipient"] == "Richmond County DA"


def test_only_the_token_hash_is_stored(shared):
    _, link, token = shared
    assert token not in link.token_sha256


def test_an_expired_link_is_not_found(client, shared):
    _, _, token = shared
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.get(reverse("evidence_share:page", args=[token])).status_code == 404


def test_a_revoked_link_is_not_found(client, shared, personas):
    item, link, token = shared
    services.evidence_unshare(actor=personas["commanding_officer"], link=link)
    assert client.get(reverse("evidence_share:download", args=[token])).status_code == 404
    assert item.custody.last().action == "unshare"


def test_do_not_disclose_blocks_sharing_and_ends_live_links(client, shared, personas):
    item, _, token = shared
    services.evidence_set_access(
        actor=personas["commanding_officer"], item=item, do_not_disclose=True
    )
    assert client.get(reverse("evidence_share:page", args=[token])).status_code == 404
    with pytest.raises(ApplicationError, match="do-not-disclose"):
        services.evidence_share(
            actor=personas["records_clerk"], item=item, recipient="Press", days=1
        )


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("evidence_share:page", args=["nope"])).status_code == 404


def test_only_custodians_share(personas, upload):
    item = upload()
    with pytest.raises(ApplicationError, match="can't share"):
        services.evidence_share(actor=personas["sergeant"], item=item, recipient="x", days=1)
