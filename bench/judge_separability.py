"""How far apart do the offline judge's signals put true and false claims?

The verdict targets of the benchmarks ask for a trade-off: on Factcheck-Bench, call at least
60 % of the true claims true while calling at most 15 % of the false claims true. No threshold
and no decision rule over a score can do better than that score's ROC curve allows. This bench
prints, for every claim-level signal the judge has (the learned claim-level probabilities, the
best passage's stance, the share of values bound or found, the share of wording found), the
area under the ROC curve and the best true-claim recall reachable at a 15 % false-confirmation
rate — the ceiling a better decision rule over that signal could reach.

Factcheck-Bench is the judge's training set, so each claim is scored by the model of the fold
that did not see it (the training script's folds). WiCE is validation only: its rows show
whether the same signals separate "supported" from "partially supported", and "partially" from
"not supported".

Run:  python bench/judge_separability.py [--fcb DIR] [--wice FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from veracity.corpus.passages import split_passages
from veracity.evaluation import Item, load_factcheck_bench, load_wice
from veracity.evidence.embed import UseEmbedder
from veracity.evidence.ranking import rank
from veracity.judge.binding import BOUND, UNBOUND, TermUnits, align, union_terms
from veracity.judge.decide import claim_features
from veracity.judge.model import JudgeModel, fold_of, load_default
from veracity.judge.slots import claim_slots
from veracity.types import Document, RankedPassage, Source

ROOT = Path(__file__).resolve().parent.parent
TOP_K = 8  # as `veracity eval`
FALSE_CONFIRM = 0.15  # the Factcheck-Bench target's ceiling on false claims called true

Signals = dict[str, float]


def signals(item: Item, embedder: UseEmbedder, model: JudgeModel) -> Signals:
    """The judge's claim-level signals for one item, with the passages ranked as `veracity eval`
    ranks them."""
    passages, sources = [], []
    for i, page in enumerate(item.pages):
        src = Source(url=f"eval://{item.id}/{i}", title=None, content_hash=f"{item.id}-{i}")
        for p in split_passages(Document(source=src, text=page)):
            passages.append(p)
            sources.append(src)
    hits = rank(item.claim, passages, embedder, TOP_K)
    ranked = [
        RankedPassage(passage=passages[h.index], source=sources[h.index], score=h.score,
                      lexical=h.lexical, semantic=h.semantic)
        for h in hits
    ]
    cs = claim_slots(item.claim)
    units = TermUnits(cs)
    als = [align(cs, rp, units) for rp in ranked]
    if not als:
        return {}
    probs = model.pair.proba([a.features for a in als])
    wording = union_terms(units, als)
    levels = model.claim.proba([claim_features(cs, als, wording)])[0]
    core = cs.core
    n = len(core) or 1
    return {
        "claim model: P(supported)": float(levels[0]),
        "claim model: 1 - P(none)": 1.0 - float(levels[2]),
        "best passage: P(supports)": float(probs[:, 0].max()),
        "best passage: P(supports or partly)": float((probs[:, 0] + probs[:, 1]).max()),
        "best passage: -P(refutes)": -float(probs[:, 2].max()),
        "values bound to the subject": sum(any(a.status(s) == BOUND for a in als) for s in core) / n,
        "values found": sum(any(a.status(s) in (BOUND, UNBOUND) for a in als) for s in core) / n,
        "wording found": wording,
        "fewer values claimed": -float(len(core)),
    }


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    p, q = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float((p > q).mean() + 0.5 * (p == q).mean())


def recall_at(pos: Sequence[float], neg: Sequence[float], fpr: float) -> float:
    """The highest share of ``pos`` above a threshold that lets at most ``fpr`` of ``neg`` pass."""
    best = 0.0
    for t in sorted(set(pos) | set(neg)):
        if np.mean(np.asarray(neg) >= t) <= fpr:
            best = max(best, float(np.mean(np.asarray(pos) >= t)))
    return best


def table(rows: list[tuple[str, Signals]], pos: str, neg: Callable[[str], bool], title: str) -> None:
    p_rows = [s for g, s in rows if g == pos and s]
    n_rows = [s for g, s in rows if neg(g) and s]
    print(f"\n{title} ({len(p_rows)} vs {len(n_rows)})\n")
    print(f"| signal | AUC | recall of the first at ≤ {FALSE_CONFIRM:.0%} of the second passing |")
    print("|---|---|---|")
    for name in p_rows[0] if p_rows else []:
        a = [s[name] for s in p_rows]
        b = [s[name] for s in n_rows]
        print(f"| {name} | {auc(a, b):.3f} | {recall_at(a, b, FALSE_CONFIRM):.3f} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fcb", type=Path, default=ROOT.parent / "shared/benchmarks/factcheck_bench")
    ap.add_argument("--wice", type=Path, default=ROOT.parent / "shared/benchmarks/wice/claim/dev.jsonl")
    ap.add_argument("--limit", type=int, default=None, help="a random sample of N items per set")
    args = ap.parse_args(argv)
    embedder = UseEmbedder(threads=2)
    model = load_default()
    for name, items in (
        ("factcheck-bench", list(load_factcheck_bench(args.fcb))),
        ("wice", list(load_wice(args.wice))),
    ):
        if args.limit and args.limit < len(items):
            items = random.Random(0).sample(items, args.limit)
        t = time.perf_counter()
        rows = []
        for it in items:
            m = model.for_fold(fold_of(it.group or it.claim, model.fold_count)) if name != "wice" else model
            rows.append((it.gold, signals(it, embedder, m)))
        print(f"\n## {name}: {len(items)} claims, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        if name == "wice":
            table(rows, "supported", lambda g: g == "partially_supported", "WiCE: supported vs partially supported")
            table(rows, "partially_supported", lambda g: g == "not_supported", "WiCE: partially vs not supported")
        else:
            table(rows, "true", lambda g: g == "false", "Factcheck-Bench (out of fold): true vs false claims")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
