"""HTTP server figures: many checks submitted at once, each followed on its event stream.

The scripted model (``python -m veracity.testing.llm_server``, ``--llm-ms`` per call, default
200 ms) and ``veracity serve`` each run in their own process on 127.0.0.1, the server with a
generated corpus (one short page per fact, as in ``bench_agent.py``). The bench fires ``--jobs``
(default 50) submissions at once with ``httpx.AsyncClient``, each a short document of 3–5
claims; right after its submission is accepted, each job's event stream is opened and read to
its ``end`` event. Prints: submissions accepted and errors, time from submission to the job's
first progress event (p50 / p95; ``queued`` for a check that waits for a worker) and to its
run's start, time to the job's end (p50 / p95), total wall time and claims
settled per second.

Run:  python bench/bench_server.py [--jobs 50] [--workers 8] [--llm-ms 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_agent import RemoteScriptedLLM, make_data


class ServerProcess:
    """``veracity serve`` in a child process on a free port; ``url`` once it answers."""

    def __init__(self, *, db: Path, corpus: Path, workers: int, env: dict[str, str]) -> None:
        self.args = [sys.executable, "-c", "from veracity.server.cli import serve; serve()",
                     "--port", "0", "--db", str(db), "--corpus", str(corpus), "--workers", str(workers)]
        self.env = env
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> ServerProcess:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env=self.env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"the server did not start: {line!r}")
        self.url = line.split("serving on ", 1)[1].split(" ", 1)[0].rstrip("/")
        deadline = time.monotonic() + 300  # the corpus is indexed before the app answers
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /healthz")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


async def one_job(client: httpx.AsyncClient, text: str) -> dict[str, Any]:
    """Submit, follow the stream to its end; times are from the submission's start."""
    t0 = time.perf_counter()
    try:
        resp = await client.post("/v1/checks", json={"text": text})
    except httpx.HTTPError as err:
        return {"accepted": False, "error": f"{type(err).__name__}: {err}"}
    if resp.status_code != 202:
        return {"accepted": False, "error": f"HTTP {resp.status_code}: {resp.text[:200]}"}
    job_id = resp.json()["id"]
    accepted_at = time.perf_counter() - t0
    first: float | None = None  # any progress event (`queued` when every worker is busy)
    started: float | None = None  # the run's first event (`run_started`)
    status, settled = None, 0
    async with client.stream("GET", f"/v1/checks/{job_id}/events") as stream:
        event = None
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
                if first is None and event != "end":
                    first = time.perf_counter() - t0
                if started is None and event == "run_started":
                    started = time.perf_counter() - t0
                settled += event == "claim_settled"
            elif line.startswith("data: ") and event == "end":
                status = json.loads(line[6:])["status"]
                break
    return {"accepted": True, "id": job_id, "submit": accepted_at, "first": first, "started": started,
            "end": time.perf_counter() - t0,
            "status": status, "settled": settled}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def fire(url: str, documents: list[str]) -> tuple[list[dict[str, Any]], float]:
    limits = httpx.Limits(max_connections=2 * len(documents) + 10, max_keepalive_connections=2 * len(documents))
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(600, connect=30), limits=limits) as client:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(one_job(client, d) for d in documents))
        return list(results), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=50)
    ap.add_argument("--workers", type=int, default=8, help="checks the server runs at once")
    ap.add_argument("--llm-ms", type=float, default=200)
    ap.add_argument("--llm-concurrency", type=int, default=32, help="the server's LLM requests in flight")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="veracity-bench-server-"))
    sentences = make_data(work / "corpus", 60)
    documents = [" ".join(rng.sample(sentences, rng.randint(3, 5))) for _ in range(args.jobs)]

    with RemoteScriptedLLM(latency=args.llm_ms / 1000) as llm:
        env = dict(os.environ, VERACITY_LLM_BASE_URL=llm.base_url, VERACITY_LLM_MODEL="scripted",
                   VERACITY_LLM_CONCURRENCY=str(args.llm_concurrency), VERACITY_CACHE_DIR=str(work / "cache"))
        env.pop("VERACITY_SERVER_TOKEN", None)
        with ServerProcess(db=work / "db.sqlite", corpus=work / "corpus", workers=args.workers, env=env) as srv:
            results, wall = asyncio.run(fire(srv.url, documents))
            llm_requests = llm.requests

    accepted = [r for r in results if r["accepted"]]
    done = [r for r in accepted if r["status"] == "done"]
    firsts = [r["first"] for r in accepted if r["first"] is not None]
    starts = [r["started"] for r in accepted if r["started"] is not None]
    ends = [r["end"] for r in accepted]
    if os.environ.get("BENCH_DEBUG"):
        for r in sorted(accepted, key=lambda r: r["first"] or 0):
            print(f"    {r['submit']:.2f} {r['first']:.2f} {r['end']:.2f}")
    claims = sum(r["settled"] for r in done)
    print(f"{args.jobs} checks of 3-5 claims submitted at once; server: {args.workers} checks at once, "
          f"scripted LLM {args.llm_ms:.0f} ms/call ({args.llm_concurrency} in flight)")
    print(f"  submissions accepted {len(accepted)}/{len(results)}, errors {len(results) - len(accepted)}"
          + "".join(f"\n    {r['error']}" for r in results if not r["accepted"])[:600])
    print(f"  checks done {len(done)}, failed {len(accepted) - len(done)}")
    submits = [r["submit"] for r in accepted]
    print(f"  submission answered  p50 {pct(submits, 0.5):.2f} s, p95 {pct(submits, 0.95):.2f} s")
    print(f"  first progress event p50 {pct(firsts, 0.5):.2f} s, p95 {pct(firsts, 0.95):.2f} s "
          f"(max {max(firsts, default=float('nan')):.2f} s)")
    print(f"  run started          p50 {pct(starts, 0.5):.2f} s, p95 {pct(starts, 0.95):.2f} s "
          f"(the wait for a free worker)")
    print(f"  check finished       p50 {pct(ends, 0.5):.2f} s, p95 {pct(ends, 0.95):.2f} s")
    print(f"  total {wall:.2f} s; {claims} claims settled → {claims / wall:.1f} claims/s; "
          f"{llm_requests} LLM requests ({llm_requests / max(claims, 1):.2f} per claim)")
    sys.exit(0 if len(done) == len(results) else 1)


if __name__ == "__main__":
    main()
