"""Calendar (iCalendar, RFC 5545), Atom (RFC 4287), the email digest and the social-media
text of safety posts. Plain text builders: no third-party service is called."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Event, SafetyPost

SOCIAL_LIMIT = 280


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > 75:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ical(events: Iterable[Event], *, host: str) -> str:
    precinct = settings.OPENPRECINCT_PRECINCT
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OpenPrecinct//Community events//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:Precinct {precinct} community events",
    ]
    stamp = _utc(timezone.now())
    for e in events:
        url = f"https://{host}{reverse('community_public:event', args=[e.pk])}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{e.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(e.starts_at)}",
            f"DTEND:{_utc(e.ends_at)}",
            f"SUMMARY:{_ics_text(e.title)}",
            f"LOCATION:{_ics_text(e.venue)}",
            f"DESCRIPTION:{_ics_text(e.description or e.get_kind_display())}",
            f"CATEGORIES:{_ics_text(e.get_kind_display())}",
            f"URL:{url}",
            "STATUS:" + ("CANCELLED" if e.status == "cancelled" else "CONFIRMED"),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _iso(value: datetime | None) -> str:
    return (
        (value or timezone.now())
        .astimezone(UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


def atom(posts: Iterable[SafetyPost], *, host: str, self_url: str) -> str:
    posts = list(posts)
    precinct = settings.OPENPRECINCT_PRECINCT
    updated = max((p.updated_at for p in posts if p.updated_at), default=None)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>Precinct {escape(precinct)} safety updates</title>",
        f"<id>tag:{escape(host)},2026:community:posts</id>",
        f'<link rel="self" href="{escape(self_url)}"/>',
        f"<updated>{_iso(updated)}</updated>",
        f"<author><name>Precinct {escape(precinct)} community affairs</name></author>",
    ]
    for p in posts:
        url = f"https://{host}{reverse('community_public:post', args=[p.pk])}"
        summary = p.body + (f"\n\nContext: {p.context}" if p.context else "")
        parts += [
            "<entry>",
            f"<title>{escape(p.title)}</title>",
            f"<id>tag:{escape(host)},2026:community:post:{p.pk}</id>",
            f'<link href="{escape(url)}"/>',
            f"<published>{_iso(p.published_at)}</published>",
            f"<updated>{_iso(p.updated_at)}</updated>",
            f'<category term="{escape(p.sector or "precinct")}"/>',
            f'<content type="text">{escape(summary)}</content>',
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


def social_text(post: SafetyPost, *, host: str) -> str:
    """The post for a social-media account: title, first sentences, link; at most 280."""
    url = f"https://{host}{reverse('community_public:post', args=[post.pk])}"
    tag = f" #{post.sector}" if post.sector else ""
    suffix = f" {url}{tag}"
    room = SOCIAL_LIMIT - len(suffix)
    text = f"{post.title}: {post.body}".replace("\n", " ")
    if post.revision > 1:
        text = "CORRECTED " + text
    if len(text) > room:
        text = text[: room - 1].rsplit(" ", 1)[0] + "…"
    return text + suffix


def digest(posts: Iterable[SafetyPost], *, host: str, since: datetime) -> str:
    """The email digest: every post published or corrected since ``since``."""
    chosen = [p for p in posts if p.updated_at and p.updated_at >= since]
    precinct = settings.OPENPRECINCT_PRECINCT
    lines = [f"Precinct {precinct} safety updates since {timezone.localtime(since):%Y-%m-%d}", ""]
    if not chosen:
        lines.append("No new safety updates.")
    for p in chosen:
        url = f"https://{host}{reverse('community_public:post', args=[p.pk])}"
        lines += [
            ("[Corrected] " if p.revision > 1 else "") + p.title,
            f"Sector: {p.sector or 'whole precinct'}",
            p.body,
        ]
        if p.context:
            lines.append(f"Context: {p.context}")
        lines += [url, ""]
    return "\n".join(lines) + "\n"
