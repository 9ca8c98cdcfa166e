"""HTTP helpers shared by the search providers and the page reader."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date).

    ``None`` when the header is missing, empty or unreadable; a date in the past gives ``0.0``.
    ``now`` (aware, UTC by default) is the moment an HTTP date is measured from.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def aclose_all(tools: Iterable[object]) -> None:
    """Close every tool that has an ``aclose`` (providers, readers, LLM clients); a failure to
    close one is ignored so that it neither hides the run's result nor leaves the others open."""
    for tool in tools:
        close = getattr(tool, "aclose", None)
        if close is not None:
            with contextlib.suppress(Exception):
                await close()
