"""Per-provider rate limits, shared by every run of a batch (and every Ray worker).

A batch runs many documents at once, and each sends queries to the same public APIs; their
terms ask for a few requests per second at most (arXiv: one every three seconds). The limits
here sit in front of each provider:

* :class:`RateLimiter` — the protocol: ``await acquire(name)`` returns when ``name`` may send
  its next request;
* :class:`TokenBucketLimiter` — a token bucket per provider name, in one process (asyncio).
  Waiters reserve their slot before sleeping, so they leave in arrival order and a burst of
  concurrent searches is spread out at the rate, not released at once;
* :class:`RateLimitedProvider` — wraps any :class:`~veracity.search.base.SearchProvider`:
  same ``name``, and every other attribute forwarded, so a scholarly provider still has its
  ``works`` / ``authors`` (which are limited too, as they send requests of their own).

Rates are given as ``N/s``, ``N/min``, ``N/h`` or ``N/Ks`` (``1/3s``: one request every three
seconds). The defaults are what each provider class declares (``default_rate``, read through
:func:`veracity.search.registry.default_rates`; ``DEFAULT_RATES`` is that table). A provider
without a rate (the local corpus, which is never wrapped, or SearXNG) is not limited.

The Ray runner keeps the buckets in one named actor (:mod:`veracity.batch.ray_runner`), which
uses :meth:`TokenBucketLimiter.reserve` and hands each worker an absolute slot (wall-clock
time) to sleep until on its own side, so the actor call's own latency does not move it.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from veracity.errors import ConfigError
from veracity.search.base import SearchProvider
from veracity.types import SearchResult

_RATE = re.compile(
    r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:/\s*(\d+(?:\.\d*)?)?\s*(s|sec|second|m|min|minute|h|hour)?)?\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
                 "h": 3600.0, "hour": 3600.0}
_UNLIMITED = ("off", "none", "inf", "unlimited", "0")


def parse_rate(text: str) -> float | None:
    """Requests per second from ``"5/s"``, ``"60/min"``, ``"1/3s"``, ``"2"`` (per second);
    None for ``off`` / ``none`` / ``inf`` / ``0`` (no limit). :class:`ConfigError` otherwise."""
    value = text.strip().lower()
    if value in _UNLIMITED:
        return None
    m = _RATE.match(value)
    if m is None:
        raise ConfigError(f"cannot read rate {text!r}: write it as N/s, N/min, N/h or 1/3s (or 'off')")
    count = float(m.group(1))
    per = float(m.group(2)) if m.group(2) else 1.0
    unit = _UNIT_SECONDS[(m.group(3) or "s").lower()]
    if count <= 0:
        return None
    if per <= 0:
        raise ConfigError(f"cannot read rate {text!r}: the period must be positive")
    return count / (per * unit)


def parse_rate_option(option: str) -> tuple[str, float | None]:
    """``"NAME=RATE"`` (a ``--rate`` value) → (name, requests per second or None)."""
    name, sep, rate = option.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--rate {option!r}: expected NAME=RATE, e.g. wikipedia=5/s or arxiv=1/3s")
    return name.strip().lower(), parse_rate(rate)


def parse_rate_options(options: Iterable[str]) -> dict[str, float | None]:
    """Every ``--rate NAME=RATE`` value of a command, checked: a name that is no provider is a
    typo and raises :class:`ConfigError`, as does a bad rate."""
    from veracity.search.registry import all_providers

    overrides = dict(parse_rate_option(o) for o in options)
    known = {p.name for p in all_providers()}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigError(f"--rate for unknown provider(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return overrides


def resolve_rates(overrides: Mapping[str, float | None] | None = None, *,
                  defaults: Mapping[str, float] | None = None) -> dict[str, float]:
    """The defaults (the providers' declared rates unless given) with ``overrides`` applied
    (None removes a provider's limit)."""
    rates = dict(defaults if defaults is not None else _declared_rates())
    for name, rate in (overrides or {}).items():
        if rate is None:
            rates.pop(name, None)
        else:
            rates[name] = rate
    return rates


def _declared_rates() -> dict[str, float]:
    from veracity.search.registry import default_rates

    return default_rates()


def __getattr__(name: str) -> Any:
    # ``DEFAULT_RATES``, the table older callers import, is read from the provider classes
    if name == "DEFAULT_RATES":
        return _declared_rates()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def describe_rate(rate: float | None) -> str:
    """``5/s``, ``1/3s`` or ``unlimited``, for messages and summaries."""
    if rate is None:
        return "unlimited"
    if rate >= 1:
        return f"{rate:g}/s"
    return f"1/{1 / rate:g}s"


@runtime_checkable
class RateLimiter(Protocol):
    """Anything that tells a provider when it may send its next request."""

    async def acquire(self, name: str) -> None: ...


class TokenBucketLimiter:
    """A token bucket per provider name: ``rate`` tokens a second, at most ``burst`` saved up.

    :meth:`reserve` takes one token at once, even when the bucket is empty (it goes into
    debt), and says how long the caller must wait for it; so concurrent callers queue in
    order and are released exactly ``1/rate`` apart. Names without a rate pass at once.
    ``clock`` and ``sleep`` can be replaced (tests use a fake clock).
    """

    def __init__(
        self, rates: Mapping[str, float], *, burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        for name, rate in rates.items():
            if rate <= 0:
                raise ConfigError(f"rate for {name!r} must be positive, not {rate}")
        if burst < 1:
            raise ConfigError(f"burst must be at least 1, not {burst}")
        self.rates = dict(rates)
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # the time at which the bucket, with every reservation paid, is full again
        self._full_at: dict[str, float] = {}
        self.granted: dict[str, int] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # a lock does not pickle; a copy gets its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def reserve(self, name: str) -> float:
        """Take a token for ``name`` now and return the seconds to wait before using it."""
        rate = self.rates.get(name)
        with self._lock:
            self.granted[name] = self.granted.get(name, 0) + 1
            if rate is None:
                return 0.0
            interval = 1.0 / rate
            now = self._clock()
            full_at = max(self._full_at.get(name, now), now)
            # the token is free once the bucket holds at least one: full_at - now <= (burst-1)/rate
            start = max(now, full_at - (self.burst - 1) * interval)
            self._full_at[name] = full_at + interval
            return start - now

    async def acquire(self, name: str) -> None:
        """Wait until ``name`` may send its next request."""
        wait = self.reserve(name)
        if wait > 0:
            await self._sleep(wait)


class RateLimitedProvider:
    """``provider`` behind ``limiter``: :meth:`search` (and ``works`` / ``authors`` when the
    provider has them) first ``await limiter.acquire(provider.name)``. Everything else —
    ``name``, ``aclose``, settings — is the wrapped provider's, so ``hasattr(p, "works")``
    answers as it would for the provider itself."""

    _LIMITED = frozenset({"works", "authors"})

    def __init__(self, provider: SearchProvider, limiter: RateLimiter) -> None:
        self._provider = provider
        self._limiter = limiter
        self.name: str = provider.name

    @property
    def wrapped(self) -> SearchProvider:
        """The provider behind the limit."""
        return self._provider

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        """The provider's search, once the limiter lets it through."""
        await self._limiter.acquire(self.name)
        return await self._provider.search(query, limit=limit, lang=lang)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or attr in ("_provider", "_limiter"):
            raise AttributeError(attr)  # copy/pickle probe these before __init__ has run
        value = getattr(self._provider, attr)
        if attr in self._LIMITED and callable(value):
            limiter, name = self._limiter, self.name

            async def limited(*args: Any, **kwargs: Any) -> Any:
                await limiter.acquire(name)
                return await value(*args, **kwargs)

            return limited
        return value

    def __repr__(self) -> str:
        return f"RateLimitedProvider({self._provider!r})"


def limit_providers(providers: Iterable[SearchProvider], limiter: RateLimiter) -> list[SearchProvider]:
    """Every provider behind ``limiter`` (one already wrapped is left as it is)."""
    return [p if isinstance(p, RateLimitedProvider) else RateLimitedProvider(p, limiter) for p in providers]
