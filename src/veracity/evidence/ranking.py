"""Hybrid passage retrieval: BM25 over CJK-aware tokens, fused with sentence embeddings.

Each search ranks the passages twice, by BM25 (package ``bm25s``, fed the tokens of
:func:`veracity.evidence.tokenize.tokenize`) and by cosine similarity of embeddings, keeps the
top ``max(50, 5k)`` of each list and fuses them with reciprocal-rank fusion::

    score(p) = Σ_lists 1 / (rrf_k + rank_in_list(p))        (rank starts at 1)

Neither signal alone is enough across languages: BM25 finds "Gopher … 280 billion" from
"Gopher … 2800 亿" through the shared name and number token, embeddings find a paraphrase with
no word in common; the fusion keeps both.

An index saves to a directory::

    meta.json          format, count, dim, embedder name, tokenizer version (written last)
    passages.jsonl     one Passage per line
    embeddings.npy     float32 (count, dim), rows L2-normalised
    bm25/              the bm25s sparse index (absent when no passage has a token)
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from veracity.evidence.embed import Embedder
from veracity.evidence.tokenize import TOKENIZER_VERSION, query_tokens, tokenize
from veracity.types import Passage

__all__ = ["INDEX_FORMAT", "Hit", "HybridIndex", "rank"]

INDEX_FORMAT = "veracity.hybrid-index/1"
_META = "meta.json"
_PASSAGES = "passages.jsonl"
_EMBEDDINGS = "embeddings.npy"
_BM25_DIR = "bm25"


SIM_DECIMALS = 5  # cosine similarities are compared to this many decimals
BM25_DECIMALS = 4  # and BM25 scores to this many


@dataclass(frozen=True)
class Hit:
    """One ranked passage."""

    index: int  # position in the passages list
    score: float  # fused RRF score, higher is better
    lexical: float  # BM25 score (0 when not in the BM25 top list)
    semantic: float  # cosine similarity query <-> passage


class _Lexical:
    """A bm25s index over pre-tokenised passages."""

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> _Lexical | None:
        """``None`` when there is nothing to index (no passage has a token)."""
        if not any(token_lists):
            return None
        import bm25s

        retriever = bm25s.BM25()
        retriever.index(token_lists, show_progress=False)
        return cls(retriever)

    @classmethod
    def load(cls, directory: Path) -> _Lexical:
        import bm25s

        for name in (
            "params.index.json",
            "vocab.index.json",
            "data.csc.index.npy",
            "indices.csc.index.npy",
            "indptr.csc.index.npy",
        ):
            if not (directory / name).is_file():
                raise FileNotFoundError(f"BM25 index file missing: {directory / name}")
        try:
            retriever = bm25s.BM25.load(str(directory), show_progress=False)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise ValueError(f"unreadable BM25 index in {directory}: {exc}") from exc
        return cls(retriever)

    @property
    def num_docs(self) -> int:
        return int(self.retriever.scores["num_docs"])

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray | None:
        """BM25 score of every passage, or ``None`` when no query token is in the vocabulary.
        Repeated query tokens count once."""
        ids = sorted({self.vocab[t] for t in query_tokens if t in self.vocab})
        if not ids:
            return None
        # rounded: the vocabulary's ids (and so the order the terms are summed in) differ from
        # one process to the next, which must not reorder passages of near-equal scores
        return np.round(np.asarray(self.retriever.get_scores_from_ids(ids), dtype=np.float32), BM25_DECIMALS)


def _top(values: np.ndarray, depth: int, *, positive_only: bool = False) -> np.ndarray:
    """Indices of the ``depth`` largest values, best first (ties: lower index first)."""
    if positive_only:
        candidates = np.flatnonzero(values > 0)
        if candidates.size == 0:
            return candidates
    else:
        candidates = np.arange(values.shape[0])
    if candidates.size > depth:
        part = np.argpartition(-values[candidates], depth - 1)[:depth]
        candidates = candidates[part]
    order = np.lexsort((candidates, -values[candidates]))
    return candidates[order]


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    m = np.ascontiguousarray(m, dtype=np.float32)
    if m.size == 0:
        return m
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class HybridIndex:
    """Passages with their embeddings and a BM25 index, searched by reciprocal-rank fusion."""

    passages: list[Passage]
    embeddings: np.ndarray
    _lexical: _Lexical | None

    def __init__(
        self,
        passages: list[Passage],
        embeddings: np.ndarray,
        embedder: Embedder,
        *,
        rrf_k: int = 60,
        tokens: list[list[str]] | None = None,
    ) -> None:
        """Index ``passages`` whose embedding rows are given (row ``i`` belongs to passage
        ``i``). The BM25 index is built here (from ``tokens``, the passages' tokens, when the
        caller has them); use :meth:`build` to compute embeddings too."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(passages) == 0 and embeddings.size == 0:
            embeddings = embeddings.reshape(0, int(embedder.dim))
        self._setup(passages, embeddings, embedder, rrf_k)
        if tokens is None or len(tokens) != len(self.passages):
            tokens = [tokenize(p.index_text) for p in self.passages]
        self._lexical = _Lexical.build(tokens)

    def _setup(
        self, passages: list[Passage], embeddings: np.ndarray, embedder: Embedder, rrf_k: int
    ) -> None:
        if embeddings.ndim != 2 or embeddings.shape[0] != len(passages):
            raise ValueError(
                f"embeddings of shape {embeddings.shape} do not match {len(passages)} passages"
            )
        if len(passages) and embeddings.shape[1] != embedder.dim:
            raise ValueError(
                f"embedding width {embeddings.shape[1]} != embedder {embedder.name} dim "
                f"{embedder.dim}"
            )
        if rrf_k < 1:
            raise ValueError("rrf_k must be >= 1")
        self.passages = list(passages)
        self.embeddings = _normalise_rows(embeddings)
        self.embedder = embedder
        self.rrf_k = rrf_k

    @classmethod
    def build(
        cls,
        passages: list[Passage],
        embedder: Embedder,
        *,
        rrf_k: int = 60,
        batch: int = 256,
    ) -> HybridIndex:
        """Embed the passage texts (``batch`` at a time) and index them."""
        texts = [p.index_text for p in passages]
        batch = max(1, batch)
        chunks = [embedder.embed(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        if chunks:
            embeddings = np.vstack([np.asarray(c, dtype=np.float32) for c in chunks])
        else:
            embeddings = np.zeros((0, int(embedder.dim)), dtype=np.float32)
        return cls(passages, embeddings, embedder, rrf_k=rrf_k)

    def __len__(self) -> int:
        return len(self.passages)

    # --- persistence ---------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the index to ``directory`` (created if needed; an older index there is
        replaced). ``meta.json`` is written last, so an interrupted save does not load."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / _META).unlink(missing_ok=True)
        with open(directory / _PASSAGES, "w", encoding="utf-8") as f:
            for p in self.passages:
                f.write(p.model_dump_json() + "\n")
        np.save(directory / _EMBEDDINGS, self.embeddings, allow_pickle=False)
        bm25_dir = directory / _BM25_DIR
        if bm25_dir.exists():
            shutil.rmtree(bm25_dir)
        if self._lexical is not None:
            self._lexical.save(bm25_dir)
        meta = {
            "format": INDEX_FORMAT,
            "count": len(self.passages),
            "dim": int(self.embeddings.shape[1]) if self.embeddings.ndim == 2 else 0,
            "embedder": self.embedder.name,
            "tokenizer": TOKENIZER_VERSION,
            "bm25": self._lexical is not None,
        }
        (directory / _META).write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, *, rrf_k: int = 60) -> HybridIndex:
        """Read an index written by :meth:`save`.

        Raises ``FileNotFoundError`` when the directory or one of its files is missing and
        ``ValueError`` when a file is corrupt, the counts disagree, or the index was built with
        a different embedder. A BM25 index made by an older tokenizer is rebuilt."""
        directory = Path(directory)
        meta_path = directory / _META
        if not meta_path.is_file():
            raise FileNotFoundError(f"no hybrid index at {directory} (missing {_META})")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            count, dim = int(meta["count"]), int(meta["dim"])
            fmt, embedder_name = meta["format"], meta["embedder"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"corrupt {meta_path}: {exc}") from exc
        if fmt != INDEX_FORMAT:
            raise ValueError(f"unknown index format {fmt!r} in {meta_path}")
        if embedder_name != embedder.name or (count and dim != embedder.dim):
            raise ValueError(
                f"index built with embedder {embedder_name!r} (dim {dim}); "
                f"got {embedder.name!r} (dim {embedder.dim})"
            )

        passages_path = directory / _PASSAGES
        if not passages_path.is_file():
            raise FileNotFoundError(f"missing {passages_path}")
        with open(passages_path, encoding="utf-8") as f:
            passages = [Passage.model_validate_json(line) for line in f if line.strip()]
        emb_path = directory / _EMBEDDINGS
        if not emb_path.is_file():
            raise FileNotFoundError(f"missing {emb_path}")
        try:
            embeddings = np.load(emb_path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"corrupt {emb_path}: {exc}") from exc
        if len(passages) != count or embeddings.shape[:1] != (count,):
            raise ValueError(
                f"index at {directory} is inconsistent: meta count {count}, "
                f"{len(passages)} passages, embeddings {embeddings.shape}"
            )
        if count == 0:
            embeddings = np.zeros((0, int(embedder.dim)), dtype=np.float32)

        index = cls.__new__(cls)
        index._setup(passages, embeddings, embedder, rrf_k)
        if meta.get("tokenizer") != TOKENIZER_VERSION:
            index._lexical = _Lexical.build([tokenize(p.index_text) for p in passages])
        elif meta.get("bm25"):
            index._lexical = _Lexical.load(directory / _BM25_DIR)
            if index._lexical.num_docs != count:
                raise ValueError(
                    f"BM25 index holds {index._lexical.num_docs} passages, expected {count}"
                )
        else:
            index._lexical = None
        return index

    # --- search --------------------------------------------------------------------------------

    def search(self, query: str, k: int = 10, *, query_vec: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first.

        ``query_vec`` (the query's embedding) skips embedding the query, e.g. when one claim is
        searched in several indexes. A blank query without ``query_vec`` returns no hits; a query
        with no known token is ranked by embeddings alone."""
        n = len(self.passages)
        has_text = bool(query and query.strip())
        if n == 0 or k <= 0 or (not has_text and query_vec is None):
            return []
        depth = min(n, max(50, 5 * k))

        lexical_rank: np.ndarray = np.zeros(0, dtype=np.int64)
        bm25: np.ndarray | None = None
        if has_text and self._lexical is not None:
            bm25 = self._lexical.scores(query_tokens(query))
            if bm25 is not None:
                lexical_rank = _top(bm25, depth, positive_only=True)

        if query_vec is None:
            query_vec = self.embedder.embed([query])[0]
        qv = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        if qv.shape[0] != self.embeddings.shape[1]:
            raise ValueError(
                f"query vector has {qv.shape[0]} dims, index has {self.embeddings.shape[1]}"
            )
        norm = float(np.linalg.norm(qv))
        if norm > 0:
            qv = qv / norm
        # rounded: a text's vector moves in the 7th decimal with the batch it was embedded in,
        # which must not reorder near-equal passages from one run to the next
        sims = np.round(self.embeddings @ qv, SIM_DECIMALS)
        semantic_rank = _top(sims, depth) if norm > 0 else np.zeros(0, dtype=np.int64)

        fused: dict[int, float] = {}
        for ranking in (lexical_rank, semantic_rank):
            for r, i in enumerate(ranking.tolist(), start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + r)
        in_lexical = set(lexical_rank.tolist())
        hits = [
            Hit(
                index=i,
                score=s,
                lexical=float(bm25[i]) if bm25 is not None and i in in_lexical else 0.0,
                semantic=float(sims[i]),
            )
            for i, s in fused.items()
        ]
        hits.sort(key=lambda h: (-h.score, -h.semantic, h.index))
        return hits[:k]


def rank(
    query: str,
    passages: list[Passage],
    embedder: Embedder,
    k: int = 10,
    *,
    rrf_k: int = 60,
) -> list[Hit]:
    """Rank a small in-memory list of passages for one query (query and passages are embedded
    in one call)."""
    if not passages or k <= 0 or not (query and query.strip()):
        return []
    vectors = np.asarray(embedder.embed([query, *(p.index_text for p in passages)]), dtype=np.float32)
    index = HybridIndex(passages, vectors[1:], embedder, rrf_k=rrf_k)
    return index.search(query, k, query_vec=vectors[0])
