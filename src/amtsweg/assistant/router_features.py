"""The router's dense feature block: sentence embeddings as a scikit-learn transformer (``router.py``).

A module of its own so that importing the router – which every Django process does – does not import
scikit-learn; it is loaded when a router is built or unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from amtsweg.assistant.embeddings import embedder

_vector_cache: dict[tuple[str, str], np.ndarray] = {}
VECTOR_CACHE_MAX = 100_000


class EmbeddingFeatures(BaseEstimator, TransformerMixin):
    """Sentence embeddings as features; pickles as the model name only."""

    def __init__(self, model: str = "e5-small", scale: float = 1.0) -> None:
        self.model = model
        self.scale = scale

    def fit(self, texts: Sequence[str], labels: Any = None) -> EmbeddingFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        # Cross-validation transforms the same texts many times; embed each text once per process.
        clean = [str(t)[:1000] or " " for t in texts]
        todo = list(dict.fromkeys(t for t in clean if (self.model, t) not in _vector_cache))
        if todo:
            if len(_vector_cache) + len(todo) > VECTOR_CACHE_MAX:
                _vector_cache.clear()
            for start in range(0, len(todo), 64):
                chunk = todo[start : start + 64]
                for text, vector in zip(chunk, embedder(self.model).queries(chunk), strict=True):
                    _vector_cache[(self.model, text)] = vector
        vectors = np.stack([_vector_cache[(self.model, t)] for t in clean])
        return sparse.csr_matrix(vectors * self.scale)
