"""The one retry policy (veracity.httputil.RetryPolicy): what its count means, how long it
waits, and when it gives up. Sleeps are recorded, never slept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from veracity.httputil import RetryPolicy


class Flaky(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("flaky")
        self.retry_after = retry_after


def policy(attempts: int, waits: list[float], **kw: float) -> RetryPolicy:
    async def record(seconds: float) -> None:
        waits.append(seconds)

    return RetryPolicy(attempts=attempts, sleep=record, **kw)


def failing(times: int, exc: Exception) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise exc
        return "ok"

    return calls, attempt


def always(exc: BaseException, attempt_number: int) -> bool:
    return isinstance(exc, Flaky)


def test_attempts_count_every_try() -> None:
    waits: list[float] = []
    calls, attempt = failing(10, Flaky())
    with pytest.raises(Flaky):
        asyncio.run(policy(3, waits, backoff=1.0).call(attempt, retry_if=always))
    assert len(calls) == 3 and waits == [1.0, 2.0]
    calls, attempt = failing(10, Flaky())
    with pytest.raises(Flaky):
        asyncio.run(policy(1, waits).call(attempt, retry_if=always))
    assert len(calls) == 1, "one attempt is no retry"


def test_success_after_failures_returns_the_value() -> None:
    waits: list[float] = []
    calls, attempt = failing(2, Flaky())
    assert asyncio.run(policy(3, waits, backoff=0.5).call(attempt, retry_if=always)) == "ok"
    assert len(calls) == 3 and waits == [0.5, 1.0]


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    waits: list[float] = []
    _, attempt = failing(2, Flaky(retry_after=90.0))
    p = policy(3, waits, backoff=1.0, max_wait=5.0)
    asked = p.call(attempt, retry_if=always, retry_after=lambda e: getattr(e, "retry_after", None))
    result = asyncio.run(asked)
    assert result == "ok" and waits == [5.0, 5.0]
    assert p.delay(1, 0.25) == 0.25 and p.delay(10) == 5.0


def test_a_failure_retry_if_turns_down_propagates_at_once() -> None:
    waits: list[float] = []
    calls, attempt = failing(10, ValueError("bad request"))
    with pytest.raises(ValueError):
        asyncio.run(policy(5, waits).call(attempt, retry_if=always))
    assert len(calls) == 1 and waits == []
    # retry_if sees the attempt number: here only the first failure is retried
    calls, attempt = failing(10, Flaky())
    with pytest.raises(Flaky):
        asyncio.run(policy(5, waits).call(attempt, retry_if=lambda e, n: n < 2))
    assert len(calls) == 2


def test_jitter_adds_at_most_its_share() -> None:
    p = RetryPolicy(backoff=1.0, jitter=0.5, max_wait=100.0)
    assert all(2.0 <= p.delay(2) <= 2.5 for _ in range(50))


def test_from_retries_counts_tries_after_the_first() -> None:
    assert RetryPolicy.from_retries(0).attempts == 1
    assert RetryPolicy.from_retries(2) == RetryPolicy(attempts=3)
    assert RetryPolicy.from_retries(3, backoff=0.25).attempts == 4
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(attempts=0)
