"""The tip line keeps the tipster unknown (security note TP-01 … TP-05).

The sentinel test submits a tip with unique marker values in the client address and every
identifying header, walks the whole tipster journey, then searches a dump of every database
table, every log record and log file written meanwhile, the cache's files and the data
directory: no marker may appear anywhere.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from PIL import Image

from openprecinct.community import services, tipcrypto
from openprecinct.community.models import Tip, TipAttachment
from openprecinct.core.models import AuditEntry

MARK = "zq7sentinel41x"
SENTINELS = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    "HTTP_X_REAL_IP": "192.0.2.199",
    "HTTP_FORWARDED": f"for=192.0.2.231;by={MARK}-fwd",
    "HTTP_USER_AGENT": f"Mozilla/5.0 {MARK}-agent",
    "HTTP_REFERER": f"https://{MARK}-referer.example/page",
    "HTTP_ACCEPT_LANGUAGE": f"{MARK}-lang",
    "HTTP_SEC_CH_UA": f'"{MARK}-clienthint"',
}
COOKIE_VALUE = f"{MARK}-cookie"
NEEDLES = [
    MARK,
    "203.0.113.77",
    "198.51.100.23",
    "192.0.2.199",
    "192.0.2.231",
]


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = f"{MARK}-exif-description"  # ImageDescription
    exif[0x013B] = f"{MARK}-artist"  # Artist
    gps = {1: "N", 2: (40.0, 38.0, 12.0), 3: "W", 4: (74.0, 4.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _database_dump() -> str:
    parts: list[str] = []
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            parts.append(repr(row))
    return "\n".join(parts)


def _files_text(root: Path) -> str:
    chunks = []
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file() and path.stat().st_size < 50_000_000:
                chunks.append(path.read_bytes().decode("latin-1"))
    return "\n".join(chunks)


def _post(client: Client, path: str, data: dict, **extra):
    return client.post(path, data, **SENTINELS, **extra)


@pytest.mark.django_db
def test_the_sentinel_never_reaches_the_database_logs_cache_or_files(tmp_path, coordinator):
    jpeg = _jpeg_with_gps()  # made before logging is captured: Pillow logs what it writes
    log_file = tmp_path / "all.log"
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s %(args)s")
    )
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql_logger = logging.getLogger("django.db.backends")  # "django" is INFO by default
    sql_level = sql_logger.level
    sql_logger.setLevel(logging.DEBUG)
    cache_dir = tmp_path / "cache"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
        }
    }
    try:
        # CaptureQueriesContext makes Django log every SQL statement with its parameters.
        with override_settings(CACHES=caches), CaptureQueriesContext(connection):
            client = Client()
            client.cookies["tracker"] = COOKIE_VALUE
            page = client.get("/portal/community/tips/", **SENTINELS)
            assert page.status_code == 200
            token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
            photo = io.BytesIO(jpeg)
            photo.name = "photo.jpg"
            sent = client.post(
                "/portal/community/tips/",
                {
                    "token": token,
                    "narrative": "Drugs are sold from the red door at the corner every night.",
                    "category": "drugs",
                    "latitude": "40.6360",
                    "longitude": "-74.0800",
                    "photos": photo,
                },
                **SENTINELS,
            )
            assert sent.status_code == 200, sent.content[:2000]
            body = sent.content.decode()
            reference = re.search(r'id="tip-reference">([^<]+)<', body).group(1)
            passphrase = re.search(r'id="tip-passphrase">([^<]+)<', body).group(1)
            # the coordinator answers, the tipster reads and replies, and someone guesses wrong
            tip = Tip.objects.get(reference=tipcrypto.normalise(reference))
            services.triage_tip(coordinator, tip, emergency=False, route="squad")
            services.staff_reply(coordinator, tip, "Which corner? Which nights?")
            check = client.get("/portal/community/tips/follow-up/", **SENTINELS)
            check_token = re.search(r'name="token" value="([^"]+)"', check.content.decode()).group(
                1
            )
            opened = _post(
                client,
                "/portal/community/tips/follow-up/",
                {"token": check_token, "reference": reference, "passphrase": passphrase},
            )
            assert opened.status_code == 200 and "Which corner?" in opened.content.decode()
            reply_token = re.search(r'name="token" value="([^"]+)"', opened.content.decode()).group(
                1
            )
            answered = _post(
                client,
                "/portal/community/tips/reply/",
                {"token": reply_token, "body": "Castleton and Bay, Fridays after 10."},
            )
            assert "Castleton and Bay" in answered.content.decode()
            wrong = _post(
                client,
                "/portal/community/tips/follow-up/",
                {"token": check_token, "reference": reference, "passphrase": "WRONG-WRONG"},
            )
            assert wrong.status_code == 404
            # no cookie set on any tip page
            for response in (page, sent, check, opened, answered, wrong):
                assert "Set-Cookie" not in response.headers
                assert not response.cookies
            cache_text = _files_text(cache_dir)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        sql_logger.setLevel(sql_level)
        handler.close()

    dump = _database_dump()
    audit = "\n".join(repr(e.__dict__) for e in AuditEntry.objects.all())
    logs = log_file.read_text(errors="replace")
    # the data directory holds uploads, exports and (on SQLite) the database file itself
    data_dir = _files_text(Path(settings.DATA_DIR))
    stored_photos = b"".join(bytes(a.data) for a in TipAttachment.objects.all()).decode("latin-1")
    assert "Castleton and Bay" in dump  # the dump is real: it holds the tip's own words
    assert "community_tip" in logs  # and the log holds every SQL statement, with parameters
    for needle in NEEDLES:
        for where, text in (
            ("database", dump),
            ("audit", audit),
            ("logs", logs),
            ("cache", cache_text),
            ("data dir", data_dir),
            ("photos", stored_photos),
        ):
            assert needle not in text, f"{needle!r} found in the {where}"
    # the audit entries of the tipster's actions carry no address, user or request id
    tip_entries = AuditEntry.objects.filter(
        action__in=("community.tip.submit", "community.tip.tipster_message")
    )
    assert tip_entries.count() == 2
    for entry in tip_entries:
        assert entry.ip_address is None and entry.actor_id is None and entry.request_id == ""


@pytest.mark.django_db
def test_photos_lose_exif_and_gps():
    tip, _ = services.submit_tip(
        narrative="Photo of the van that delivers every night.", photos=[_jpeg_with_gps()]
    )
    stored = bytes(TipAttachment.objects.get(tip=tip).data)
    assert MARK.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert image.size == (40, 30)


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message():
    from openprecinct.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="JPEG or PNG"):
        services.submit_tip(
            narrative="Here is the document you asked for.", photos=[b"%PDF-1.4 not an image"]
        )
    assert not Tip.objects.exists()  # nothing half-written


@pytest.mark.django_db
def test_only_a_peppered_scrypt_of_the_passphrase_is_stored(make_tip):
    tip, passphrase = make_tip()
    assert tipcrypto.normalise(passphrase) not in _database_dump()
    assert tip.key_hash == tipcrypto.derive(passphrase, tip.reference)
    assert len(tipcrypto.normalise(passphrase)) * 5 >= 80
    with override_settings(OPENPRECINCT_TIP_PEPPER="another pepper"):
        assert tipcrypto.derive(passphrase, tip.reference) != tip.key_hash


def test_the_passphrase_has_at_least_80_bits_and_is_not_repeated():
    assert tipcrypto.PASSPHRASE_BITS >= 80
    seen = {tipcrypto.new_passphrase() for _ in range(200)}
    assert len(seen) == 200


@pytest.mark.django_db
def test_tip_models_keep_dates_not_times():
    from django.db import models

    for model in (Tip, apps.get_model("community", "TipMessage"), TipAttachment):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField), f"{model.__name__}.{field.name}"


@pytest.mark.django_db
def test_unknown_tip_and_wrong_passphrase_get_the_same_answer(make_tip, monkeypatch):
    tip, passphrase = make_tip()
    calls: list[str] = []
    real = tipcrypto.derive

    def counting(p, r):
        calls.append(r)
        return real(p, r)

    monkeypatch.setattr(tipcrypto, "derive", counting)
    assert services.tip_for_tipster(tip.reference, passphrase) == tip
    assert services.tip_for_tipster(tip.reference, "AAAA-BBBB-CCCC-DDDD-EEEE") is None
    assert services.tip_for_tipster("ZZZZZZZZ", passphrase) is None
    assert len(calls) == 3  # exactly one scrypt on every path

    client = Client()
    page = client.get("/portal/community/tips/follow-up/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    wrong = client.post(
        "/portal/community/tips/follow-up/",
        {"token": token, "reference": tip.reference, "passphrase": "nope"},
    )
    unknown = client.post(
        "/portal/community/tips/follow-up/",
        {"token": token, "reference": "ZZZZ-ZZZZ", "passphrase": passphrase},
    )
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda html: re.sub(r'name="token" value="[^"]+"', "", html.decode())  # noqa: E731
    assert strip(wrong.content) == strip(unknown.content)


@pytest.mark.django_db
def test_unknown_tip_and_wrong_passphrase_take_the_same_time(make_tip):
    tip, passphrase = make_tip()

    def timed(reference: str, secret: str) -> float:
        start = time.perf_counter()
        services.tip_for_tipster(reference, secret)
        return time.perf_counter() - start

    wrong, unknown = [], []
    for _ in range(7):  # interleaved, so machine load affects both alike
        wrong.append(timed(tip.reference, "AAAA-BBBB-CCCC-DDDD-EEEE"))
        unknown.append(timed("ZZZZZZZZ", "AAAA-BBBB-CCCC-DDDD-EEEE"))
    a, b = statistics.median(wrong), statistics.median(unknown)
    # Both are dominated by the same scrypt (tens of ms); the lookup differs by far less.
    assert abs(a - b) < 0.5 * max(a, b), (a, b)


@pytest.mark.django_db
def test_tip_pages_load_nothing_from_other_origins():
    client = Client()
    for path in ("/portal/community/tips/", "/portal/community/tips/follow-up/"):
        html = client.get(path).content.decode()
        urls = re.findall(r'(?:src|href|action)="([^"]+)"', html)
        assert urls
        for url in urls:
            assert url.startswith(("/", "#")) and not url.startswith("//"), url


@pytest.mark.django_db
def test_tip_submission_is_rate_limited_without_storing_the_address(monkeypatch):
    from openprecinct.community import anonymity

    monkeypatch.setattr(anonymity, "BUCKET_TIPS_PER_WINDOW", 2)
    monkeypatch.setattr(anonymity, "_window", lambda now=None: 7)  # no window boundary mid-test
    client = Client()
    codes = []
    for _ in range(3):
        token = re.search(
            r'name="token" value="([^"]+)"', client.get("/portal/community/tips/").content.decode()
        ).group(1)
        codes.append(
            client.post(
                "/portal/community/tips/",
                {"token": token, "narrative": "Someone keeps breaking into cars on Victory Blvd."},
                REMOTE_ADDR="203.0.113.77",
            ).status_code
        )
    assert codes == [200, 200, 429]
    # a different address lands in another bucket (almost surely) and is not blocked
    token = re.search(
        r'name="token" value="([^"]+)"', client.get("/portal/community/tips/").content.decode()
    ).group(1)
    other = client.post(
        "/portal/community/tips/",
        {"token": token, "narrative": "Someone keeps breaking into cars on Victory Blvd."},
        REMOTE_ADDR="198.51.100.99",
    )
    window = anonymity._window()
    if anonymity.client_bucket("198.51.100.99", window) != anonymity.client_bucket(
        "203.0.113.77", window
    ):
        assert other.status_code == 200
    keys = [k for k in getattr(cache, "_cache", {}) if "community:tips" in str(k)]
    for key in keys:
        assert "203.0.113" not in str(key) and "198.51.100" not in str(key)


@pytest.mark.django_db
def test_a_cross_site_post_and_a_forged_token_are_refused():
    client = Client()
    token = re.search(
        r'name="token" value="([^"]+)"', client.get("/portal/community/tips/").content.decode()
    ).group(1)
    data = {"token": token, "narrative": "Somebody is selling stolen bikes behind the mall."}
    cross = client.post("/portal/community/tips/", data, HTTP_ORIGIN="https://evil.example")
    assert cross.status_code == 403
    fetch_site = client.post("/portal/community/tips/", data, HTTP_SEC_FETCH_SITE="cross-site")
    assert fetch_site.status_code == 403
    forged = client.post("/portal/community/tips/", {**data, "token": "forged"})
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_too_short_a_tip_is_refused_with_a_message_naming_the_field():
    client = Client()
    token = re.search(
        r'name="token" value="([^"]+)"', client.get("/portal/community/tips/").content.decode()
    ).group(1)
    response = client.post("/portal/community/tips/", {"token": token, "narrative": "short"})
    assert response.status_code == 400
    assert "What you saw is required (at least 20 characters)" in response.content.decode()


@pytest.mark.django_db
def test_an_error_report_from_the_tip_line_carries_no_identity(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "submit_tip", broken)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = Client(raise_request_exception=False)
        client.cookies["tracker"] = COOKIE_VALUE
        page = client.get("/portal/community/tips/").content.decode()
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        response = _post(
            client,
            "/portal/community/tips/",
            {"token": token, "narrative": "A long enough tip about a stolen car."},
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    assert records, "Django reports the error"
    from django.views.debug import ExceptionReporter

    for record in records:
        request = getattr(record, "request", None)
        text = logging.Formatter().format(record)
        if request is not None and record.exc_info:
            text += ExceptionReporter(request, *record.exc_info).get_traceback_text()
        for needle in NEEDLES:
            assert needle not in text, needle


@pytest.mark.django_db
def test_large_photos_never_touch_the_disk_and_are_refused_clearly(monkeypatch):
    from django.core.files import uploadedfile

    def no_temp_files(*args, **kwargs):
        raise AssertionError("a tip upload was written to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_temp_files)
    client = Client()
    token = re.search(
        r'name="token" value="([^"]+)"', client.get("/portal/community/tips/").content.decode()
    ).group(1)
    big = io.BytesIO(_jpeg_with_gps() + b"\0" * (6 * 1024 * 1024))
    big.name = "big.jpg"
    response = client.post(
        "/portal/community/tips/",
        {"token": token, "narrative": "Photo of the stolen bikes behind the mall.", "photos": big},
    )
    assert response.status_code == 400 and "5 MB or smaller" in response.content.decode()
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_public_forms_are_rate_limited(make_event, monkeypatch):
    from openprecinct.community import anonymity

    monkeypatch.setattr(anonymity, "_window", lambda now=None: 7)  # no window boundary mid-test
    event = make_event(capacity=100)
    client = Client()
    codes = [
        client.post(
            f"/portal/community/events/{event.pk}/", {"form": "rsvp", "name": f"P{i}"}
        ).status_code
        for i in range(22)
    ]
    assert codes[:20] == [200] * 20 and codes[20] == 400
