"""iCalendar (RFC 5545) export of a workshop, written by hand: one event, no dependency.

The same event, byte for byte, is downloaded from `<atelier>/calendrier/` and attached
to the confirmation emails: its URL is built from BASE_URL (home.links), never from the
request's host.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from home.links import absolute_url

CRLF = "\r\n"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (§3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1  # continuation lines start with one space
        current += char
        size += width
    parts.append(current)
    return CRLF.join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_filename(workshop) -> str:
    return f"atelier-{workshop.slug}.ics"


def workshop_ics(workshop, request=None) -> str:
    """The workshop as one VEVENT; `request` only spares the lookup of the site's root."""
    path = workshop.get_url(request) or ""
    url = absolute_url(path) if path else ""
    host = urlsplit(settings.BASE_URL).hostname or "clusterjura.fr"
    location = workshop.location
    stamp = workshop.last_published_at or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Clus'Ter Jura//Ateliers//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:atelier-{workshop.pk}@{host}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(workshop.starts_at)}",
        f"DTEND:{utc_stamp(workshop.ends_at)}",
        f"SUMMARY:{escape_text(workshop.title)}",
        f"DESCRIPTION:{escape_text(workshop.summary)}",
        f"LOCATION:{escape_text(location)}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
