"""Reads of the assistant for its pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from amtsweg.assistant.index import embedding_status
from amtsweg.assistant.models import EvalRun, RouterExample, RouterModel, RoutingDecision

# How each figure an evaluation command records is shown on the quality page: a German label, an
# explanation for the non-obvious ones, and the kind of value (share → percent, ms, count, score 0–1).
METRIC_LABELS: dict[str, tuple[Any, Any, str]] = {
    "queries": (_("Suchanfragen im Testsatz"), "", "count"),
    "recall@1": (_("Richtige Leistung an erster Stelle"), _("Anteil der Suchanfragen"), "share"),
    "recall@5": (
        _("Trefferquote unter den ersten 5"),
        _("Anteil der Suchanfragen, bei denen eine richtige Leistung unter den ersten fünf Treffern ist"),
        "share",
    ),
    "mrr@10": (
        _("MRR@10 (mittlerer Kehrwert des Rangs)"),
        _(
            "1 geteilt durch die Stelle der ersten richtigen Leistung unter den ersten zehn Treffern, "
            "gemittelt über alle Suchanfragen: 1 = immer an erster Stelle, 0,5 = im Mittel an zweiter Stelle"
        ),
        "score",
    ),
    "p50_ms": (_("Antwortzeit, Median"), _("die Hälfte der Suchanfragen war schneller"), "ms"),
    "p95_ms": (_("Antwortzeit, 95. Perzentil"), _("95 von 100 Suchanfragen waren schneller"), "ms"),
    "bm25_recall@5": (
        _("Zum Vergleich, nur Wortsuche (BM25): Trefferquote unter den ersten 5"),
        "",
        "share",
    ),
    "bm25_mrr@10": (_("Zum Vergleich, nur Wortsuche (BM25): MRR@10"), "", "score"),
    "examples": (_("Testfälle"), "", "count"),
    "classes": (_("Kategorien"), "", "count"),
    "accuracy": (_("Richtig zugeordnet (Genauigkeit)"), _("Anteil aller Testfälle"), "share"),
    "macro_f1": (
        _("Macro-F1"),
        _("Mittel der Trefferquoten über alle Kategorien, seltene zählen gleich viel; 1 = fehlerfrei"),
        "score",
    ),
    "target_precision": (_("Zielgenauigkeit der automatischen Zuordnung"), "", "share"),
    "threshold": (
        _("Schwelle"),
        _("Mindestsicherheit des Modells, ab der ein Anliegen ohne Sichtung zugeordnet wird"),
        "score",
    ),
    "coverage": (
        _("Automatisch zugeordnet (Abdeckung)"),
        _("Anteil der Testfälle oberhalb der Schwelle; der Rest geht an die Sichtung durch Menschen"),
        "share",
    ),
    "precision_at_threshold": (
        _("Davon richtig"),
        _("Genauigkeit der automatisch zugeordneten Testfälle"),
        "share",
    ),
}


def percent(value: float, decimals: int = 1) -> str:
    """A share (0–1) as a German percentage, e.g. 0.935 → "93,5 %"."""
    return f"{number_format(round(value * 100, decimals), decimals)} %"  # number_format cuts, not rounds


def metric_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures of one measurement as the quality page shows them: German label, explanation, value."""
    rows = []
    for key, value in metrics.items():
        label, explanation, kind = METRIC_LABELS.get(key, (key, "", "raw"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = str(value)
        elif kind == "share":
            shown = percent(value)
        elif kind == "ms":
            shown = f"{number_format(round(value, 1), 1)} ms"
        elif kind == "count":
            shown = number_format(value, 0, force_grouping=True)
        else:
            places = 3 if isinstance(value, float) else 0
            shown = number_format(round(value, places), places)
        rows.append({"key": key, "label": label, "explanation": explanation, "value": shown})
    return rows


def model_label(name: str) -> str:
    """How the quality page names a model: the fallback router by what it does, not by its key."""
    base, live = name.removesuffix(" (live)"), name.endswith(" (live)")
    if base == "naechste-leistung":
        base = str(_("Zuordnung über die ähnlichste Leistung"))
    return f"{base} ({_('im Einsatz')})" if live else base


def latest_eval_runs() -> list[EvalRun]:
    """The newest run per (kind, model, data set)."""
    seen: set[tuple[str, str, str]] = set()
    latest = []
    for run in EvalRun.objects.order_by("-created_at")[:500]:
        key = (run.kind, run.model_name, run.dataset)
        if key not in seen:
            seen.add(key)
            run.rows = metric_rows(run.metrics)  # type: ignore[attr-defined]
            run.label = model_label(run.model_name)  # type: ignore[attr-defined]
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
    runs = latest_eval_runs()
    shown = {row["key"] for run in runs for row in run.rows}  # type: ignore[attr-defined]
    glossary = [
        {"label": label, "explanation": explanation}
        for key, (label, explanation, _kind) in METRIC_LABELS.items()
        if key in shown and explanation
    ]
    return {
        "glossary": glossary,
        "retrainings": list(RouterModel.objects.exclude(evaluation={}).order_by("-created_at")[:5]),
        "examples_total": examples.count(),
        "examples_from_forwards": examples.filter(source="weiterleitung").count(),
        "examples_new": new_examples.count(),
        "retrain_min_new": settings.AMTSWEG_ASSISTANT_ROUTER_RETRAIN_MIN_NEW,
        "runs": runs,
        "router": RouterModel.objects.filter(is_active=True).order_by("-created_at").first(),
        "decisions_total": total,
        "decisions_triage": triage,
        "triage_share": percent(triage / total) if total else None,
        "embedding_model": status.model,
        "embeddings_current": status.current,
        "services_published": status.total,
    }
