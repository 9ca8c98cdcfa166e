"""Batch mode in one process: documents in, reports and summary.json out, jobs resumable.

The documents are checked against a small corpus, by the research agent with the scripted model
in process (``veracity.testing.scripted_model.scripted_chat``) or, where the model is beside
the point, by the offline judge. Rate limits are tested with a fake clock, and in a real batch
through a fake provider.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import settings_for, write_tree
from veracity.batch.cli import batch as batch_cmd
from veracity.batch.inputs import discover, output_names, safe_name
from veracity.batch.runner import Batch, BatchEvent, BatchOptions, BatchSummary, run_local
from veracity.config import Settings
from veracity.errors import ConfigError, InputError
from veracity.events import Event
from veracity.llm.fake import FakeChat
from veracity.pipeline import acheck
from veracity.run.tools import Shared
from veracity.search.identity import WorkSource
from veracity.search.ratelimit import (
    DEFAULT_RATES,
    RateLimitedProvider,
    TokenBucketLimiter,
    describe_rate,
    parse_rate,
    parse_rate_option,
    resolve_rates,
)
from veracity.store import Store
from veracity.testing.scripted_model import scripted_chat, scripted_llm
from veracity.types import Label, SearchResult

PAGES = {
    "rae.md": (
        "# Jack Rae\n\nurl: https://example.org/rae\n\nJack Rae studied computer science at the "
        "University of Bristol. He later worked at DeepMind on large language models.\n"
    ),
    "gopher.md": (
        "# Gopher\n\nurl: https://example.org/gopher\n\nGopher is a language model with 280 "
        "billion parameters, described by DeepMind in 2021.\n"
    ),
    "chinchilla.md": (
        "# Chinchilla\n\nurl: https://example.org/chinchilla\n\nChinchilla is a language model with "
        "70 billion parameters, trained on 1.4 trillion tokens.\n"
    ),
}
DOCS = {
    "a.txt": "Jack Rae studied computer science at the University of Bristol. Jack Rae won the Turing Award in 2019.",
    "sub/b.md": "# Models\n\nGopher is a language model with 280 billion parameters.\n",
    "sub/deeper/c.txt": "Chinchilla is a language model with 70 billion parameters. Jack Rae worked at DeepMind.",
}


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "corpus", PAGES)


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "docs", DOCS)
    (root / "notes.json").write_text("{}", encoding="utf-8")  # not a document: ignored
    (root / ".hidden.txt").write_text("Hidden text.", encoding="utf-8")  # hidden: ignored
    return root


@pytest.fixture
def chat() -> FakeChat:
    """The scripted model, answering in process."""
    return scripted_chat()


def run(options: BatchOptions, settings: Settings, embedder: Any, events: list[BatchEvent] | None = None) -> BatchSummary:
    return asyncio.run(run_local(options, settings, embedder=embedder,
                                 progress=events.append if events is not None else None))


def table(settings: Settings, out: Path) -> tuple[dict[str, int], list[Any]]:
    with Store(settings.db_path) as store:
        batch = str(out.resolve())
        return store.job_counts(kind="batch", batch=batch), store.list_jobs(kind="batch", batch=batch)


def n_runs(settings: Settings) -> int:
    with Store(settings.db_path) as store:
        return len(store.list_runs(limit=10_000))


# --- a folder, with the research agent ----------------------------------------------------------


def test_folder_batch_writes_reports_and_a_summary_that_matches_the_job_table(
    tmp_path: Path, docs_dir: Path, corpus_dir: Path, chat: FakeChat, use_embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import veracity.llm

    built: list[Any] = []

    def counting_build(settings: Settings) -> Any:  # the batch's client: the scripted model
        built.append(settings)
        return scripted_llm(settings, chat)

    monkeypatch.setattr(veracity.llm, "build_llm", counting_build)
    settings = settings_for(tmp_path)
    out = tmp_path / "out"
    options = BatchOptions(input=docs_dir, out_dir=out, corpus=[corpus_dir], concurrency=3)
    events: list[BatchEvent] = []
    summary = run(options, settings, use_embedder, events)

    # one file per document and format, named after the key; the summary beside them
    names = {"a.txt", "sub__b.md", "sub__deeper__c.txt"}
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        [f"{n}.{ext}" for n in names for ext in ("json", "md")] + ["summary.csv", "summary.json"])
    reports = {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8")) for n in names}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary.model_dump(mode="json")
    assert "# " in (out / "a.txt.md").read_text(encoding="utf-8")

    # the summary's figures are the reports' and the job table's
    claims = sum(len(r["claims"]) for r in reports.values())
    assert summary.documents_total == summary.done == 3 and summary.failed == 0 and summary.checked == 3
    assert summary.claims == summary.claims_checked == claims == 5
    assert sum(summary.verdicts.values()) == claims
    labels = [c["verdict"]["label"] for r in reports.values() for c in r["claims"]]
    assert all(label in {lab.value for lab in Label} for label in labels)
    assert not any("had not finished" in c["verdict"]["rationale"] for r in reports.values() for c in r["claims"])
    assert summary.verdicts["true"] + summary.verdicts["mostly_true"] >= 3  # the corpus states them
    assert summary.llm_calls == len(chat.requests) > 0 and summary.tokens > 0
    assert summary.claims_per_second > 0 and summary.seconds > 0
    counts, jobs = table(settings, out)
    assert counts == {"queued": 0, "running": 0, "done": summary.done, "failed": summary.failed}
    assert {j.key for j in jobs} == set(DOCS)
    with Store(settings.db_path) as store:
        for job in jobs:
            assert job.run_id and store.get_run(job.run_id)["status"] == "done"
            assert job.result is not None and job.result["claims"] == len(reports[output_names([job.key])[job.key]]["claims"])
    # one LLM client for the whole batch; the progress view heard of every document
    assert len(built) == 1
    assert events[0].type == "planned" and events[0].total == 3
    assert sorted(e.key or "" for e in events if e.type == "done") == sorted(DOCS)
    assert sum(e.type == "claim" for e in events) == claims

    # the same command again: nothing is checked, no model request, no new run
    requests, runs = len(chat.requests), n_runs(settings)
    again = run(options, settings, use_embedder)
    assert len(chat.requests) == requests and n_runs(settings) == runs
    assert again.skipped == 3 and again.checked == 0 and again.done == 3 and again.claims == claims

    # a missing output file is written again from the store, still without a model request
    (out / "a.txt.md").unlink()
    third = run(options.model_copy(update={"formats": ["md", "html"]}), settings, use_embedder)
    assert (out / "a.txt.md").exists() and all((out / f"{n}.html").exists() for n in names)
    assert len(chat.requests) == requests and n_runs(settings) == runs and third.done == 3


# --- JSONL, bad lines, retries, the CLI ---------------------------------------------------------


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_A = json.dumps({"id": "a", "text": "Jack Rae studied computer science at the University of Bristol."})
CLAIMS_C = json.dumps({"id": 7, "title": "Models", "url": "https://example.org/list",
                       "claims": ["Gopher is a language model with 280 billion parameters.",
                                  {"id": "k2", "claim": "Chinchilla was trained on 1.4 trillion tokens."}]})


def test_jsonl_batch_fails_bad_lines_alone_and_retries_them_once_fixed(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VERACITY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VERACITY_LLM_BASE_URL", raising=False)
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    src = _jsonl(tmp_path / "docs.jsonl", [
        GOOD_A,
        '{"id": "broken", "text": ',                         # line 2: not JSON → key "2"
        json.dumps({"id": "b", "text": "   "}),               # no text
        "",
        CLAIMS_C,
        json.dumps({"id": "a", "text": "A second a."}),       # duplicate id
    ])
    args = [str(src), "-o", str(out), "--corpus", str(corpus_dir), "--db", str(db), "--no-llm",
            "--format", "json,html"]
    result = CliRunner().invoke(batch_cmd, args)
    assert result.exit_code == 4, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["documents_total"], summary["done"], summary["failed"]) == (5, 2, 3)
    errors = {f["key"]: f["error"] for f in summary["failures"]}
    assert set(errors) == {"2", "b", "a~line6"}
    assert "not valid JSON" in errors["2"] and "text" in errors["b"] and "duplicate id 'a'" in errors["a~line6"]
    assert "3 failed" in result.output or "failed 2:" in result.output
    assert sorted(p.name for p in out.glob("*.json") if p.name != "summary.json") == ["7.json", "a.json"]
    claims_doc = json.loads((out / "7.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in claims_doc["claims"]] == ["c1", "k2"] and claims_doc["input"] == "https://example.org/list"
    assert summary["claims"] == 3 and sum(summary["verdicts"].values()) == 3
    settings = Settings(db_path=db)
    counts, _ = table(settings, out)
    assert counts["done"] == 2 and counts["failed"] == 3
    runs = n_runs(settings)

    # fix lines 2 and 3 (line 2 keeps its key: it has no id), drop the duplicate
    _jsonl(src, [
        GOOD_A,
        json.dumps({"text": "Gopher was described by DeepMind in 2021."}),
        json.dumps({"id": "b", "text": "Jack Rae worked at DeepMind.", "lang": "en"}),
        "",
        CLAIMS_C,
    ])
    again = CliRunner().invoke(batch_cmd, [*args, "-q"])
    assert again.exit_code == 0, again.output
    assert again.output == ""  # -q: nothing on stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["documents_total"], summary["done"], summary["failed"], summary["skipped"]) == (4, 4, 0, 2)
    assert n_runs(settings) == runs + 2  # only the two fixed lines were checked
    assert (out / "2.html").exists() and (out / "b.json").exists()

    # an edited document whose reports were deleted is checked anew (an unchanged one whose
    # reports were deleted is only written again, from the store)
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({"id": "a", "text": "Jack Rae worked at DeepMind on large language models."})
    _jsonl(src, lines)
    for name in ("a.json", "a.html", "b.json"):
        (out / name).unlink()
    third = CliRunner().invoke(batch_cmd, [*args, "-q"])
    assert third.exit_code == 0, third.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["checked"] == 1 and summary["skipped"] == 3 and n_runs(settings) == runs + 3
    assert "DeepMind" in json.loads((out / "a.json").read_text(encoding="utf-8"))["claims"][0]["text"]
    assert (out / "b.json").exists()


def test_cli_errors_are_one_line_with_exit_2(tmp_path: Path, docs_dir: Path) -> None:
    cases = [
        ([str(tmp_path / "missing"), "-o", str(tmp_path / "out")], "no such file or folder"),
        ([str(tmp_path / "empty"), "-o", str(tmp_path / "out2")], "no documents"),
        ([str(docs_dir), "-o", str(tmp_path / "out3"), "--rate", "wikipedia=fast"], "cannot read rate"),
        ([str(docs_dir), "-o", str(tmp_path / "out3"), "--rate", "wikipedai=5/s"], "unknown provider"),
        ([str(docs_dir), "-o", str(tmp_path / "out3"), "--provider", "nope", "-q"], "unknown search provider"),
        ([str(docs_dir), "-o", str(tmp_path / "out3"), "--corpus", str(tmp_path / "nocorpus")], "corpus folder not found"),
    ]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "data.bin").write_bytes(b"\0")
    for args, message in cases:
        result = CliRunner().invoke(batch_cmd, [*args, "--db", str(tmp_path / "db.sqlite")])
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert result.exit_code == 2, (args, result.output)
        assert len(lines) == 1 and lines[0].startswith("veracity: error:") and message in lines[0], result.output
    bad_format = CliRunner().invoke(batch_cmd, [str(docs_dir), "-o", str(tmp_path / "o"), "--format", "pdf"])
    assert bad_format.exit_code == 2 and "--format" in bad_format.output


def test_ray_missing_is_exit_2_with_the_install_hint(
    tmp_path: Path, docs_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = CliRunner().invoke(batch_cmd, [str(docs_dir), "-o", str(tmp_path / "out"), "--ray",
                                            "--db", str(tmp_path / "db.sqlite"), "-q"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "veracity: error: --ray needs the ray package, which is not installed: pip install 'veracity[ray]'"]


# --- resuming a killed batch ---------------------------------------------------------------------


class Crash(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing in the run catches it."""


def test_a_job_left_running_with_a_run_is_finished_by_resume(
    tmp_path: Path, corpus_dir: Path, use_embedder: Any,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = " ".join(f"Jack Rae studied computer science at the University of Bristol in {y}." for y in range(2001, 2006))
    (docs / "doc.txt").write_text(text, encoding="utf-8")
    settings = settings_for(tmp_path, llm_timeout=5.0)
    out = tmp_path / "out"

    # a batch that died while checking doc.txt: its job is running, linked to a stopped run
    seen: list[str] = []

    def die(event: Event) -> None:
        if event.type == "claim_settled":
            seen.append(str(event.claim_id))
            if len(seen) == 2:
                raise Crash

    with Store(settings.db_path) as store:
        with pytest.raises(Crash):
            asyncio.run(acheck(
                docs / "doc.txt", corpus=[corpus_dir], settings=settings, progress=die, concurrency=1,
                tools=Shared(store=store, embedder=use_embedder),
            ))
        (stopped,) = store.list_runs()
        assert 2 <= stopped["n_verdicts"] < stopped["n_claims"] == 5
        job = store.add_job("batch", {}, batch=str(out.resolve()), key="doc.txt")
        store.start_job(job.id)
        store.set_job_run(job.id, stopped["id"])

    summary = run(BatchOptions(input=docs, out_dir=out, corpus=[corpus_dir], concurrency=1), settings, use_embedder)
    assert summary.done == 1 and summary.claims == 5
    report = json.loads((out / "doc.txt.json").read_text(encoding="utf-8"))
    assert report["run_id"] == stopped["id"] and len(report["claims"]) == 5
    with Store(settings.db_path) as store:
        assert [r["id"] for r in store.list_runs()] == [stopped["id"]]  # finished, not started again
        assert store.get_run(stopped["id"])["status"] == "done"
        (job,) = store.list_jobs(kind="batch")
        assert job.status == "done" and job.run_id == stopped["id"] and job.attempts == 2

    # an edited document is checked afresh instead: the stopped run holds the old text
    (docs / "doc.txt").write_text(text + " Gopher has 280 billion parameters.", encoding="utf-8")
    with Store(settings.db_path) as store:
        store.requeue_jobs(kind="batch", statuses=("done",))
        run_id = store.list_jobs(kind="batch")[0].run_id
        assert run_id is not None
        store.reopen_run(run_id)
    (out / "doc.txt.json").unlink()
    run(BatchOptions(input=docs, out_dir=out, corpus=[corpus_dir]), settings, use_embedder)
    fresh = json.loads((out / "doc.txt.json").read_text(encoding="utf-8"))
    assert fresh["run_id"] != stopped["id"] and len(fresh["claims"]) == 6


def test_an_output_folder_is_used_by_one_batch_at_a_time(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, llm_timeout=5.0)
    options = BatchOptions(input=tmp_path, out_dir=tmp_path / "out")
    with Store(settings.db_path) as store:
        first, second = Batch(options, settings, store), Batch(options, settings, store)
        with first.locked(), pytest.raises(InputError, match="another batch"), second.locked():
            pass
        with second.locked():  # free again
            pass


# --- inputs and output names --------------------------------------------------------------------


def test_discovery_is_recursive_sorted_and_skips_other_files(docs_dir: Path) -> None:
    items = discover(docs_dir)
    assert [i.key for i in items] == ["a.txt", "sub/b.md", "sub/deeper/c.txt"]
    assert all(i.path is not None and i.document is None for i in items)


def test_output_names_are_safe_and_unique() -> None:
    assert safe_name("a/b/c.md") == "a__b__c.md"
    assert safe_name("../etc/passwd") == "etc__passwd"
    assert safe_name("报告 2024?.txt") == "报告_2024_.txt"
    long = safe_name("x" * 400)
    assert len(long) < 100 and long.startswith("x" * 80)
    names = output_names(["a/b.md", "a__b.md", "A__B.md", "summary", "ok"])
    assert names["ok"] == "ok" and names["summary"].startswith("summary-")
    assert len({n.casefold() for n in names.values()}) == 5
    assert all(n.startswith("a__b.md-") or n.startswith("A__B.md-") for k, n in names.items() if "b" in k.lower())
    assert output_names(["a/b.md", "a__b.md"]) == output_names(["a/b.md", "a__b.md"])  # stable


# --- rate limits -------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_rates_parse_and_resolve() -> None:
    assert parse_rate("5/s") == 5 and parse_rate("60/min") == 1 and parse_rate("2") == 2
    assert parse_rate("1/3s") == pytest.approx(1 / 3) and parse_rate("3600/h") == 1
    assert parse_rate("off") is None and parse_rate("0") is None
    for bad in ("fast", "5/parsec", "-1/s", "1/0s"):
        with pytest.raises(ConfigError):
            parse_rate(bad)
    assert parse_rate_option("arxiv = 1/3s") == ("arxiv", pytest.approx(1 / 3))
    with pytest.raises(ConfigError):
        parse_rate_option("5/s")
    rates = resolve_rates({"wikipedia": 2.0, "arxiv": None, "searxng": 10.0})
    assert rates["wikipedia"] == 2 and "arxiv" not in rates and rates["searxng"] == 10
    assert rates["crossref"] == DEFAULT_RATES["crossref"] and "corpus" not in rates
    assert describe_rate(5) == "5/s" and describe_rate(1 / 3) == "1/3s" and describe_rate(None) == "unlimited"


def test_token_bucket_spaces_requests_at_the_rate() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter({"api": 2.0}, clock=clock, sleep=clock.sleep)
    assert [limiter.reserve("api") for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]
    assert limiter.reserve("free") == 0.0 and limiter.reserve("free") == 0.0  # no rate: no wait
    clock.now += 60  # idle: the bucket is full again, but holds one token only
    assert [limiter.reserve("api") for _ in range(2)] == [0.0, 0.5]
    burst = TokenBucketLimiter({"api": 4.0}, burst=3, clock=clock, sleep=clock.sleep)
    assert [burst.reserve("api") for _ in range(5)] == [0.0, 0.0, 0.0, 0.25, 0.5]
    clock.now += 0.25  # one token back
    assert burst.reserve("api") == pytest.approx(0.5)
    assert limiter.granted == {"api": 6, "free": 2}


class Recorder:
    """A search provider that only counts its queries."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queries: list[str] = []
        self.closed = False

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
        self.queries.append(query)
        return []

    async def aclose(self) -> None:
        self.closed = True


class Scholarly(Recorder):
    async def works(self, query: str, *, limit: int = 10) -> list[Any]:
        self.queries.append("works:" + query)
        return []


def test_limiter_is_shared_by_concurrent_searches_and_the_wrapper_keeps_the_provider() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter({"web": 10.0, "scholar": 1.0}, clock=clock, sleep=clock.sleep)
    web, scholar = Recorder("web"), Scholarly("scholar")
    # two "documents", each with its own wrapper of the same providers and the same limiter
    doc1 = [RateLimitedProvider(web, limiter), RateLimitedProvider(scholar, limiter)]
    doc2 = [RateLimitedProvider(web, limiter), RateLimitedProvider(scholar, limiter)]

    async def searches() -> None:
        await asyncio.gather(*(p.search(f"q{i}") for i in range(3) for p in doc1 + doc2))
        await doc1[1].works("title")

    asyncio.run(searches())
    assert len(web.queries) == 6 and len(scholar.queries) == 7
    assert limiter.granted == {"web": 6, "scholar": 7}
    # every request got its own slot: 6 at 10/s and 7 at 1/s, across both documents
    assert sorted(clock.slept) == sorted([round(0.1 * i, 6) for i in range(1, 6)] + [float(i) for i in range(1, 7)])
    wrapped, plain = doc1[1], doc1[0]
    assert wrapped.name == "scholar" and hasattr(wrapped, "works") and isinstance(wrapped, WorkSource)
    assert not hasattr(plain, "works") and not isinstance(plain, WorkSource)
    assert not hasattr(wrapped, "authors")
    asyncio.run(plain.aclose())  # forwarded
    assert web.closed


def test_a_batch_shares_one_limiter_across_its_documents(
    tmp_path: Path, docs_dir: Path, corpus_dir: Path, use_embedder: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    import veracity.search.registry as registry

    times: list[float] = []

    class Timed(Recorder):
        async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[SearchResult]:
            times.append(time.monotonic())
            return await super().search(query, limit=limit, lang=lang)

    fake = Timed("wikipedia")
    monkeypatch.setattr(registry, "build_providers", lambda names, settings=None, **kw: [fake])
    rate = 10.0
    options = BatchOptions(input=docs_dir, out_dir=tmp_path / "out", corpus=[corpus_dir], providers=["wikipedia"],
                           rates={"wikipedia": rate}, concurrency=3)
    summary = run(options, settings_for(tmp_path, llm_timeout=5.0), use_embedder)
    assert summary.done == 3 and fake.closed
    assert len(fake.queries) >= 5  # at least one per claim, from three documents at once
    # the limiter releases request k at first + k/rate, so a late wake-up shortens one gap but
    # not the whole span (regression: asserting on each gap was flaky on a loaded machine)
    span = times[-1] - times[0]
    assert span >= (len(times) - 1) / rate - 0.1, (len(times), span)
    with Store(tmp_path / "db.sqlite") as store:
        runs = store.list_runs(limit=100)
        sent = sum(1 for r in runs for s in store.searches(r["id"]) if s["provider"] == "wikipedia" and not s["cached"])
    assert sent == len(fake.queries)
