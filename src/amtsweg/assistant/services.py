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
from amtsweg.assistant.router import MAX_TEXT, TrainedRouter, finer_label_column, train_router
from amtsweg.catalog.models import Responsibility
from amtsweg.catalog.selectors import kreis, published_services, responsibility_resolve
from amtsweg.core.audit import audit_record
from amtsweg.tenants.models import OrgUnit

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


def _fit_router(rows: Sequence[tuple[str, str, str]], model: str | None) -> TrainedRouter:
    """Train on (text, label, finer label) rows; the finer labels are learned when they refine the labels
    (every row has one, each inside one label: router.finer_label_column), as ``router-eval`` does."""
    texts = [text for text, _label, _detail in rows]
    labels = [label for _text, label, _detail in rows]
    details = [detail for _text, _label, detail in rows]
    fine = details if finer_label_column(labels, {"detail": details}) else None
    return train_router(texts, labels, model=model, fine_labels=fine)


@transaction.atomic
def router_train(
    *, actor: Any = None, examples: Sequence[Sequence[str]] | None = None, source: str = ""
) -> RouterModel:
    """Train a router from ``examples`` — (text, label) or (text, label, finer label) — or from all stored
    ``RouterExample`` rows, and make it the active one."""
    require(can_edit_catalog(actor, kreis()))
    rows = [
        (row[0], row[1], row[2] if len(row) > 2 else "")
        for row in (
            examples
            if examples is not None
            else RouterExample.objects.order_by("pk").values_list("text", "label", "detail")
        )
    ]
    trained = _fit_router(rows, primary_embedding_model())
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


def router_example_from_forward(*, case_reference: str, text: str, label: str) -> RouterExample | None:
    """A caseworker forwarded a free-text request to the unit with function ``label``: that is the
    right answer for ``text``. One example per case (the last forward counts); called inside the forward's
    transaction by ``cases.services.case_forward``; removed again when the case is anonymised."""
    text, label = text.strip(), label.strip()[:60]
    if not text or not label:
        return None
    example, _created = RouterExample.objects.update_or_create(
        case_reference=case_reference[:40],
        defaults={"text": text[:MAX_TEXT], "label": label, "source": "weiterleitung"},
    )
    return example


def router_examples_forget(*, case_reference: str) -> int:
    deleted, _details = RouterExample.objects.filter(case_reference=case_reference).delete()
    return deleted


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
    route = _route(text, municipality)
    if record:
        RoutingDecision.objects.create(
            text_sha256=hashlib.sha256(text.encode("utf-8", "replace")).hexdigest(),
            label=route.label,
            confidence=route.confidence,
            outcome=RoutingDecision.Outcome.AUTO if route.automatic else RoutingDecision.Outcome.TRIAGE,
            method=route.method,
        )
    return route


def _route(text: str, municipality: Any) -> Route:
    """What the portal, the intake and ``router-eval --live`` ask: the active router, else the nearest
    service."""
    router = active_router()
    if router is None:
        return _route_by_nearest_service(text, municipality)
    label, confidence = router.predict([text])[0]
    route = Route(label, confidence, confidence >= router.threshold, "router")
    # The router names an office function; the office is the town's unit with it, else the Kreis's.
    for authority in (municipality, kreis()):
        if authority is None or not label:
            continue
        unit = OrgUnit.objects.filter(authority=authority, function=label).select_related("authority").first()
        if unit is not None:
            route.org_unit, route.authority = unit, unit.authority
            break
    return route


def router_live_metrics(texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """The live router (the active model, else the nearest-service fallback) measured on labelled requests
    exactly as ``route_request`` decides them, without recording decisions: what ``router-eval --live``
    prints and the quality page shows for the router citizens get."""
    routes = [_route(text, None) for text in texts]
    correct = [route.label == label for route, label in zip(routes, labels, strict=True)]
    auto = [route.automatic for route in routes]
    auto_correct = [c for c, a in zip(correct, auto, strict=True) if a]
    router = active_router()
    return {
        "examples": len(labels),
        "classes": len(set(labels) | set(router.labels if router else [])),
        "accuracy": round(sum(correct) / len(labels), 4) if labels else 0.0,
        "threshold": router.threshold if router else NEAREST_SERVICE_THRESHOLD,
        "coverage": round(sum(auto) / len(labels), 4) if labels else 0.0,
        "precision_at_threshold": round(sum(auto_correct) / len(auto_correct), 4) if auto_correct else 0.0,
    }


def router_live_name() -> str:
    """The name of what routes live: the active model's, or ``naechste-leistung`` (the fallback)."""
    stored = RouterModel.objects.filter(is_active=True).order_by("-created_at").only("name").first()
    return stored.name if stored else "naechste-leistung"


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


# --- learning from use: scheduled retraining (champion / challenger) ------------------------------------

HELD_OUT_SHARE = 5  # every fifth new example (by a hash of its text) is held out for the comparison


@dataclass
class RetrainResult:
    decision: str  # "zu-wenig", "ersetzt", "verworfen"
    new_examples: int
    model: RouterModel | None = None


def _held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:8], 16) % HELD_OUT_SHARE == 0


def _better(challenger: dict[str, Any], champion: dict[str, Any]) -> bool:
    """Higher accuracy on the held-out cases; on a tie, more of them routed automatically."""
    if challenger["accuracy"] != champion["accuracy"]:
        return bool(challenger["accuracy"] > champion["accuracy"])
    return bool(challenger["coverage"] > champion["coverage"])


def router_retrain_if_due(*, min_new: int | None = None, source: str = "zeitplan") -> RetrainResult:
    """Train a challenger when at least ``min_new`` examples arrived since the active router was trained;
    it replaces the active router (the champion) only when it scores better on held-out new cases.

    The held-out cases are new examples neither model has seen: the champion was trained before they came,
    the challenger is trained on everything else. The comparison is stored with the challenger and shown
    on the quality page; the decision is audited.
    """
    from django.conf import settings

    from amtsweg.assistant.router import router_metrics

    min_new = settings.AMTSWEG_ASSISTANT_ROUTER_RETRAIN_MIN_NEW if min_new is None else min_new
    champion_row = RouterModel.objects.filter(is_active=True).order_by("-created_at").first()
    examples = RouterExample.objects.order_by("pk")
    new = examples.filter(created_at__gt=champion_row.created_at) if champion_row else examples
    # Counted from the last model trained, kept or not: after a rejected challenger (or a second run of
    # the same night's task) the next one waits for enough further examples.
    latest = RouterModel.objects.order_by("-created_at").first()
    arrived = examples.filter(created_at__gt=latest.created_at).count() if latest else examples.count()
    new_count = new.count()
    if arrived < max(min_new, 1):
        return RetrainResult("zu-wenig", arrived)
    held_out = [(e.text, e.label) for e in new if _held_out(e.text)]
    held_ids = {e.pk for e in new if _held_out(e.text)}
    training = [(e.text, e.label, e.detail) for e in examples if e.pk not in held_ids]
    if not held_out or len({label for _text, label, _detail in training}) < 2:
        return RetrainResult("zu-wenig", new_count)
    texts, labels = [t for t, _l in held_out], [label for _t, label in held_out]
    model = primary_embedding_model()
    challenger = _fit_router(training, model)
    challenger_metrics = router_metrics(challenger, texts, labels)
    champion = active_router()
    champion_metrics = (
        router_metrics(champion, texts, labels)
        if champion is not None
        else router_live_metrics(texts, labels)
    )
    wins = _better(challenger_metrics, champion_metrics)
    payload = pickle.dumps(challenger, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        if wins:
            RouterModel.objects.filter(is_active=True).update(is_active=False)
        stored = RouterModel.objects.create(
            name=f"tfidf+lr{'+' + model if model else ''}",
            payload=payload,
            sha256=hashlib.sha256(payload).hexdigest(),
            labels=challenger.labels,
            threshold=challenger.threshold,
            examples=len(training),
            is_active=wins,
            evaluation={
                "held_out": len(held_out),
                "new_examples": new_count,
                "challenger": challenger_metrics,
                "champion": champion_metrics,
                "champion_name": champion_row.name if champion_row else "naechste-leistung",
                "decision": "ersetzt" if wins else "verworfen",
            },
        )
        audit_record(
            actor=None,
            action="assistant.router.retrained" if wins else "assistant.router.challenger_rejected",
            obj=stored,
            changes={
                "examples": len(training),
                "held_out": len(held_out),
                "challenger_accuracy": challenger_metrics["accuracy"],
                "champion_accuracy": champion_metrics["accuracy"],
            },
            source=source,
        )
    return RetrainResult("ersetzt" if wins else "verworfen", new_count, stored)
