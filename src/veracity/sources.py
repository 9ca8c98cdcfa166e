"""What a run reads from: its search providers and reader, and a URL given as the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from veracity.errors import FetchError, InputError
from veracity.reader.fetch import Reader
from veracity.search.base import SearchProvider
from veracity.search.settings import SearchSettings
from veracity.store import Store
from veracity.types import InputDocument


def build_sources(
    providers: Sequence[SearchProvider | str], reader: Reader | None, store: Store, *, offline: bool,
    allow_hosts: Sequence[str], closers: list[Any], search_settings: SearchSettings | None = None,
    need_reader: bool = False,
) -> tuple[list[SearchProvider], Reader | None]:
    """The run's search providers (names built from the registry with ``search_settings``, or
    with the environment's when None) and its reader (one with the store's fetch cache when
    there are providers, or ``need_reader``, and none was passed); what is built here goes on
    ``closers``."""
    names = [p for p in providers if isinstance(p, str)]
    searchers = [p for p in providers if not isinstance(p, str)]
    if names:
        from veracity.search.registry import build_providers

        built = build_providers(names, search_settings)
        closers.extend(built)
        searchers += built
    if reader is None and (searchers or need_reader):
        from veracity.reader.cache import StoreFetchCache

        reader = Reader(allow=list(allow_hosts), cache=StoreFetchCache(store), offline=offline)
        closers.append(reader)
    return searchers, reader


async def read_url_input(url: str, *, reader: Reader | None = None, lang: str = "auto") -> InputDocument:
    """Read the page at ``url`` as the input document."""
    from veracity.text import detect_language

    own = reader is None
    reader = reader or Reader()
    try:
        page = await reader.fetch(url)
    except FetchError as err:
        raise InputError(f"cannot read input URL: {err}") from err
    finally:
        if own:
            await reader.aclose()
    if not page.text.strip():
        raise InputError(f"the page at {url} has no readable text")
    language = detect_language(page.text) if lang == "auto" else lang
    fmt = "pdf" if page.pages else "html"
    return InputDocument(
        text=page.text,
        language=language,  # type: ignore[arg-type]
        origin=url,
        format=fmt,  # type: ignore[arg-type]
        title=page.source.title,
    )


__all__ = ["build_sources", "read_url_input"]
