"""Batch-mode figures: one process vs. a local Ray cluster, against a scripted LLM over HTTP.

A generated corpus holds one short page per fact (``bench_agent.make_data``); each of the
``--docs`` documents states ``--claims`` of those facts (every fifth with a wrong year). The
scripted model (``python -m veracity.testing.llm_server``) runs in its own process and answers
every call after ``--llm-ms`` (default 200 ms). The same batch is run twice, into two output
folders with two stores:

  1. ``run_local``: one process, ``--concurrency`` documents at once;
  2. ``run_ray`` on a local Ray cluster of ``--ray-workers`` workers (default 2), each with
     ``--concurrency / workers`` documents at once, so both runs keep as many documents in
     flight. The cluster is started before the clock starts; the workers' start (encoder,
     corpus index, LLM client) is inside the measured time.

Prints, for each: documents, claims, seconds, claims/s and the LLM requests the server saw,
and checks that both runs reached the same verdicts.

Run:  python bench/bench_batch.py [--docs 200] [--claims 10] [--llm-ms 200] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_agent import RemoteScriptedLLM, make_data

from veracity.batch.runner import BatchOptions, BatchSummary, run_local
from veracity.config import Settings
from veracity.corpus.index import LocalCorpus
from veracity.evidence.embed import UseEmbedder


def write_docs(root: Path, sentences: list[str], docs: int, claims: int) -> None:
    """``docs`` text files of ``claims`` sentences each."""
    root.mkdir(parents=True, exist_ok=True)
    for j in range(docs):
        text = " ".join(sentences[j * claims:(j + 1) * claims])
        (root / f"doc{j:04d}.txt").write_text(text + "\n", encoding="utf-8")


def verdicts(out: Path) -> dict[str, list[str]]:
    """Each report's labels, by file name."""
    return {p.name: [c["verdict"]["label"] for c in json.loads(p.read_text(encoding="utf-8"))["claims"]]
            for p in sorted(out.glob("doc*.json"))}


def line(name: str, s: BatchSummary, requests: int) -> str:
    return (f"  {name:<18} {s.done:>4}/{s.documents_total} documents  {s.claims:>5} claims  {s.seconds:7.1f} s"
            f"  {s.claims_per_second:6.1f} claims/s  {requests:>6} LLM requests"
            f" ({requests / max(1, s.claims):.2f}/claim)  failed {s.failed}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--claims", type=int, default=10, help="claims per document")
    ap.add_argument("--llm-ms", type=float, default=200)
    ap.add_argument("--concurrency", type=int, default=8, help="documents in flight in all")
    ap.add_argument("--claim-concurrency", type=int, default=10)
    ap.add_argument("--ray-workers", type=int, default=2)
    ap.add_argument("--no-ray", action="store_true", help="only the one-process run")
    ap.add_argument("--no-local", action="store_true", help="only the Ray run")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="veracity-bench-batch-"))
    t0 = time.perf_counter()
    sentences = make_data(work / "corpus", args.docs * args.claims)
    write_docs(work / "docs", sentences, args.docs, args.claims)
    embedder = UseEmbedder(threads=2)
    base = Settings(db_path=work / "unused.sqlite", cache_dir=work / "cache", llm_model="scripted",
                    llm_concurrency=64, llm_timeout=60.0)
    corpus = LocalCorpus([work / "corpus"], settings=base, embedder=embedder)
    corpus.open()  # the index is built once, before any clock starts; runs load it from the cache
    print(f"data: {args.docs} documents x {args.claims} claims, corpus of {len(corpus.documents)} pages"
          f" ({corpus.passage_count} passages), prepared in {time.perf_counter() - t0:.1f} s; work dir {work}")
    print(f"scripted LLM {args.llm_ms:.0f} ms/call in its own process; {args.concurrency} documents in flight,"
          f" {args.claim_concurrency} claims at once within each")

    results: dict[str, dict[str, list[str]]] = {}
    with RemoteScriptedLLM(latency=args.llm_ms / 1000) as srv:
        settings = base.model_copy(update={"llm_base_url": srv.base_url})

        def options(name: str, concurrency: int) -> BatchOptions:
            return BatchOptions(input=work / "docs", out_dir=work / name, corpus=[work / "corpus"],
                                concurrency=concurrency, claim_concurrency=args.claim_concurrency,
                                formats=["json"])

        if not args.no_local:
            before = srv.requests
            local = asyncio.run(run_local(options("out-local", args.concurrency),
                                          settings.model_copy(update={"db_path": work / "local.sqlite"}),
                                          embedder=embedder))
            print(line("1 process", local, srv.requests - before))
            results["local"] = verdicts(work / "out-local")

        if not args.no_ray:
            import ray

            from veracity.batch.ray_runner import run_ray

            t1 = time.perf_counter()
            ray.init(num_cpus=args.ray_workers, include_dashboard=False, log_to_driver=False)
            print(f"  (Ray cluster of {args.ray_workers} CPUs started in {time.perf_counter() - t1:.1f} s)")
            try:
                before = srv.requests
                per_worker = max(1, args.concurrency // args.ray_workers)
                remote = asyncio.run(run_ray(options("out-ray", per_worker),
                                             settings.model_copy(update={"db_path": work / "ray.sqlite"}),
                                             workers=args.ray_workers))
                print(line(f"Ray, {remote.workers} workers", remote, srv.requests - before))
                results["ray"] = verdicts(work / "out-ray")
            finally:
                ray.shutdown()

    for name, labels in results.items():
        counts = Counter(label for row in labels.values() for label in row)
        print(f"  verdicts ({name}): {dict(sorted(counts.items()))}")
    if len(results) == 2:
        same = results["local"] == results["ray"]
        print(f"  same verdicts in both runs: {same}")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
