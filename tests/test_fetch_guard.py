"""The SSRF guard comes before every fetch cache.

A page fetched while its host was allow-listed stays in the cache (memory or the store's); a
later read of that URL *without* the allow-list must be refused just as an uncached read is,
with the same error: through the reader's own cache (``--offline`` too), through the pipeline's
``Run._read`` with ``reuse_fetches`` (a resumed run), through ``read_url_input`` and through
``veracity check URL`` twice with the same ``--db``. All against a real HTTP server on
127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from veracity.config import Settings
from veracity.errors import BlockedURL, FetchError, InputError
from veracity.reader.cache import StoreFetchCache
from veracity.reader.fetch import MemoryFetchCache, Reader
from veracity.run.session import RunSession
from veracity.sources import read_url_input
from veracity.store import Store
from veracity.testing.http import send, serve_http
from veracity.types import Document, Source

SECRET = "Internal admin page: the deploy key rotates every Tuesday at noon."
PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Internal admin</title>'
    f"</head><body><article><h1>Internal admin</h1><p>{SECRET}</p>"
    "<p>Ada Quill joined the Lumen Institute in 2015 as a research scientist.</p>"
    "</article></body></html>"
).encode()


class Local:
    def __init__(self, base: str, hits: Counter[str]) -> None:
        self.base = base
        self.hits = hits
        self.hostport = base.removeprefix("http://")

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def local() -> Iterator[Local]:
    hits: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            send(self, 200, "text/html; charset=utf-8", PAGE)

        def log_message(self, *args: Any) -> None:
            return None

    with serve_http(Handler) as base:
        yield Local(base, hits)


def _fetch(url: str, **kwargs: Any) -> Document:
    async def go() -> Document:
        async with Reader(attempts=1, **kwargs) as reader:
            return await reader.fetch(url)

    return asyncio.run(go())


def _refusal(url: str, **kwargs: Any) -> str:
    with pytest.raises(BlockedURL) as info:
        _fetch(url, **kwargs)
    return str(info.value)


# --- the reader's own cache -------------------------------------------------------------------


def test_cached_page_is_refused_once_the_host_is_no_longer_allowed(local: Local) -> None:
    url = local.url("/admin")
    cache = MemoryFetchCache()
    doc = _fetch(url, allow=[local.hostport], cache=cache)
    assert SECRET in doc.text and local.hits["/admin"] == 1 and url in cache

    uncached = _refusal(local.url("/other"))  # the error of a URL never fetched
    assert uncached == f"GET {local.url('/other')}: 127.0.0.1 is a non-public address"
    cached = _refusal(url, cache=cache)
    assert cached == f"GET {url}: 127.0.0.1 is a non-public address"
    assert _refusal(url, cache=cache, offline=True) == cached  # --offline is no way round it
    assert local.hits["/admin"] == 1 and local.hits["/other"] == 0  # nothing was sent

    # still allowed: served from the cache, without a request
    again = _fetch(url, allow=[local.hostport], cache=cache)
    assert again.text == doc.text and local.hits["/admin"] == 1
    # an allow-list for another port does not cover it
    other_port = "127.0.0.1:1" if not local.hostport.endswith(":1") else "127.0.0.1:2"
    assert _refusal(url, allow=[other_port], cache=cache) == cached


def test_store_cache_is_guarded_too(local: Local, tmp_path: Path) -> None:
    url = local.url("/admin")
    with Store(tmp_path / "s.sqlite") as store:
        _fetch(url, allow=["127.0.0.1"], cache=StoreFetchCache(store))
        assert store.cached_fetch(url) is not None
        msg = _refusal(url, cache=StoreFetchCache(store))
        assert msg == f"GET {url}: 127.0.0.1 is a non-public address"
    assert local.hits["/admin"] == 1


def test_scheme_and_credentials_are_checked_before_the_cache() -> None:
    cache = MemoryFetchCache()
    for url in ("file:///etc/passwd", "https://user:pw@example.com/x", "http://10.0.0.7/x"):
        cache.put(url, Document(source=Source(url=url), text="cached secret"))
        with pytest.raises(BlockedURL, match=f"^GET {url}: "):
            _fetch(url, cache=cache)
        with pytest.raises(BlockedURL):
            _fetch(url, cache=cache, offline=True)


def test_names_are_resolved_before_the_cache_and_unresolvable_ones_replay() -> None:
    """A name resolving to a private address is refused from the cache; one that cannot be
    resolved at all (an offline replay without DNS) is served, as no non-public address
    was found."""
    cache = MemoryFetchCache()
    internal, public = "http://intranet.example/x", "https://news.example.org/a"
    for url in (internal, public):
        cache.put(url, Document(source=Source(url=url), text="cached"))

    def resolver(host: str) -> list[str]:
        if host == "intranet.example":
            return ["10.1.2.3"]
        raise FetchError(f"cannot resolve host {host}: no DNS")

    msg = _refusal(internal, cache=cache, offline=True, resolver=resolver)
    assert msg == f"GET {internal}: intranet.example resolves to a non-public address (10.1.2.3)"
    assert _fetch(public, cache=cache, offline=True, resolver=resolver).text == "cached"
    allowed = _fetch(internal, cache=cache, offline=True, resolver=resolver, allow=["10.0.0.0/8"])
    assert allowed.text == "cached"


# --- the pipeline's reads ---------------------------------------------------------------------


def _run(store: Store, reader: Reader, *, reuse: bool) -> RunSession:
    return RunSession(
        run_id="r1", store=store, providers=[], corpus=None, embedder=None,  # type: ignore[arg-type]
        judge=None, settings=Settings(), lang="en", progress=None,  # type: ignore[arg-type]
        reader=reader, reuse_fetches=reuse,
    )


def test_run_read_checks_the_guard_before_the_store_cache(local: Local, tmp_path: Path) -> None:
    url = local.url("/admin")

    async def go(store: Store) -> tuple[Any, ...]:
        async with Reader(allow=["127.0.0.1"], attempts=1) as allowed:
            first = await _run(store, allowed, reuse=False).read(url)  # fetched and recorded
            warm_run = _run(store, allowed, reuse=True)
            warm = await warm_run.read(url)  # from the store, no request
        async with Reader(attempts=1) as guarded:
            cold_run = _run(store, guarded, reuse=False)  # asks the reader (uncached)
            cold = await cold_run.read(local.url("/other"))
            reused_run = _run(store, guarded, reuse=True)  # the store's cache first
            reused = await reused_run.read(url)
        return first, warm, warm_run, cold, cold_run, reused, reused_run

    with Store(tmp_path / "s.sqlite") as store:
        first, warm, warm_run, cold, cold_run, reused, reused_run = asyncio.run(go(store))
        assert first is not None and SECRET in first.text
        assert warm is not None and warm.text == first.text and warm_run.stats.fetches == 0
        assert cold is None and reused is None
        assert cold_run.stats.fetch_failures == [
            f"{local.url('/other')}: GET {local.url('/other')}: 127.0.0.1 is a non-public address"
        ]
        assert reused_run.stats.fetch_failures == [f"{url}: GET {url}: 127.0.0.1 is a non-public address"]
        assert url not in reused_run.documents
    assert local.hits["/admin"] == 1 and local.hits["/other"] == 0


def test_url_input_is_refused_from_the_cache(local: Local, tmp_path: Path) -> None:
    url = local.url("/admin")

    async def read(store: Store, allow: list[str]) -> Any:
        async with Reader(allow=allow, cache=StoreFetchCache(store), attempts=1) as reader:
            return await read_url_input(url, reader=reader)

    with Store(tmp_path / "s.sqlite") as store:
        doc = asyncio.run(read(store, ["127.0.0.1"]))
        assert SECRET in doc.text
        with pytest.raises(InputError) as info:
            asyncio.run(read(store, []))
    assert str(info.value) == f"cannot read input URL: GET {url}: 127.0.0.1 is a non-public address"
    assert local.hits["/admin"] == 1


# --- the command line -------------------------------------------------------------------------


def test_cli_check_url_twice_with_the_same_db(local: Local, tmp_path: Path) -> None:
    from veracity.cli import main

    url = local.url("/admin")
    db = str(tmp_path / "s.sqlite")
    env = {"VERACITY_CACHE_DIR": str(tmp_path / "cache"), "VERACITY_LLM_BASE_URL": ""}

    def check(*extra: str, target: str = url) -> Any:
        return CliRunner().invoke(main, ["check", target, "--db", db, "-q", "--no-llm", *extra], env=env)

    first = check("--allow-host", local.hostport)
    assert first.exit_code == 0, first.output
    assert local.hits["/admin"] == 1

    uncached = check(target=local.url("/other"))
    second = check()
    offline = check("--offline")
    for res in (uncached, second, offline):
        assert res.exit_code == 2, res.output
        assert SECRET not in res.output and "Ada Quill" not in res.output
        assert "Traceback" not in res.output
    expected = "veracity: error: cannot read input URL: GET {}: 127.0.0.1 is a non-public address"
    assert uncached.output.strip() == expected.format(local.url("/other"))
    assert second.output.strip() == expected.format(url)
    assert offline.output.strip() == expected.format(url)
    assert local.hits["/admin"] == 1 and local.hits["/other"] == 0
