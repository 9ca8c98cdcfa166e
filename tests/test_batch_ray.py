"""Batch mode on a local Ray cluster (two CPUs, started once for the module).

Two worker actors check the documents against the scripted LLM server, which runs in this
test process on 127.0.0.1: the workers reach it over HTTP with the settings the driver sends
them (the cluster is started before the test sets any variable, so the workers' environment
cannot hold the endpoint or the SearXNG URL). A SearXNG stand-in, also in this process,
records when each query arrives, which shows the rate limit held across both workers.
Skipped when ray is not installed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_tree
from search_kit import SearxStandIn
from veracity.batch.runner import BatchOptions, run_local
from veracity.config import Settings
from veracity.store import Store
from veracity.testing.llm_server import ScriptedLLMServer
from veracity.testing.scripted_model import scripted_responder

# Ray starts worker processes: the whole module is a long end-to-end test (CI runs it with -m slow)
pytestmark = pytest.mark.slow

ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'veracity[ray]')")

from veracity.batch.ray_runner import RateBuckets, RayRateLimiter, run_ray  # noqa: E402

PAGES = {
    "rae.md": "# Jack Rae\n\nJack Rae studied computer science at the University of Bristol.\n",
    "gopher.md": "# Gopher\n\nGopher is a language model with 280 billion parameters.\n",
}
DOCS = {
    "one.txt": "Jack Rae studied computer science at the University of Bristol.",
    "two.txt": "Gopher is a language model with 280 billion parameters.",
    "three/four.md": "# Notes\n\nJack Rae studied physics at the University of Bristol.\n",
    "five.txt": "Gopher is a language model with 70 billion parameters. Jack Rae won the Turing Award.",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture
def searx() -> Iterator[tuple[str, list[float]]]:
    """A SearXNG stand-in: no results; the arrival time of every query is kept."""
    arrivals: list[float] = []

    def nothing(query: str) -> list[str]:
        arrivals.append(time.monotonic())
        return []

    with SearxStandIn(nothing) as web:
        yield web.url, arrivals


def test_ray_batch_matches_the_local_runner_and_resumes_across_runners(
    cluster: Any, tmp_path: Path, searx: tuple[str, list[float]], use_embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searx_url, arrivals = searx
    monkeypatch.setenv("VERACITY_SEARXNG_URL", searx_url)  # the driver's search settings
    corpus = write_tree(tmp_path / "corpus", PAGES)
    docs = write_tree(tmp_path / "docs", DOCS)
    out = tmp_path / "out"
    rate = 5.0  # slots 200 ms apart: wide against the jitter of actor calls and HTTP
    with ScriptedLLMServer() as server:
        server.responder = scripted_responder
        settings = Settings(db_path=tmp_path / "driver.sqlite", cache_dir=tmp_path / "cache",
                            llm_base_url=server.base_url, llm_model="scripted", llm_retries=1, llm_timeout=10.0)
        options = BatchOptions(input=docs, out_dir=out, corpus=[corpus], providers=["searxng"],
                               rates={"searxng": rate}, concurrency=2, formats=["json", "md"])
        summary = asyncio.run(run_ray(options, settings, workers=2))

        assert summary.runner == "ray" and summary.workers == 2
        assert (summary.documents_total, summary.done, summary.failed) == (4, 4, 0)
        names = ["one.txt", "two.txt", "three__four.md", "five.txt"]
        reports = {n: json.loads((out / f"{n}.json").read_text(encoding="utf-8")) for n in names}
        assert all((out / f"{n}.md").exists() for n in names)
        claims = sum(len(r["claims"]) for r in reports.values())
        assert summary.claims == claims == 5 and sum(summary.verdicts.values()) == claims
        assert summary.llm_calls == len(server.requests) > 0  # the workers reached the model
        labels = {n: [c["verdict"]["label"] for c in r["claims"]] for n, r in reports.items()}
        assert labels["one.txt"][0] in ("true", "mostly_true") and labels["two.txt"][0] in ("true", "mostly_true")

        # the searches went to the SearXNG stand-in (settings sent, not read from the workers'
        # environment), through one limit for both workers
        assert len(arrivals) >= claims
        # (regression: at 20/s, 50 ms slots, the jitter of a worker's call to the actor and of
        # the HTTP request made this flaky; the slack covers that jitter, not a missing limit)
        span = arrivals[-1] - arrivals[0]
        assert span >= (len(arrivals) - 2) / rate - 0.15, (len(arrivals), span)

        with Store(settings.db_path) as store:
            jobs = store.list_jobs(kind="batch", batch=str(out.resolve()))
            assert {j.status for j in jobs} == {"done"} and len(jobs) == 4
            assert len({(j.result or {}).get("worker") for j in jobs}) == 2  # both workers were used
            for job in jobs:  # each run was imported into the driver's store, as the worker wrote it
                stored = store.load_report(str(job.run_id))
                written = reports[Path(job.key or "").as_posix().replace("/", "__")]
                assert stored.run_id == written["run_id"]
                assert [c.verdict.label.value for c in stored.claims] == [c["verdict"]["label"] for c in written["claims"]]
                assert [[e.quote for e in c.evidence] for c in stored.claims] == [
                    [e["quote"] for e in c["evidence"]] for c in written["claims"]]
                assert len(store.llm_calls(str(job.run_id))) >= 1
            runs = len(store.list_runs(limit=100))

        # without Ray, the same command skips everything Ray finished: no model request, no run
        requests = len(server.requests)
        local = asyncio.run(run_local(options, settings, embedder=use_embedder))
        assert local.skipped == 4 and local.checked == 0 and len(server.requests) == requests

        # and back on Ray: a lost report is rewritten from the driver's store, a new document
        # checked (only it reaches the model)
        (out / "one.txt.json").unlink()
        (docs / "six.txt").write_text("Jack Rae studied computer science.", encoding="utf-8")
        third = asyncio.run(run_ray(options, settings, workers=2))
        assert (third.documents_total, third.done, third.skipped, third.checked) == (5, 5, 4, 1)
        assert json.loads((out / "one.txt.json").read_text(encoding="utf-8")) == reports["one.txt"]
        assert (out / "six.txt.json").exists() and len(server.requests) > requests
        with Store(settings.db_path) as store:
            assert len(store.list_runs(limit=100)) == runs + 1


def test_rate_limit_actor_is_shared_by_processes(cluster: Any) -> None:
    rates = {"api": 10.0}
    buckets = ray.remote(RateBuckets).options(name="test-rate-limits", num_cpus=0).remote(rates)

    @ray.remote(num_cpus=0)
    def client(handle: Any, n: int) -> float:
        async def go() -> None:
            limiter = RayRateLimiter(handle, rates)
            for _ in range(n):
                await limiter.acquire("api")
                await limiter.acquire("unlimited")  # no rate: never asks the actor

        t0 = time.monotonic()
        asyncio.run(go())
        return time.monotonic() - t0

    t0 = time.monotonic()
    ray.get([client.remote(buckets, 4), client.remote(buckets, 4)])
    elapsed = time.monotonic() - t0
    assert ray.get(buckets.granted.remote()) == {"api": 8}  # 8 slots, from two processes
    assert elapsed >= 0.65  # eight requests at 10/s: the last one waits 0.7 s
    assert ray.get_actor("test-rate-limits") is not None
    ray.kill(buckets)
