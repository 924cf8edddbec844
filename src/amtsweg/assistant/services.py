"""Writes of the assistant: embeddings, evaluation runs, router training and routing decisions.

Called by tasks and commands (``actor=None``, the system). Changing the router is recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import pickle  # only ever loads payloads this module wrote and checksummed itself
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from amtsweg.access.permissions import can_edit_catalog, require
from amtsweg.assistant.documents import document_from_service
from amtsweg.assistant.embeddings import to_bytes
from amtsweg.assistant.engine import document_unit_vectors, model_names
from amtsweg.assistant.index import (
    catalogue_engine,
    embedding_models,
    primary_embedding_model,
    vector_fingerprint,
)
from amtsweg.assistant.models import EvalRun, RouterExample, RouterModel, RoutingDecision, ServiceEmbedding
from amtsweg.assistant.router import TrainedRouter, train_router
from amtsweg.catalog.models import Responsibility
from amtsweg.catalog.selectors import kreis, published_services, responsibility_resolve
from amtsweg.core.audit import audit_record

EMBED_BATCH = 32


def embeddings_refresh(*, service_ids: Sequence[int] | None = None, model: str | None = None) -> int:
    """Compute and store the vectors that are not current (changed text, other model version), for each
    dense model of the search. Idempotent; commits every batch, so an interrupted run keeps its work.

    One row per service and model holds the vectors of all its units (head and passages, see
    ``SearchDocument.units``) one after the other. Returns how many services were (re)computed."""
    names = model_names(model) if model else embedding_models()
    services = list(published_services().prefetch_related("lebenslagen").order_by("pk"))
    if service_ids is not None:
        wanted = set(service_ids)
        services = [s for s in services if s.pk in wanted]
    documents = [document_from_service(service) for service in services]
    computed: set[int] = set()
    for name in names:
        stored = dict(
            ServiceEmbedding.objects.filter(model_name=name).values_list("service_id", "fingerprint")
        )
        todo = [d for d in documents if stored.get(d.pk or 0) != vector_fingerprint(name, d)]
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start : start + EMBED_BATCH]
            unit_vectors = list(document_unit_vectors(name, batch))
            with transaction.atomic():
                for document, vectors in zip(batch, unit_vectors, strict=True):
                    ServiceEmbedding.objects.update_or_create(
                        service_id=document.pk or 0,
                        model_name=name,
                        defaults={
                            "vector": to_bytes(vectors),
                            "dim": vectors.shape[1],
                            "fingerprint": vector_fingerprint(name, document),
                        },
                    )
                    computed.add(document.pk or 0)
    return len(computed)


def eval_run_record(
    *, kind: str, model_name: str, dataset: str, metrics: dict[str, Any], command: str = ""
) -> EvalRun:
    """Store one measurement for the quality page."""
    return EvalRun.objects.create(
        kind=kind, model_name=model_name[:100], dataset=dataset[:300], metrics=metrics, command=command[:500]
    )


# --- router -----------------------------------------------------------------------------------


@transaction.atomic
def router_train(
    *, actor: Any = None, examples: Sequence[tuple[str, str]] | None = None, source: str = ""
) -> RouterModel:
    """Train a router from ``examples`` (or all stored ``RouterExample`` rows) and make it the active one."""
    require(can_edit_catalog(actor, kreis()))
    rows = (
        list(examples) if examples is not None else list(RouterExample.objects.values_list("text", "label"))
    )
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    trained = train_router(texts, labels, model=primary_embedding_model())
    payload = pickle.dumps(trained, protocol=pickle.HIGHEST_PROTOCOL)
    RouterModel.objects.filter(is_active=True).update(is_active=False)
    stored = RouterModel.objects.create(
        name=f"tfidf+lr{'+' + trained.model if trained.model else ''}",
        payload=payload,
        sha256=hashlib.sha256(payload).hexdigest(),
        labels=trained.labels,
        threshold=trained.threshold,
        examples=len(rows),
    )
    audit_record(
        actor=actor,
        action="assistant.router.trained",
        obj=stored,
        changes={"examples": len(rows), "labels": len(trained.labels), "threshold": trained.threshold},
        source=source,
    )
    return stored


# Keyed by the payload's checksum, not the row id: a row id can come back (restored backup, rolled-back
# transaction) with another model behind it.
_router_cache: dict[str, TrainedRouter] = {}


def active_router() -> TrainedRouter | None:
    stored = RouterModel.objects.filter(is_active=True).order_by("-created_at").only("pk", "sha256").first()
    if stored is None:
        return None
    if stored.sha256 not in _router_cache:
        payload = bytes(RouterModel.objects.values_list("payload", flat=True).get(pk=stored.pk))
        if hashlib.sha256(payload).hexdigest() != stored.sha256:
            return None
        if len(_router_cache) > 4:
            _router_cache.clear()
        _router_cache[stored.sha256] = pickle.loads(payload)  # noqa: S301 - checksummed, see router_train
    return _router_cache[stored.sha256]


@dataclass
class Route:
    label: str
    confidence: float
    automatic: bool
    method: str
    service: Any = None
    org_unit: Any = None
    authority: Any = None


# Nearest-service routing has no calibrated probability. Its confidence: the share of the fused score of
# the three best services that points to the same office as the best one, halved when the best service
# does not fit "well enough" (see ``engine.Hit.confident``). A stop-gap until labelled examples exist.
NEAREST_SERVICE_THRESHOLD = 0.6


def route_request(*, text: str, municipality: Any = None, record: bool = True) -> Route:
    """Suggest the org unit for a free-text request; below the threshold it goes to human triage."""
    router = active_router()
    if router is not None:
        label, confidence = router.predict([text])[0]
        route = Route(label, confidence, confidence >= router.threshold, "router")
    else:
        route = _route_by_nearest_service(text, municipality)
    if record:
        RoutingDecision.objects.create(
            text_sha256=hashlib.sha256(text.encode("utf-8", "replace")).hexdigest(),
            label=route.label,
            confidence=route.confidence,
            outcome=RoutingDecision.Outcome.AUTO if route.automatic else RoutingDecision.Outcome.TRIAGE,
            method=route.method,
        )
    return route


def _default_function(service_pk: int | None) -> str:
    rule = (
        Responsibility.objects.filter(service_id=service_pk or 0, municipality__isnull=True)
        .select_related("org_unit")
        .first()
    )
    if rule is None:
        return ""
    return rule.org_unit.function if rule.org_unit else rule.org_unit_function


def _route_by_nearest_service(text: str, municipality: Any) -> Route:
    result = catalogue_engine().search(text, limit=3)
    if not result.hits:
        return Route("", 0.0, False, "naechste-leistung")
    labels = [_default_function(hit.document.pk) for hit in result.hits]
    total = sum(hit.score for hit in result.hits) or 1.0
    agreeing = sum(hit.score for hit, label in zip(result.hits, labels, strict=True) if label == labels[0])
    confidence = round((agreeing / total) * (1.0 if result.hits[0].confident else 0.5), 4)
    service = published_services().filter(pk=result.hits[0].document.pk or 0).first()
    route = Route(
        labels[0], confidence, confidence >= NEAREST_SERVICE_THRESHOLD, "naechste-leistung", service=service
    )
    if municipality is not None and service is not None:
        resolved = responsibility_resolve(service, municipality)
        if resolved is not None:
            route.org_unit, route.authority = resolved.org_unit, resolved.authority
            route.label = resolved.org_unit.function if resolved.org_unit else route.label
    return route
