"""Research-agent figures (issue: the research agent), against a scripted LLM over real HTTP.

A generated corpus holds one short page per fact; the document states 30 of those facts (some
with a wrong detail). The scripted model (``veracity.testing.scripted_model``) answers every
call after ``--llm-ms`` (default 300 ms) and the corpus search answers after ``--search-ms``
(default 100 ms per query). Prints, and compares as ratios within this one run:

  * wall time of the 30-claim document vs the slowest of its claims checked alone (target ≤ 1.3×);
  * LLM calls per claim (target ≤ 3) and prompt tokens per claim (target ≤ 8,000; the server
    counts them with veracity's documented estimate: one per CJK character, one per four others);
  * repeated queries (target 0): searches sent minus distinct (provider, query) pairs;
  * a warm re-run with ``cache=True``: LLM requests and corpus searches sent (target 0 and 0),
    and whether the report's rows are identical.

Run:  python bench/bench_agent.py [--claims 30] [--llm-ms 300] [--search-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.evidence.embed import UseEmbedder
from veracity.llm import build_llm
from veracity.pipeline import acheck
from veracity.run.tools import Shared
from veracity.store import Store
from veracity.types import InputDocument, Report

FIRST = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jun"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Silva", "Novak"]
PLACES = ["Bristol", "Toronto", "Kyoto", "Lagos", "Lyon", "Porto", "Krakow", "Tartu", "Leeds"]
FIELDS = ["astronomy", "linguistics", "robotics", "botany", "economics", "geology", "chemistry"]


class SlowCorpus(LocalCorpus):
    """The local corpus with a fixed delay per query, counting the queries it answers."""

    delay = 0.1
    calls = 0

    async def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> Any:
        type(self).calls += 1
        await asyncio.sleep(self.delay)
        return await super().search(query, limit=limit, lang=lang)


class RemoteScriptedLLM:
    """``python -m veracity.testing.llm_server`` in a child process; ``requests`` asks it how
    many chat requests it has answered."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.base_url = ""
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> RemoteScriptedLLM:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "veracity.testing.llm_server", "--latency", str(self.latency)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            raise RuntimeError("the scripted LLM server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def requests(self) -> int:
        stats = httpx.get(self.base_url + "/scripted/stats", timeout=5).json()
        return int(stats["requests"])


def make_data(root: Path, n: int, seed: int = 7) -> list[str]:
    """Write one page per fact under ``root``; return the document's claim sentences."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    sentences = []
    for i in range(n):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}{i}"
        place, field = rng.choice(PLACES), rng.choice(FIELDS)
        year = rng.randint(1990, 2022)
        page = (
            f"# {name}\n\n{name} is a researcher in {field}. {name} studied {field} at the "
            f"University of {place} and graduated in {year}. Colleagues describe {name} as careful.\n"
        )
        (root / f"p{i:03d}.md").write_text(page, encoding="utf-8")
        if i % 5 == 4:  # a wrong year: the scripted model still finds the page
            year += 3
        sentences.append(f"{name} studied {field} at the University of {place} and graduated in {year}.")
    return sentences


async def one_run(
    text: str, *, corpus: LocalCorpus, settings: Settings, embedder: UseEmbedder, cache: bool,
    concurrency: int,
) -> Report:
    doc = InputDocument(text=text, language="en", origin="bench", format="txt")
    llm = build_llm(settings)
    assert llm is not None
    try:
        return await acheck(
            doc, settings=settings, cache=cache, concurrency=concurrency,
            tools=Shared(corpus=corpus, embedder=embedder, llm=llm),
        )
    finally:
        await llm.aclose()


def rows(report: Report) -> list[tuple[Any, ...]]:
    return [(c.id, c.text, c.verdict.label, c.verdict.rationale, [e.quote for e in c.evidence])
            for c in report.claims]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=30)
    ap.add_argument("--llm-ms", type=float, default=300)
    ap.add_argument("--search-ms", type=float, default=100)
    args = ap.parse_args()
    n = args.claims
    SlowCorpus.delay = args.search_ms / 1000
    work = Path(tempfile.mkdtemp(prefix="veracity-bench-agent-"))
    sentences = make_data(work / "corpus", n)
    embedder = UseEmbedder(threads=2)

    # the model runs in its own process, as a remote service would: its HTTP handling must not
    # compete with the agent for this process's interpreter
    with RemoteScriptedLLM(latency=args.llm_ms / 1000) as srv:

        def settings(db: str) -> Settings:
            return Settings(
                db_path=work / db, cache_dir=work / "cache", llm_base_url=srv.base_url,
                llm_model="scripted", llm_concurrency=64, max_llm_calls=10 * n,
                max_llm_tokens=200_000 + 20_000 * n,
            )

        def corpus(s: Settings) -> SlowCorpus:
            c = SlowCorpus([work / "corpus"], settings=s, embedder=embedder)
            c.open()
            return c

        # each claim alone (a one-sentence document): the slowest sets the bar; one run first
        # warms the process up (encoder, imports) so that it does not flatter the ratio
        single = settings("single.sqlite")
        asyncio.run(one_run(sentences[0], corpus=corpus(single), settings=single, embedder=embedder,
                            cache=False, concurrency=1))
        alone = []
        for sentence in sentences:
            t0 = time.perf_counter()
            asyncio.run(one_run(sentence, corpus=corpus(single), settings=single, embedder=embedder,
                                cache=False, concurrency=1))
            alone.append(time.perf_counter() - t0)
        slowest = max(alone)

        # the whole document, cold
        full = settings("full.sqlite")
        requests0, SlowCorpus.calls = srv.requests, 0
        t0 = time.perf_counter()
        report = asyncio.run(one_run(" ".join(sentences), corpus=corpus(full), settings=full,
                                     embedder=embedder, cache=True, concurrency=n))
        wall = time.perf_counter() - t0
        llm_requests = srv.requests - requests0
        with Store(full.db_path) as store:
            sent = [(s["provider"], s["query"].casefold()) for s in store.searches(report.run_id) if not s["cached"]]
            calls = store.llm_calls(report.run_id)
        repeated = len(sent) - len(set(sent))
        prompt_tokens = sum(c.prompt_tokens for c in calls if not c.cached)

        # the same document again, warm, from the caches
        requests1, SlowCorpus.calls = srv.requests, 0
        t1 = time.perf_counter()
        warm = asyncio.run(one_run(" ".join(sentences), corpus=corpus(full), settings=full,
                                   embedder=embedder, cache=True, concurrency=n))
        warm_wall = time.perf_counter() - t1
        warm_llm, warm_search = srv.requests - requests1, SlowCorpus.calls

    claims = len(report.claims)
    print(f"scripted LLM {args.llm_ms:.0f} ms/call, corpus search {args.search_ms:.0f} ms/query, {claims} claims")
    print(f"  verdicts: {report.summary.counts}; rounds {report.stats.rounds}")
    median = sorted(alone)[len(alone) // 2]
    print(f"  slowest claim alone {slowest:.2f} s (median {median:.2f} s, fastest {min(alone):.2f} s)")
    print(f"  whole document      {wall:.2f} s  → {wall / slowest:.2f}× the slowest claim (target ≤ 1.3),"
          f" {wall / median:.2f}× the median one")
    print(f"  LLM calls per claim {llm_requests / claims:.2f} (target ≤ 3; {llm_requests} requests)")
    print(f"  prompt tokens/claim {prompt_tokens / claims:,.0f} (target ≤ 8,000)")
    print(f"  repeated queries    {repeated} of {len(sent)} sent (target 0)")
    print(f"  warm re-run --cache {warm_wall:.2f} s: {warm_llm} LLM requests, {warm_search} corpus searches"
          f" (target 0 and 0); same rows: {rows(warm) == rows(report)}")
    ok = (wall / slowest <= 1.3 and llm_requests / claims <= 3 and prompt_tokens / claims <= 8000
          and repeated == 0 and warm_llm == 0 and warm_search == 0 and rows(warm) == rows(report))
    print("  all targets met" if ok else "  SOME TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
