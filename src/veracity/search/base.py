"""The search protocol every evidence source implements: web engines, scholarly APIs, the corpus."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from veracity.types import SearchResult


@runtime_checkable
class SearchProvider(Protocol):
    """One search backend. ``search`` never raises for an empty result; it raises
    :class:`veracity.errors.ProviderError` when the backend fails."""

    name: str

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]: ...
