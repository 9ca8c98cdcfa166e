"""Web mode against corpus mode on the same claims and pages (issue: one research loop).

Generates ``--pages`` short articles about invented people and ``--claims`` claims about them
(every fifth with a wrong detail), then checks the claims offline (the evidence-match judge):

  * corpus mode: the pages as html files of a local corpus (its index built cold, in the run);
  * web mode: the same pages served on 127.0.0.1 behind a SearXNG-compatible search endpoint
    (``tests/web_kit.py``), found through the real SearXNG provider and read by the real reader.

With ``--llm`` both modes run the research agent instead, against the scripted model
(``veracity.testing.scripted_model``) on 127.0.0.1, the claims given as one document.

Prints, for each mode, the embedder calls (and how many embedded a single text), the texts
embedded, the pages read, the run's ``documents``/``passages`` figures and the wall time, then
the ratio web/corpus (target ≤ 1.5). Everything is local and stops by itself.

Run:  python bench/bench_web.py [--pages 20] [--claims 41] [--llm]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from veracity.config import Settings  # noqa: E402
from veracity.evidence.embed import Embedder, UseEmbedder  # noqa: E402
from veracity.pipeline import acheck  # noqa: E402
from veracity.run.tools import Shared  # noqa: E402
from veracity.search.registry import build_providers  # noqa: E402
from veracity.search.settings import SearchSettings  # noqa: E402
from veracity.testing.llm_server import ScriptedLLMServer  # noqa: E402
from veracity.testing.scripted_model import scripted_responder  # noqa: E402
from veracity.types import InputDocument, Report  # noqa: E402
from web_kit import Pages, Site, html_page, serving  # noqa: E402

FIRST = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jun"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Silva", "Novak"]
PLACES = ["Bristol", "Toronto", "Kyoto", "Lagos", "Lyon", "Porto", "Krakow", "Tartu", "Leeds"]
FIELDS = ["astronomy", "linguistics", "robotics", "botany", "economics", "geology", "chemistry"]
EMPLOYERS = ["Northwind Labs", "Bluefin Institute", "Cedar Analytics", "Harbor Research", "Quartz Works"]
FILLER = [
    "The department runs a seminar series that is open to the public every spring.",
    "Several of the group's datasets are published under open licences for other researchers.",
    "Students in the programme spend one term on a placement with an industrial partner.",
    "The building was renovated a few years ago and now houses three teaching laboratories.",
    "Most of the work is funded through competitive grants awarded by national agencies.",
]


class CountingEmbedder:
    """Wraps an embedder and counts its calls and the texts it embedded."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.calls = self.single = self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.single += len(texts) == 1
        self.texts += len(texts)
        return self.inner.embed(texts)

    def reset(self) -> None:
        self.calls = self.single = self.texts = 0


def make_world(n_pages: int, n_claims: int, seed: int = 7) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``n_pages`` pages (path, title, body html) and ``n_claims`` claim sentences about them."""
    rng = random.Random(seed)
    pages, facts = [], []
    for i in range(n_pages):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}{i}"
        place, field = rng.choice(PLACES), rng.choice(FIELDS)
        employer, year = rng.choice(EMPLOYERS), rng.randint(1990, 2015)
        joined = year + rng.randint(2, 6)
        paragraphs = [
            f"{name} is a researcher in {field}. {name} studied {field} at the University of {place}"
            f" and graduated in {year}.",
            *rng.sample(FILLER, 2),
            f"{name} joined {employer} in {joined} and now leads a small team there.",
            rng.choice(FILLER),
        ]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        pages.append((f"/people/p{i:03d}", f"{name}: a profile", body))
        facts.append([
            f"{name} studied {field} at the University of {place} and graduated in {year}.",
            f"{name} joined {employer} in {joined}.",
        ])
    claims = []
    for k in range(n_claims):
        sentence = facts[k % n_pages][(k // n_pages) % 2]
        if k % 5 == 4:  # a wrong year
            words = sentence.rstrip(".").split()
            sentence = " ".join([*words[:-1], str(int(words[-1]) + 3)]) + "."
        claims.append(sentence)
    return pages, claims


def site(pages: list[tuple[str, str, str]]) -> Site:
    def build(base: str) -> Pages:
        return {path: ("text/html; charset=utf-8", html_page(base + path, title, body))
                for path, title, body in pages}

    return Site(build, limit=5)


def write_claims(path: Path, claims: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": f"c{i}", "claim": c}) + "\n" for i, c in enumerate(claims)),
                    encoding="utf-8")
    return path


Source = Path | InputDocument


async def corpus_run(source: Source, folder: Path, settings: Settings, embedder: CountingEmbedder) -> Report:
    return await acheck(
        source, claims=isinstance(source, Path), corpus=[folder], settings=settings,
        tools=Shared(embedder=embedder),
    )


async def web_run(source: Source, web: Site, settings: Settings, embedder: CountingEmbedder) -> Report:
    providers = build_providers(["searxng"], SearchSettings(searxng_url=web.base))
    try:
        return await acheck(
            source, claims=isinstance(source, Path), settings=settings, allow_hosts=["127.0.0.1"],
            tools=Shared(embedder=embedder, providers=providers),
        )
    finally:
        for p in providers:
            await p.aclose()  # type: ignore[attr-defined]


def line(mode: str, report: Report, emb: CountingEmbedder, wall: float) -> str:
    s = report.stats
    return (f"  {mode:<14} {wall:6.2f} s  embedder calls {emb.calls:4d} ({emb.single} with one text,"
            f" {emb.texts} texts)  pages read {s.fetches:3d}  documents {s.documents:3d}"
            f"  passages {s.passages:4d}  verdicts {report.summary.counts}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--claims", type=int, default=41)
    ap.add_argument("--llm", action="store_true", help="the research agent with the scripted model")
    args = ap.parse_args()
    pages, sentences = make_world(args.pages, args.claims)
    embedder = CountingEmbedder(UseEmbedder(threads=2))
    embedder.embed(["warm up"])  # the model loads here, not in the first timed run
    llm = ScriptedLLMServer(responder=scripted_responder).start() if args.llm else None
    with tempfile.TemporaryDirectory(prefix="veracity-bench-web-") as tmp:
        work = Path(tmp)
        claims: Source = write_claims(work / "claims.jsonl", sentences)
        if llm is not None:
            claims = InputDocument(text=" ".join(sentences), language="en", origin="bench", format="txt")
        with serving(site(pages)) as web:
            folder = work / "corpus"
            folder.mkdir()
            for path, (_, body) in web.pages.items():  # the very pages the server serves
                (folder / (path.rsplit("/", 1)[-1] + ".html")).write_bytes(body)

            def settings(name: str) -> Settings:
                return Settings(db_path=work / f"{name}.sqlite", cache_dir=work / f"cache-{name}",
                                llm_base_url=llm.base_url if llm is not None else None, llm_model="scripted",
                                llm_concurrency=64, max_llm_calls=20 * len(sentences),
                                max_llm_tokens=200_000 + 20_000 * len(sentences))

            embedder.reset()
            t0 = time.perf_counter()
            corpus = asyncio.run(corpus_run(claims, folder, settings("corpus"), embedder))
            corpus_wall = time.perf_counter() - t0
            corpus_line = line("corpus (cold)", corpus, embedder, corpus_wall)
            corpus_calls = embedder.calls

            embedder.reset()
            t0 = time.perf_counter()
            webbed = asyncio.run(web_run(claims, web, settings("web"), embedder))
            web_wall = time.perf_counter() - t0
            web_line = line("web", webbed, embedder, web_wall)
            searches = len(web.queries)
    if llm is not None:
        llm.stop()

    mode = "research agent, scripted model" if llm is not None else "offline judge"
    print(f"{len(sentences)} claims, {len(pages)} pages ({mode}); web mode sent {searches} searches")
    print(corpus_line)
    print(web_line)
    ratio = web_wall / corpus_wall
    print(f"  web / corpus: {ratio:.2f}× wall time (target ≤ 1.5), "
          f"{embedder.calls / max(1, corpus_calls):.2f}× embedder calls")
    same = [c.verdict.label for c in corpus.claims] == [c.verdict.label for c in webbed.claims]
    print(f"  same verdicts in both modes: {same}")
    ok = ratio <= 1.5 and webbed.stats.documents > 0 and webbed.stats.passages > 0
    print("  all targets met" if ok else "  SOME TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
