"""The catalogue's hybrid engine, built in each process on first use and rebuilt when the catalogue changes.

Each query compares a cheap fingerprint of the catalogue (count and newest change of the published
services and of the stored embeddings) with the one the engine was built from. Embeddings come from
``ServiceEmbedding`` (computed by the ``compute_service_embeddings`` task); a few missing ones are
computed on the spot, more than that fall back to BM25 for those services until the task has run.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from amtsweg.assistant.documents import document_from_service
from amtsweg.assistant.embeddings import embedder, embedders, from_bytes, passage_vectors
from amtsweg.assistant.engine import HybridEngine
from amtsweg.assistant.models import ServiceEmbedding
from amtsweg.catalog.models import Lebenslage, Service
from amtsweg.catalog.selectors import published_services

logger = logging.getLogger("amtsweg.assistant")
COMPUTE_INLINE_MAX = 25

_lock = threading.Lock()
_cached: tuple[Any, HybridEngine] | None = None


def embedding_model() -> str | None:
    name = settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL.strip()
    return name if name and name in embedders else None


def _fingerprint(model: str | None) -> tuple[Any, ...]:
    services = published_services().aggregate(n=Count("id"), changed=Max("updated_at"))
    # Lebenslagen have no change time; their names are few and short, so they are compared directly.
    lebenslagen = {"names": hash(tuple(Lebenslage.objects.order_by("pk").values_list("pk", "name")))}
    stored: dict[str, Any] = {}
    if model:
        stored = ServiceEmbedding.objects.filter(model_name=model).aggregate(
            n=Count("id"), changed=Max("updated_at")
        )
    return (model, *services.values(), *lebenslagen.values(), *stored.values())


def _build(model: str | None) -> HybridEngine:
    services = list(published_services().prefetch_related("lebenslagen").order_by("pk"))
    documents = [document_from_service(service) for service in services]
    if model is None or not documents:
        return HybridEngine(documents, model=None)
    dim = embedder(model).dim
    stored = {
        row.service_id: row
        for row in ServiceEmbedding.objects.filter(model_name=model, service__in=[s.pk for s in services])
    }
    vectors = np.zeros((len(documents), dim), dtype=np.float32)
    missing = []
    for i, document in enumerate(documents):
        row = stored.get(document.pk or 0)
        if row is not None and row.text_hash == document.text_hash() and row.dim == dim:
            vectors[i] = from_bytes(bytes(row.vector))
        else:
            missing.append(i)
    if missing and len(missing) <= COMPUTE_INLINE_MAX:
        vectors[missing] = passage_vectors(
            model,
            [documents[i].embedding_text() for i in missing],
            [documents[i].text_hash() for i in missing],
        )
    elif missing:
        logger.warning("%s Leistungen ohne Einbettung: Suche für sie nur lexikalisch.", len(missing))
    return HybridEngine(documents, model=model, vectors=vectors)


def catalogue_engine() -> HybridEngine:
    """The engine for the published catalogue of this process (rebuilt after changes)."""
    global _cached
    model = embedding_model()
    key = _fingerprint(model)
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, _build(model))
        return _cached[1]


def services_by_pk(pks: list[int]) -> dict[int, Service]:
    return Service.objects.in_bulk(pks)
