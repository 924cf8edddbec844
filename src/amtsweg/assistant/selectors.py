"""Reads of the assistant for its pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count

from amtsweg.assistant.index import embedding_status
from amtsweg.assistant.models import EvalRun, RouterExample, RouterModel, RoutingDecision


def latest_eval_runs() -> list[EvalRun]:
    """The newest run per (kind, model, data set)."""
    seen: set[tuple[str, str, str]] = set()
    latest = []
    for run in EvalRun.objects.order_by("-created_at")[:500]:
        key = (run.kind, run.model_name, run.dataset)
        if key not in seen:
            seen.add(key)
            latest.append(run)
    return sorted(latest, key=lambda run: (run.kind, run.model_name, run.dataset))


def quality_overview() -> dict[str, Any]:
    decisions = dict(
        RoutingDecision.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    total = sum(decisions.values())
    triage = decisions.get(RoutingDecision.Outcome.TRIAGE, 0)
    status = embedding_status()
    active = RouterModel.objects.filter(is_active=True).order_by("-created_at").first()
    examples = RouterExample.objects.all()
    new_examples = examples.filter(created_at__gt=active.created_at) if active else examples
    return {
        "retrainings": list(RouterModel.objects.exclude(evaluation={}).order_by("-created_at")[:5]),
        "examples_total": examples.count(),
        "examples_from_forwards": examples.filter(source="weiterleitung").count(),
        "examples_new": new_examples.count(),
        "retrain_min_new": settings.AMTSWEG_ASSISTANT_ROUTER_RETRAIN_MIN_NEW,
        "runs": latest_eval_runs(),
        "router": RouterModel.objects.filter(is_active=True).order_by("-created_at").first(),
        "decisions_total": total,
        "decisions_triage": triage,
        "triage_share": (triage / total) if total else None,
        "embedding_model": status.model,
        "embeddings_current": status.current,
        "services_published": status.total,
    }
