"""The one date normaliser: whatever a page, a PDF or a search API gives as a date → an ISO date
at the precision it carries (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or ``None``.

Dates are read by ``dateutil``'s parser (the maintained parser htmldate, and so trafilatura,
already depends on): ISO dates and date-times, ``2023/05/03``, ``May 3, 2023``, ``3 May 2023``,
``3rd May 2023``, ``May 2023``, RFC 2822 (``Thu, 12 Jun 2025 09:00:00 GMT``), ``20230503``.
Around it, three rules of ours:

* **Never add precision.** The string is parsed twice, against two different default dates;
  a month or day that comes out different was not in the string and is left out
  (``May 2023`` → ``2023-05``, ``2023`` → ``2023``).
* **Never guess.** The year must be written out in four digits; relative ages (``3 days
  ago``, ``yesterday``), bare weekdays and months, times alone and anything else the parser
  cannot read whole give ``None``, as do all-number dates that do not start with the year
  (``05/03/2023`` is May 3 in one country and March 5 in another). Years outside
  1000…next year are refused.
* **Chinese dates** (``2023年5月3日``, ``2023年5月``, ``2023年``), which the parser does not read,
  and PDF dates (``D:20230503120000+01'00'``) are recognised first.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime
from functools import lru_cache

from dateutil import parser as dateutil_parser

__all__ = ["date_from_parts", "epoch_ms_date", "normalize_date"]

_ZH = re.compile(r"^(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?)?")
_PDF = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})(?:\d{0,6})(?:[Zz+\-].*)?$")
_YEAR_FIRST = re.compile(r"^\d{4}(?!\d)")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|^\d{8}")
_LETTER = re.compile(r"[^\W\d_]")
# two defaults that differ in year, month and day: a field the string lacks comes out different
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def _latest_year() -> int:
    return date.today().year + 1


def date_from_parts(
    year: int | None, month: int | None = None, day: int | None = None
) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from the parts that are known; ``None`` for an
    impossible date or a year outside 1000…next year. A day without a month is ignored."""
    if year is None or not 1000 <= year <= _latest_year():
        return None
    if not month:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if not day:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def epoch_ms_date(value: object) -> str | None:
    """A UTC date from milliseconds since the epoch (OpenReview's timestamps)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def normalize_date(value: object) -> str | None:
    """An ISO date string at the precision ``value`` carries, or ``None`` (see the module
    docstring). Accepts strings, :class:`~datetime.date` / :class:`~datetime.datetime`
    objects and an integer year."""
    if isinstance(value, datetime | date):
        return date_from_parts(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return date_from_parts(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip("'\"")
    return _normalize_text(text) if text else None


@lru_cache(maxsize=4096)
def _normalize_text(text: str) -> str | None:
    if m := _ZH.match(text):
        year, month, day = (int(g) if g else None for g in m.groups())
        return date_from_parts(year, month, day)
    if m := _PDF.match(text):
        return date_from_parts(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if not _YEAR.search(text):
        return None  # no four-digit year: a relative age, a weekday, a two-digit year
    if not _LETTER.search(text) and not _YEAR_FIRST.match(text):
        return None  # 05/03/2023: day and month order unknown
    parsed = []
    for default in _DEFAULTS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unknown time-zone names, e.g. "EST"
                parsed.append(dateutil_parser.parse(text, default=default))
        except (ValueError, OverflowError, TypeError):
            return None
    first, second = parsed
    if first.year != second.year or str(first.year) not in text.replace(" ", ""):
        return None  # the year was not written out
    if first.month != second.month:
        return date_from_parts(first.year)
    if first.day != second.day:
        return date_from_parts(first.year, first.month)
    return date_from_parts(first.year, first.month, first.day)
