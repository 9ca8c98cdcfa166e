"""A provider whose host cannot be reached is given up for the rest of the run.

* the retry policy spends at most one extra attempt on a connection that cannot be made, and
  none on a host name that does not resolve; an HTTP error is not a connection failure;
* the run's circuit breaker opens after three connection failures in a row: the provider is
  not asked again (searches and identity look-ups), calls already waiting give up, one warning
  event names it, and its coverage says ``failed``;
* end to end, against dead ports on 127.0.0.1: the report's coverage names the providers as
  failed and the claims' notes carry the error once, without a doubled prefix.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from search_kit import EMPTY, fast_retry, make, route, run
from veracity.config import Settings
from veracity.errors import ProviderError, ProviderUnreachable
from veracity.events import Event
from veracity.pipeline import acheck
from veracity.run.tools import Shared
from veracity.search._http import RetryPolicy
from veracity.search.coverage import GuardedProvider, SourceLedger, failure_line
from veracity.search.openalex import OpenAlexProvider
from veracity.search.settings import SearchSettings
from veracity.search.wikipedia import WikipediaProvider
from veracity.store import Store
from veracity.types import InputDocument, SearchResult

# --- the retry policy ----------------------------------------------------------------------------


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def unresolved(request: httpx.Request) -> httpx.Response:
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as err:
        raise httpx.ConnectError(str(err), request=request) from err


def test_a_refused_connection_is_retried_once_not_every_retry() -> None:
    policy, sleeps = fast_retry(attempts=4)
    provider, recorder = make("openalex", refused, retry=policy)
    with pytest.raises(ProviderUnreachable) as info:
        run(provider.search("Jack Rae"))
    assert len(recorder.requests) == 2 and sleeps.waits == [0.5]
    message = str(info.value)
    assert message.startswith("openalex: could not connect (ConnectError: [Errno 111] Connection refused)")
    assert "after 2 attempt(s)" in message and "Jack" not in message  # the query stays private


def test_a_host_that_does_not_resolve_is_not_retried() -> None:
    policy, sleeps = fast_retry(attempts=4)
    provider, recorder = make("crossref", unresolved, retry=policy)
    with pytest.raises(ProviderUnreachable, match="Name or service not known"):
        run(provider.search("Jack Rae"))
    assert len(recorder.requests) == 1 and sleeps.waits == []


def test_a_connect_timeout_is_unreachable_and_a_read_timeout_is_not() -> None:
    def connect_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    def read_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    provider, recorder = make("dblp", connect_timeout, retry=fast_retry(attempts=4)[0])
    with pytest.raises(ProviderUnreachable, match="could not connect"):
        run(provider.search("Jack Rae"))
    assert len(recorder.requests) == 2
    provider, recorder = make("dblp", read_timeout, retry=fast_retry(attempts=4)[0])
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    assert not isinstance(info.value, ProviderUnreachable)
    assert len(recorder.requests) == 4  # a slow answer gets every retry


def test_http_errors_are_not_connection_failures() -> None:
    provider, _ = make("openalex", lambda r: httpx.Response(503, text="down"), retry=fast_retry(attempts=2)[0])
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    assert not isinstance(info.value, ProviderUnreachable)
    provider, _ = make("openalex", lambda r: httpx.Response(400, json={"error": "bad query"}))
    with pytest.raises(ProviderError) as info:
        run(provider.search("Jack Rae"))
    assert not isinstance(info.value, ProviderUnreachable)


def test_one_connect_attempt_means_no_retry_of_a_refused_connection() -> None:
    policy = RetryPolicy(attempts=4, backoff=0.0, sleep=fast_retry()[1])
    provider, recorder = make("openalex", refused, retry=policy)
    provider.connect_attempts = 1
    with pytest.raises(ProviderUnreachable, match=r"after 1 attempt\(s\)"):
        run(provider.search("Jack Rae"))
    assert len(recorder.requests) == 1


# --- the breaker -----------------------------------------------------------------------------------


class Fake:
    """A provider that fails as told (``error``) or answers one hit; counts its calls."""

    def __init__(self, name: str = "fake", error: Exception | None = None) -> None:
        self.name = name
        self.error = error
        self.calls: list[str] = []

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        self.calls.append(f"search {query}")
        if self.error is not None:
            raise self.error
        return [SearchResult(url=f"https://example.org/{len(self.calls)}", provider=self.name)]

    async def works(self, query: str, *, limit: int = 10) -> list[Any]:
        self.calls.append(f"works {query}")
        if self.error is not None:
            raise self.error
        return []


def test_breaker_opens_after_three_connection_failures_and_says_so_once() -> None:
    events: list[Event] = []
    ledger = SourceLedger(progress=events.append, run_id="r1")
    fake = Fake(error=ProviderUnreachable("fake: could not connect (refused)"))
    ledger.add("fake", "scholarly")
    guarded = GuardedProvider(fake, ledger)

    async def go() -> None:
        for i in range(3):
            with pytest.raises(ProviderUnreachable, match="could not connect"):
                await guarded.search(f"q{i}")
        for i in range(5):  # searches and identity look-ups alike are refused without a call
            with pytest.raises(ProviderUnreachable, match="not asked"):
                await guarded.search(f"later {i}")
            with pytest.raises(ProviderUnreachable, match="not asked"):
                await guarded.works(f"title {i}")

    asyncio.run(go())
    assert fake.calls == ["search q0", "search q1", "search q2"]
    assert ledger.is_open("fake")
    assert [(e.type, e.provider, e.run_id) for e in events] == [("warning", "fake", "r1")]
    assert events[0].message is not None and "not asked again" in events[0].message
    (row,) = ledger.sources()
    assert (row.kind, row.queries, row.results, row.errors, row.status) == ("scholarly", 3, 0, 3, "failed")
    assert row.error == "fake: could not connect (refused)"


def test_answers_and_http_errors_reset_the_count() -> None:
    ledger = SourceLedger()
    down = ProviderUnreachable("p: could not connect (refused)")
    for err in (down, down, ProviderError("p: HTTP 500 from x"), down, down):
        ledger.failed("p", err)
    assert not ledger.is_open("p")
    ledger.answered("p", 4)
    ledger.failed("p", down)
    ledger.failed("p", down)
    assert not ledger.is_open("p")
    (row,) = ledger.sources()
    assert (row.queries, row.results, row.errors, row.status) == (8, 4, 7, "degraded")
    assert row.error == "p: could not connect (refused)"  # the first error
    ledger.failed("p", down)
    assert ledger.is_open("p") and ledger.sources()[0].status == "failed"


def test_a_call_waiting_when_the_breaker_opens_gives_up() -> None:
    ledger = SourceLedger(threshold=2)
    release = asyncio.Event()

    async def slow() -> list[int]:
        await release.wait()  # e.g. its rate-limit slot, seconds away
        return [1]

    async def down() -> list[int]:
        raise ProviderUnreachable("p: could not connect (refused)")

    async def go() -> None:
        waiting = asyncio.ensure_future(ledger.ask("p", slow))
        await asyncio.sleep(0)
        for _ in range(2):
            with pytest.raises(ProviderUnreachable):
                await ledger.ask("p", down)
        with pytest.raises(ProviderUnreachable, match="not asked"):
            await asyncio.wait_for(waiting, timeout=5)  # generous: it returns at once

    asyncio.run(go())
    (row,) = ledger.sources()
    assert (row.queries, row.errors) == (2, 2)  # the call given up is not counted


def test_failure_line_never_doubles_the_provider_name() -> None:
    assert failure_line("wikipedia", ProviderError("wikipedia: network down")) == "wikipedia: network down"
    assert failure_line("wikipedia", ValueError("bad")) == "wikipedia: ValueError: bad"
    assert failure_line("corpus", "two\nlines") == "corpus: two lines"


# --- end to end: dead ports on 127.0.0.1 ------------------------------------------------------------


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CORPUS = {
    "rae.md": "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied at the University of Bristol.\n",
    "gopher.md": "# Gopher\n\nurl: https://example.org/gopher\n\nGopher has 280 billion parameters.\n",
}
CLAIMS = [
    "Jack Rae studied at the University of Bristol.",
    "Gopher has 280 billion parameters.",
    "Jack Rae wrote Scaling Language Models Methods Analysis.",
    "Jack Rae worked at DeepMind in London.",
    "Jack Rae worked at OpenAI in 2023.",
    "Jack Rae joined Meta in 2025.",
    "Jack Rae was born in England.",
]


def test_unreachable_providers_are_given_up_and_named_in_the_coverage(tmp_path: Path, use_embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    search = SearchSettings(
        _env_file=None,  # type: ignore[call-arg]
        wikipedia_url=f"http://127.0.0.1:{dead_port()}/w/api.php",
        openalex_url=f"http://127.0.0.1:{dead_port()}",
    )
    policy, sleeps = fast_retry(attempts=4)
    providers = [WikipediaProvider(search, retry=policy), OpenAlexProvider(search, retry=policy)]
    settings = Settings(db_path=tmp_path / "db.sqlite", cache_dir=tmp_path / "cache", llm_base_url=None)
    doc = InputDocument(text=" ".join(CLAIMS), language="en", origin="test", format="txt")
    events: list[Event] = []

    async def go() -> Any:
        try:
            return await acheck(
                doc, corpus=[corpus], settings=settings, progress=events.append, concurrency=1,
                tools=Shared(providers=providers, embedder=use_embedder),
            )
        finally:
            for p in providers:
                await p.aclose()

    report = asyncio.run(go())
    assert len(report.claims) == len(CLAIMS)
    assert report.coverage is not None
    by_name = {s.name: s for s in report.coverage.sources}
    assert list(by_name) == ["corpus", "wikipedia", "openalex"]
    assert by_name["corpus"].kind == "corpus" and by_name["corpus"].status == "ok"
    assert by_name["corpus"].queries == len(CLAIMS) and by_name["corpus"].results > 0
    for name, kind in (("wikipedia", "reference"), ("openalex", "scholarly")):
        row = by_name[name]
        assert (row.kind, row.status, row.results) == (kind, "failed", 0)
        assert row.queries == row.errors == 3  # one claim at a time: exactly the threshold
        assert row.error is not None and row.error.startswith(f"{name}: could not connect (ConnectError")
    assert len(sleeps.waits) == 6  # one retry for each of the 3 + 3 failed queries, no more

    # one warning per provider; no search is sent to a provider after its breaker opened
    warned = [e for e in events if e.type == "warning" and e.provider]
    assert sorted(e.provider or "" for e in warned) == ["openalex", "wikipedia"]
    for e in warned:
        after = events[events.index(e) + 1:]
        assert not any(x.type == "query_sent" and x.provider == e.provider for x in after)
    sent = [e for e in events if e.type == "query_sent"]
    assert report.stats.searches == len(sent)

    notes = " ".join(c.verdict.rationale for c in report.claims)
    assert "wikipedia: wikipedia:" not in notes and "openalex: openalex:" not in notes
    assert "wikipedia: not asked (unreachable earlier in this run)" in notes

    # the coverage is kept with the run: the stored report gives it back
    with Store(settings.db_path) as store:
        assert store.load_report(report.run_id).coverage == report.coverage


def test_guarded_providers_count_answers_and_empty_answers() -> None:
    """The mock routes still answer through a guarded provider, counted as answers."""
    ledger = SourceLedger()
    provider, _ = make("openalex", route("openalex"))
    guarded = GuardedProvider(provider, ledger)
    assert run(guarded.search("Jack Rae", limit=3))
    empty, _ = make("arxiv", lambda r: EMPTY["arxiv"]())
    assert run(GuardedProvider(empty, ledger).search("nothing")) == []
    rows = {s.name: s for s in ledger.sources()}
    assert rows["openalex"].queries == 1 and rows["openalex"].results > 0 and rows["openalex"].status == "ok"
    assert rows["arxiv"].queries == 1 and rows["arxiv"].results == 0 and rows["arxiv"].status == "ok"
