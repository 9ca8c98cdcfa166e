"""Where validated model answers are kept, keyed by a hash of (model, stage, messages, schema).

A cache hit costs nothing and sends no request, so re-running a document gives the same
verdicts without touching the endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from veracity.store import Store

CACHE_PROVIDER = "llm"  # the provider name answers are filed under in the store's cache table


class LLMCache(Protocol):
    """A key → answer-text map."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, text: str) -> None: ...


class StoreLLMCache:
    """Answers kept in the SQLite store (its shared cache table, provider ``"llm"``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> str | None:
        data = self.store.cache_get(CACHE_PROVIDER, key)
        return data if isinstance(data, str) else None

    def put(self, key: str, text: str) -> None:
        self.store.cache_put(CACHE_PROVIDER, key, text)


class MemoryLLMCache:
    """Answers kept in a dict (tests, one-off scripts)."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def put(self, key: str, text: str) -> None:
        self.data[key] = text
