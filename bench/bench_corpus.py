"""Corpus performance figures (issue: end to end offline).

Prints:
  * first ``check`` of the example against the example corpus plus N generated documents
    (cold index: parse + embed + BM25), and the second run with the index cached;
  * ranking the passages of a 100-page PDF for one claim, after it is indexed.

Run:  python bench/bench_corpus.py [--docs 1000] [--size 5000] [--pages 100]
Data is generated under bench/_data (git-ignored); the index cache under a fresh temp dir.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_data import make_corpus, make_pdf  # noqa: E402

from veracity.config import Settings  # noqa: E402
from veracity.corpus.loaders import load_file  # noqa: E402
from veracity.corpus.passages import split_passages  # noqa: E402
from veracity.evidence.embed import UseEmbedder  # noqa: E402
from veracity.evidence.ranking import HybridIndex  # noqa: E402
from veracity.pipeline import check  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--pages", type=int, default=100)
    args = ap.parse_args()

    data = HERE / "_data"
    corpus = data / f"corpus-{args.docs}x{args.size}"
    if not corpus.exists():
        t = time.perf_counter()
        make_corpus(corpus / "generated", args.docs, args.size, 7)
        shutil.copytree(ROOT / "examples" / "jack-rae" / "corpus", corpus / "jack-rae")
        print(f"generated {args.docs} documents in {time.perf_counter() - t:.1f}s")
    nbytes = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    print(f"corpus: {sum(1 for p in corpus.rglob('*') if p.is_file())} files, {nbytes / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(cache_dir=Path(tmp) / "cache", db_path=Path(tmp) / "store.sqlite")
        profile = ROOT / "examples" / "jack-rae" / "profile.md"
        t = time.perf_counter()
        r1 = check(profile, corpus=[corpus], settings=settings)
        first = time.perf_counter() - t
        t = time.perf_counter()
        r2 = check(profile, corpus=[corpus], settings=settings)
        second = time.perf_counter() - t
        same = [c.verdict.label for c in r1.claims] == [c.verdict.label for c in r2.claims]
        print(f"check, cold index : {first:6.2f} s   (target < 60 s)   claims={len(r1.claims)}")
        print(f"check, warm index : {second:6.2f} s   (target < 5 s)    same verdicts={same}")
        print(f"passages indexed  : {r1.stats.passages}")

    pdf = data / f"doc-{args.pages}p.pdf"
    info = make_pdf(pdf, args.pages, 7)
    doc = load_file(pdf, max_bytes=200_000_000)
    passages = split_passages(doc)
    emb = UseEmbedder(threads=2)
    t = time.perf_counter()
    index = HybridIndex.build(passages, emb)
    built = time.perf_counter() - t
    query = "What was the measured boiling point in the calibration experiment?"
    index.search(query, k=5)  # warm the encoder
    reps = 20
    t = time.perf_counter()
    for _ in range(reps):
        hits = index.search(query, k=5)
    per = (time.perf_counter() - t) / reps
    top_page = passages[hits[0].index].page if hits else None
    print(f"pdf: {args.pages} pages, {len(passages)} passages, indexed in {built:.2f} s")
    print(
        f"rank one claim    : {per * 1000:6.1f} ms (target < 300 ms)  "
        f"top page={top_page} (fact on page {info.needle_page})"
    )


if __name__ == "__main__":
    main()
