"""Keeping the tipster unknown: an anonymous request context, identity-free rate limits,
a cookie-free form token, and metadata-free images.

What the tip routes do (security note TP-01 … TP-05):
- ``anonymous_route`` replaces the request's audit context with one that has no address, no
  user and no request id, and removes the address, forwarded-for, user agent, referer and
  cookies from ``request.META`` before the view runs, so no log line, error report or audit
  entry written while the view runs can carry them.
- Rate limits: a global count per ten-minute window, plus a count per *bucket*, where the
  bucket is the first 16 bits of an HMAC of the address under a random salt that lives only
  in this process's memory and is replaced every window. Some 65,000 buckets: many
  addresses share each one, the cache keys expire with the window, and once the salt is gone
  nobody (not even with the cache) can tell which addresses made which count.
- Form tokens are signed and time-limited, set no cookie, and a cross-site POST (by the
  browser's Origin or Sec-Fetch-Site) is refused: CSRF protection without a persistent cookie.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from openprecinct.core import context
from openprecinct.core.errors import ApplicationError

IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_DNT",
    "HTTP_VIA",
)

WINDOW_SECONDS = 600
GLOBAL_TIPS_PER_WINDOW = 200
BUCKET_TIPS_PER_WINDOW = 10
REPLIES_PER_TIP_PER_WINDOW = 20
FOLLOW_UPS_PER_BUCKET_PER_WINDOW = 30

_salts: dict[int, bytes] = {}


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _salt(window: int) -> bytes:
    for old in [w for w in _salts if w < window - 1]:
        del _salts[old]
    if window not in _salts:
        _salts[window] = secrets.token_bytes(32)
    return _salts[window]


def client_bucket(address: str | None, window: int) -> str:
    """16 bits of an HMAC under a memory-only salt: many addresses share a bucket."""
    digest = hmac.new(_salt(window), (address or "").encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:4]


def _count(key: str, limit: int) -> bool:
    """Add one to ``key`` in this window; False when the limit is already reached."""
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        value = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        value = 1
    return value <= limit


class RateLimited(ApplicationError):
    pass


def check_tip_rate(bucket: str, window: int) -> None:
    if not _count(f"community:tips:g:{window}", GLOBAL_TIPS_PER_WINDOW):
        raise RateLimited("The tip line is very busy. Please try again in a few minutes.")
    if not _count(f"community:tips:b:{window}:{bucket}", BUCKET_TIPS_PER_WINDOW):
        raise RateLimited("Too many tips were sent from here just now. Please wait ten minutes.")


def check_follow_up_rate(bucket: str, window: int) -> None:
    if not _count(f"community:tipcheck:b:{window}:{bucket}", FOLLOW_UPS_PER_BUCKET_PER_WINDOW):
        raise RateLimited("Too many attempts just now. Please wait ten minutes and try again.")


def check_reply_rate(reference: str, window: int) -> None:
    tag = hashlib.sha256(reference.encode("utf-8")).hexdigest()[:16]
    if not _count(f"community:tips:r:{window}:{tag}", REPLIES_PER_TIP_PER_WINDOW):
        raise RateLimited("Too many messages on this tip just now. Please wait ten minutes.")


def check_public_form_rate(form: str, address: str | None, *, limit: int = 20) -> None:
    """RSVPs, feedback, applications, survey answers and service requests: the same salted,
    expiring bucket as tips, so a script cannot fill an event or stuff the survey."""
    window = _window()
    if not _count(f"community:form:{form}:{window}:{client_bucket(address, window)}", limit):
        raise RateLimited("Too many submissions from here just now. Please wait ten minutes.")


class MemoryOnlyUploadHandler:
    """Keep a tipster's photos in memory only: Django would otherwise write uploads over
    2.5 MB to a temporary file, with their EXIF and GPS, before the view could strip them.
    Anything past the size limit is dropped (and then refused by ``strip_image``)."""

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request
        self.buffer: io.BytesIO | None = None
        self.kept = 0
        self.field_name = ""
        self.file_name = ""
        self.content_type = ""
        self.charset: str | None = None
        self.content_type_extra: dict[str, Any] | None = None

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        return None

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        self.field_name, self.file_name, self.content_type = field_name, file_name, content_type
        self.charset, self.content_type_extra = charset, content_type_extra
        self.buffer = io.BytesIO()
        self.kept = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.buffer is not None
        room = MAX_ATTACHMENT_BYTES + 1 - self.kept
        if room > 0:
            self.buffer.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
        return None

    def file_complete(self, file_size: int) -> Any:
        from django.core.files.uploadedfile import InMemoryUploadedFile

        assert self.buffer is not None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name="photo",
            content_type=self.content_type,
            size=self.kept,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_complete(self) -> None:
        return None

    def upload_interrupted(self) -> None:
        return None


def anonymous_route(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run ``view`` with no trace of who is calling (see the module docstring)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        window = _window()
        request.anonymous_route = True  # type: ignore[attr-defined]
        request.tip_bucket = client_bucket(request.META.get("REMOTE_ADDR"), window)  # type: ignore[attr-defined]
        request.tip_window = window  # type: ignore[attr-defined]
        for key in IDENTIFYING_META:
            request.META.pop(key, None)
        request.COOKIES = {}
        token = context.set_current(context.ActorContext(source="web"))
        try:
            response = view(request, *args, **kwargs)
        finally:
            context.reset(token)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # the form token below instead
    return wrapped


FORM_SALT = "openprecinct.community.tipform"
FORM_MAX_AGE = 2 * 3600


def form_token(purpose: str, value: str = "") -> str:
    return signing.dumps({"p": purpose, "v": value}, salt=FORM_SALT, compress=True)


def read_form_token(token: str, purpose: str, *, max_age: int = FORM_MAX_AGE) -> str:
    try:
        data = signing.loads(token or "", salt=FORM_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            "This form was open too long. Your text is still below: send it again."
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError("This form is not valid. Reload the page and try again.") from exc
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise ApplicationError("This form is not valid. Reload the page and try again.")
    return str(data.get("v", ""))


def same_origin_post(request: HttpRequest) -> bool:
    """A browser's cross-site POST says so in Sec-Fetch-Site or in Origin: refuse it."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin != "null":
        scheme = "https" if request.is_secure() else "http"
        return origin == f"{scheme}://{request.get_host()}"
    return True


# --- images ---------------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3
MAX_PIXELS = 40_000_000


def strip_image(data: bytes) -> tuple[bytes, str]:
    """Re-encode an image from its pixels alone: no EXIF, GPS, XMP, ICC or comments survive.

    Returns the clean bytes and their content type. Anything but JPEG or PNG is refused,
    because its metadata could not be removed with certainty.
    """
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ApplicationError("Each photo must be 5 MB or smaller.")
    # Pillow logs every EXIF tag it parses at DEBUG level (GPS position, camera owner...):
    # keep its loggers quiet while a tipster's photo is read.
    pil_logger = logging.getLogger("PIL")
    level = pil_logger.level
    pil_logger.setLevel(max(level, logging.INFO))
    try:
        return _strip_image(data)
    finally:
        pil_logger.setLevel(level)


def _strip_image(data: bytes) -> tuple[bytes, str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ("JPEG", "PNG"):
                raise ApplicationError("Photos must be JPEG or PNG images.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ApplicationError("That photo is too large (more than 40 megapixels).")
            image = ImageOps.exif_transpose(probe)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ApplicationError("That file is not a readable JPEG or PNG image.") from exc
    mode = "RGBA" if fmt == "PNG" and image.mode in ("RGBA", "LA", "P") else "RGB"
    pixels = image.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=88)
        return out.getvalue(), "image/jpeg"
    clean.save(out, "PNG")
    return out.getvalue(), "image/png"
