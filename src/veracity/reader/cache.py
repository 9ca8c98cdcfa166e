"""A fetch cache kept in the SQLite store: warm re-runs and ``--offline`` replays read from it."""

from __future__ import annotations

from veracity.store import Store
from veracity.types import Document


class StoreFetchCache:
    """:class:`veracity.reader.fetch.FetchCache` backed by the store's ``fetches`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, url: str) -> Document | None:
        return self.store.cached_fetch(url)

    def put(self, url: str, doc: Document) -> None:
        self.store.record_fetch(url, doc)
