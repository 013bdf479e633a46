"""Dates as news archives write them, in English, German, French, Dutch and Danish.

Nexis Uni writes "January 11, 2010 Monday 9:20 AM GMT", LexisNexis Academic the same
without the time or with an edition after it, Factiva "11 January 2010" or, in German,
"2. September 2011"; French and Danish exports say "17 mai 2003" and "3. marts 2009".
The month and weekday names of many languages are dateparser's (a trafilatura
dependency, kept up to date with the CLDR data), so they are not listed here; only the
time of day is taken off first, because dateparser would otherwise fold a time zone into
the date and could move it to the day before.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

ARCHIVE_LANGUAGES = ("en", "de", "fr", "nl", "da")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {
    key: number
    for number, name in enumerate(_MONTH_NAMES.split(), start=1)
    for key in (name, name[:3], str(number), f"{number:02d}")
} | {"sept": 9}
_WEEKDAY = r"(?:[A-Za-z]+,? )?"
_WRITTEN_DATES = (
    re.compile(
        _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.? (?P<month>[A-Za-z]+)\.?,? (?P<year>\d{4})"
    ),
    re.compile(
        _WEEKDAY + r"(?P<month>[A-Za-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})"
    ),
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"),
)

_TIME = re.compile(
    r"(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})(?::\d{2})?\s*(?P<half>[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Uhr|uur|h|kl\.?))?(?:\s*(?P<zone>(?:GMT|UTC|[A-Z]{1,4}T|MEZ|MESZ)(?:[+-]\d{1,2})?))?"
)
_WEEKDAY_AFTER = re.compile(
    r",?\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I
)  # "January 11, 2010 Monday": English exports put the weekday after the date
_MAX_DATE_TEXT = 80  # a date line is short; anything longer is not read as one


@dataclass(frozen=True)
class ArchiveDate:
    """A date line read: the ISO date, and the time of day ("09:20 GMT") when it gave one."""

    date: str
    time: str | None = None


def read_date(text: str) -> ArchiveDate | None:
    """The date (and time) a short archive line states, or None if it states no date."""
    text = " ".join(text.split())
    if not text or len(text) > _MAX_DATE_TEXT or not any(ch.isdigit() for ch in text):
        return None
    return _read_date(text)


@functools.lru_cache(maxsize=4096)
def _read_date(text: str) -> ArchiveDate | None:
    """Cached: an archive's date lines repeat (hundreds of articles of a few days)."""
    time = None
    match = _TIME.search(text)
    if match and not re.fullmatch(r"\d{1,2}\.\d{2}", match.group(0)):
        time = _time_of(match)
        text = (text[: match.start()] + " " + text[match.end() :]).strip(" ,-")
    date = iso_date(_WEEKDAY_AFTER.sub("", text)) or _iso_date_any_language(text)
    return ArchiveDate(date, time) if date else None


def _time_of(match: re.Match[str]) -> str:
    hour, minute = int(match["hour"]), int(match["minute"])
    half = (match["half"] or "").lower().replace(".", "")
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    zone = f" {match['zone']}" if match["zone"] else ""
    return f"{hour:02d}:{minute:02d}{zone}"


def _iso_date_any_language(text: str) -> str | None:
    """dateparser over the archives' languages; a year must be written (a line such as
    "Late Edition 5" is no date), and a day too ("January 2010" is a month)."""
    import dateparser  # imported here: it loads its language data on first use

    if not re.search(r"\b\d{4}\b", text):
        return None
    settings = {"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    found = dateparser.parse(text, languages=list(ARCHIVE_LANGUAGES), settings=settings)
    return found.date().isoformat() if found else None


def iso_date(value: str) -> str | None:
    """An ISO date ("2026-11-04") from an ISO date or time, or an English written date
    ("4 November 2026", "Nov. 4, 2026", "Tuesday, 4 Nov 2026") or "04.11.2026".

    Month names are matched here rather than with strptime, whose %B follows the
    process locale (which Qt sets from the user's).
    """
    value = " ".join(value.split())
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for pattern in _WRITTEN_DATES:
        match = pattern.fullmatch(value)
        if match:
            month = _MONTHS.get(match["month"].lower(), 0)
            try:
                return date(int(match["year"]), month, int(match["day"])).isoformat()
            except ValueError:
                return None
    return None
