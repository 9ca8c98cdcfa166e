"""Crash and resume: a run that stops midway is finished by ``aresume`` / ``veracity resume``
with the same report a clean run gives, without judging a settled claim again or sending a
search twice.

* In-process: the progress callback raises a ``BaseException`` after the third settled claim
  (the run is recorded ``failed``), then :func:`veracity.resume.aresume` finishes it.
* A real ``veracity check`` subprocess is killed with SIGKILL once some verdicts are stored
  (the run stays ``running``), then ``veracity resume`` finishes it.
* The store's search cache: warm re-runs send nothing; the cache honours the result limit.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import veracity
from conftest import EXAMPLE_CORPUS, REPO
from search_kit import SearxStandIn
from veracity.cli import main
from veracity.config import Settings
from veracity.errors import RunNotFound
from veracity.events import Event
from veracity.pipeline import acheck
from veracity.resume import aresume
from veracity.run.session import RunSession
from veracity.run.tools import Shared
from veracity.store import SCHEMA_VERSION, Store
from veracity.types import Claim, Document, Report, SearchResult, Source, SourceKind

CLAIMS = [
    ("bristol", "Jack Rae studied at the University of Bristol."),
    ("gopher", "Gopher is a language model with 280 billion parameters."),
    ("turing", "Jack Rae won the Turing Award in 2019."),
    ("deepmind", "Jack Rae worked at DeepMind on the Gopher language model."),
    ("meta", "Jack Rae joined Meta Superintelligence Labs."),
    ("chinchilla", "Chinchilla was trained on 1.4 trillion tokens."),
]

PAGES = {
    "https://web.example.org/rae": Document(
        source=Source(url="https://web.example.org/rae", title="Jack Rae, researcher",
                      kind=SourceKind.NEWS, language="en", provider="fakeweb"),
        text=(
            "Jack Rae is a machine learning researcher. He led the team behind Gopher at "
            "DeepMind. In 2025 Jack Rae joined Meta Superintelligence Labs as a principal "
            "researcher. He never won the Turing Award."
        ),
    ),
    "https://web.example.org/chinchilla": Document(
        source=Source(url="https://web.example.org/chinchilla", title="Chinchilla",
                      kind=SourceKind.NEWS, language="en", provider="fakeweb"),
        text="Chinchilla is a 70 billion parameter model trained on 1.4 trillion tokens.",
    ),
}


class Crash(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing in the run catches it."""


class FakeWeb:
    """A web search backend that answers every query with the same two pages and logs calls."""

    name = "fakeweb"

    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        self.log.append(query)
        await asyncio.sleep(0.01)
        return [
            SearchResult(url=url, title=doc.source.title, provider=self.name, rank=i)
            for i, (url, doc) in enumerate(PAGES.items())
        ][:limit]


class FakeReader:
    """Serves :data:`PAGES`; counts fetches."""

    def __init__(self) -> None:
        self.fetched: list[str] = []

    async def fetch(self, url: str) -> Document:
        self.fetched.append(url)
        return PAGES[url].model_copy(deep=True)

    async def aclose(self) -> None:
        return None


def _claims_file(path: Path) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "claim": c}) + "\n" for i, c in CLAIMS), encoding="utf-8"
    )
    return path


def rows(report: Report) -> list[tuple[Any, ...]]:
    """What must be equal between a resumed and a clean run: everything but ids and timings."""
    return [
        (
            c.id, c.text, c.verdict.label, c.verdict.confidence, c.verdict.rationale,
            [(e.quote, e.stance, e.source.url, e.source.title, e.page) for e in c.evidence],
        )
        for c in report.claims
    ]


async def _check(path: Path, settings: Settings, embedder: Any, log: list[str], reader: FakeReader,
                 progress: Any = None) -> Report:
    return await acheck(
        path, claims=True, corpus=[EXAMPLE_CORPUS], settings=settings, progress=progress, concurrency=2,
        tools=Shared(embedder=embedder, providers=[FakeWeb(log)], reader=reader),
    )


@pytest.mark.parametrize(("event_type", "nth"), [("claim_settled", 3), ("query_sent", 5)],
                         ids=["while-judging", "while-searching"])
def test_crashed_run_resumes_to_the_clean_report(
    event_type: str, nth: int, tmp_path: Path, example_cache_dir: Path, use_embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _claims_file(tmp_path / "claims.jsonl")
    clean_log: list[str] = []
    clean = asyncio.run(_check(path, Settings(cache_dir=example_cache_dir, db_path=tmp_path / "clean.db"),
                               use_embedder, clean_log, FakeReader()))
    assert any(e.source.url in PAGES for c in clean.claims for e in c.evidence), "web pages unused"

    # the crash: the progress callback raises at the nth event of a kind (the third settled
    # claim, or the fifth search: the second web search, while claims are still searched)
    settings = Settings(cache_dir=example_cache_dir, db_path=tmp_path / "crash.db")
    log: list[str] = []
    seen: list[Event] = []

    def die(event: Event) -> None:
        if event.type == event_type:
            seen.append(event)
            if len(seen) == nth:
                raise Crash

    with pytest.raises(Crash):
        asyncio.run(_check(path, settings, use_embedder, log, FakeReader(), die))
    settled = [str(e.claim_id) for e in seen] if event_type == "claim_settled" else []
    with Store(settings.db_path) as store:
        (run,) = store.list_runs()
        assert run["status"] == "failed" and run["n_verdicts"] == len(settled)
        assert set(store.settled_claims(run["id"])) == set(settled)
        halfway = store.load_report(run["id"])
        answered = {s["query"] for s in store.searches(run["id"]) if s["provider"] == "fakeweb"}
    assert sum("had not finished" in c.verdict.rationale for c in halfway.claims) == 6 - len(settled)
    if event_type == "query_sent":
        assert 0 < len(log) < len(clean_log)

    # the resume judges only the unsettled claims and sends only the searches not yet sent
    judged: list[str] = []
    ranked = RunSession.ranked  # each claim judged is ranked first

    async def counting(self: RunSession, claim: Claim) -> Any:
        judged.append(claim.id)
        return await ranked(self, claim)

    monkeypatch.setattr(RunSession, "ranked", counting)
    resume_log: list[str] = []
    second_reader = FakeReader()
    events: list[Event] = []
    resumed = asyncio.run(aresume(
        run["id"], settings=settings, progress=events.append,
        tools=Shared(embedder=use_embedder, providers=[FakeWeb(resume_log)], reader=second_reader),
    ))
    assert sorted(judged) == sorted(i for i, _ in CLAIMS if i not in settled)
    if event_type == "claim_settled":  # every search was sent and every page read before
        assert resume_log == [] and second_reader.fetched == []
    assert len(second_reader.fetched) == len(set(second_reader.fetched))
    # a search whose answer was stored is never sent again; one still in flight when the
    # process died (the other worker's) has no answer to reuse, so the resume sends it once
    assert len(resume_log) == len(set(resume_log)) and not answered & set(resume_log)
    assert set(log) | set(resume_log) == set(clean_log) and len(set(log)) == len(log)

    assert rows(resumed) == rows(clean)
    assert resumed.run_id == run["id"]
    assert resumed.stats.searches == clean.stats.searches  # from the run's search log
    assert resumed.stats.documents == clean.stats.documents > 0
    assert Counter(e.claim_id for e in events if e.type == "claim_settled") == {i: 1 for i, _ in CLAIMS}
    with Store(settings.db_path) as store:
        assert store.get_run(run["id"])["status"] == "done"
        logged = [(s["provider"], s["query"]) for s in store.searches(run["id"])]
        assert len(logged) == len(set(logged))
        assert rows(store.load_report(run["id"])) == rows(clean)
    # resuming a finished run gives it back unchanged
    again = asyncio.run(aresume(run["id"], settings=settings, tools=Shared(embedder=use_embedder, providers=[])))
    assert rows(again) == rows(clean) and len(judged) == 6 - len(settled)


def test_warm_rerun_sends_no_search(tmp_path: Path, example_cache_dir: Path, use_embedder: Any) -> None:
    path = _claims_file(tmp_path / "claims.jsonl")
    settings = Settings(cache_dir=example_cache_dir, db_path=tmp_path / "db.sqlite")
    cold_log: list[str] = []
    cold = asyncio.run(_check(path, settings, use_embedder, cold_log, FakeReader()))
    warm_log: list[str] = []
    events: list[Event] = []
    warm = asyncio.run(_check(path, settings, use_embedder, warm_log, FakeReader(), events.append))
    assert len(cold_log) == len(CLAIMS) and warm_log == []
    assert rows(warm) == rows(cold)
    # cache hits are logged as such and not counted; only the (uncached) corpus lookups are
    assert warm.stats.searches == cold.stats.searches - len(CLAIMS)
    assert {e.provider for e in events if e.type == "query_sent"} == {"corpus"}
    with Store(settings.db_path) as store:
        log = store.searches(warm.run_id)
    assert {(s["provider"], s["cached"]) for s in log} == {("corpus", False), ("fakeweb", True)}


def test_search_cache_key_and_limit(tmp_path: Path) -> None:
    hits = [SearchResult(url=f"https://a.example/{i}", provider="p", rank=i) for i in range(5)]
    with Store(tmp_path / "db.sqlite") as store:
        assert store.cached_search("p", "Jack Rae") is None
        store.cache_search("p", "Jack  Rae", hits, lang="en", limit=5)
        assert store.cached_search("p", "jack rae", lang="en", limit=3) == hits[:3]
        assert store.cached_search("p", "jack rae", lang="zh") is None  # another language
        assert store.cached_search("q", "jack rae", lang="en") is None  # another provider
        assert store.cached_search("p", "jack rae", lang="en", limit=10) is None  # may be cut short
        store.cache_search("p", "short", hits[:2], limit=5)  # fewer than asked: complete
        assert store.cached_search("p", "short", limit=10) == hits[:2]
        assert store.cache_get("p", "missing") is None


def test_resume_unknown_run(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    with pytest.raises(RunNotFound):
        asyncio.run(aresume("no-such-run", settings=Settings(db_path=db)))
    result = CliRunner().invoke(main, ["resume", "no-such-run", "--db", str(db), "-q"])
    assert result.exit_code == 2
    assert "no run with id" in result.output
    with Store(db) as store:
        assert SCHEMA_VERSION == 9  # 9: verdicts keep their rationale parts
        assert store.list_runs() == []
    assert veracity.aresume is aresume


# --- a real process, killed ------------------------------------------------------------------

_SCRIPT = Path(sys.executable).with_name("veracity")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "veracity.cli"]


def _pause_then_nothing(query: str) -> list[str]:
    time.sleep(0.05)  # the search takes a moment, so the kill lands mid-run
    return []


@pytest.fixture
def searx() -> Iterator[tuple[str, list[str]]]:
    """A SearXNG stand-in: a short pause, then no results; every query is remembered."""
    with SearxStandIn(_pause_then_nothing) as web:
        yield web.url, web.queries


def _env(cache: Path, searx_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("VERACITY_") and "proxy" not in k.lower()}
    env.update(VERACITY_CACHE_DIR=str(cache), VERACITY_SEARXNG_URL=searx_url,
               VERACITY_DB_PATH=str(cache / "default.sqlite"), PYTHONIOENCODING="utf-8")
    return env


def _check_args(db: Path) -> list[str]:
    return [*COMMAND, "check", "examples/jack-rae/profile.md", "--corpus", "examples/jack-rae/corpus",
            "--db", str(db), "--provider", "searxng", "--allow-host", "127.0.0.1", "-q"]


def _verdicts(db: Path) -> tuple[int, int]:
    """(verdicts stored, claims stored), read-only; (0, 0) before the tables exist."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return (conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0],
                    conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0])
    except sqlite3.Error:
        return 0, 0


def _json_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (c["id"], c["verdict"]["label"], c["verdict"]["rationale"],
         [(e["quote"], e["stance"], e["source"]["url"]) for e in c["evidence"]])
        for c in data["claims"]
    ]


@pytest.mark.slow  # the real command in a subprocess, end to end
def test_killed_cli_run_resumes(tmp_path: Path, searx: tuple[str, list[str]]) -> None:
    url, queries = searx
    env = _env(tmp_path / "cache", url)
    # a clean run on its own store (it also builds the corpus index the next run reuses)
    clean_out = tmp_path / "clean.json"
    clean = subprocess.run([*_check_args(tmp_path / "clean.db"), "--format", "json", "-o", str(clean_out)],
                           cwd=REPO, env=env, capture_output=True, timeout=180, check=False)
    assert clean.returncode == 0, clean.stderr.decode()
    clean_queries = list(queries)
    queries.clear()

    db = tmp_path / "run.db"
    proc = subprocess.Popen(_check_args(db), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while True:
            done, total = _verdicts(db)
            if 0 < done < total:
                os.kill(proc.pid, signal.SIGKILL)
                break
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no verdict within two minutes"
            time.sleep(0.01)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    sent_before = list(queries)
    with Store(db) as store:
        (run,) = store.list_runs()
        assert run["status"] == "running" and 0 < run["n_verdicts"] < run["n_claims"]

    out = tmp_path / "resumed.json"
    resumed = subprocess.run([*COMMAND, "resume", run["id"], "--db", str(db), "--format", "json", "-o", str(out)],
                             cwd=REPO, env=env, capture_output=True, timeout=180, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"运行 {run['id']} 续跑完成" in resumed.stderr.decode()  # the Chinese profile's closing line

    got = json.loads(out.read_text(encoding="utf-8"))
    want = json.loads(clean_out.read_text(encoding="utf-8"))
    assert got["run_id"] == run["id"]
    assert _json_rows(got) == _json_rows(want)
    assert got["summary"] == want["summary"]
    assert got["stats"]["searches"] == want["stats"]["searches"]
    # no query went to SearXNG twice, and together the two attempts sent what a clean run sends
    assert len(queries) == len(set(queries)) and sorted(queries) == sorted(clean_queries)
    assert queries[: len(sent_before)] == sent_before
    with Store(db) as store:
        assert store.get_run(run["id"])["status"] == "done"
        log = [(s["provider"], s["query"]) for s in store.searches(run["id"]) if not s["cached"]]
    assert len(log) == len(set(log))
    assert {p for p, _ in log} == {"corpus", "searxng"}
