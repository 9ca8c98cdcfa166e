"""HTTP helpers shared by the search providers, the page reader and the LLM client.

:class:`RetryPolicy` is the one retry policy: every caller that retries a request (a search
provider, the reader, the LLM client) runs it through :meth:`RetryPolicy.call`. Its count is
``attempts``, the number of tries in all (1 = no retry); the settings' ``*_retries`` fields
count the tries after the first, and :meth:`RetryPolicy.from_retries` converts.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


def _no_retry_after(exc: BaseException) -> float | None:
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a failed request.

    ``attempts`` is the number of tries in all (1 = no retry). The wait before try *n + 1* is
    what the server asked for (``Retry-After``), else ``backoff`` × 2^(n−1) plus a random
    share of ``jitter`` seconds; either is capped at ``max_wait``. ``sleep`` is injectable, so
    tests run without real waits. A setting that counts the tries after the first
    (``search_retries``, ``llm_retries``) becomes a policy through :meth:`from_retries`.
    """

    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 30.0
    jitter: float = 0.0
    sleep: Sleep = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"a retry policy needs at least one attempt, not {self.attempts}")

    @classmethod
    def from_retries(
        cls, retries: int, *, backoff: float = 1.0, max_wait: float = 30.0, jitter: float = 0.0,
        sleep: Sleep | None = None,
    ) -> RetryPolicy:
        """The policy of a setting that counts the tries after the first (``search_retries``,
        ``llm_retries``)."""
        return cls(
            attempts=max(0, retries) + 1, backoff=backoff, max_wait=max_wait, jitter=jitter,
            sleep=sleep or asyncio.sleep,
        )

    def delay(self, attempt_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait after try ``attempt_number`` (1-based) failed."""
        if retry_after is not None:
            return max(0.0, min(retry_after, self.max_wait))
        wait = self.backoff * 2 ** max(0, attempt_number - 1)
        if self.jitter > 0:
            wait += random.uniform(0, self.jitter)
        return max(0.0, min(wait, self.max_wait))

    async def call(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        retry_if: Callable[[BaseException, int], bool],
        retry_after: Callable[[BaseException], float | None] = _no_retry_after,
    ) -> T:
        """``await attempt()`` until it returns, raises something ``retry_if(exc,
        attempt_number)`` turns down, or the attempts run out; the last exception propagates."""

        def worth_retrying(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome is not None else None
            return exc is not None and retry_if(exc, state.attempt_number)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            return self.delay(state.attempt_number, retry_after(exc) if exc is not None else None)

        async for trial in AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait,
            retry=worth_retrying,
            sleep=self.sleep,
            reraise=True,
        ):
            with trial:
                return await attempt()
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover


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
