"""Measuring the assistant: search quality on (catalogue file, queries CSV) and router quality.

Both evaluations run purely in memory: the search builds a fresh engine from the catalogue file (the
services an import of it would create) and ranks with the portal's own functions (``portal_search``),
the router trains a fresh model from the training file. The live database is never written.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from amtsweg.assistant.documents import SearchDocument
from amtsweg.assistant.engine import BM25_ONLY, HybridEngine, Weights
from amtsweg.assistant.portal_search import answer_ranking, detect_lebenslage, search_ranking


class EvaluationInputError(ValueError):
    """A file the evaluation cannot use (German message)."""


def read_gold_queries(path: Path) -> OrderedDict[str, set[str]]:
    """``query,gold_id`` rows; several rows with one query are several correct answers."""
    gold: OrderedDict[str, set[str]] = OrderedDict()
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            fields = {name.strip().lower() for name in reader.fieldnames or []}
            if not {"query", "gold_id"} <= fields:
                raise EvaluationInputError(f"{path.name}: Spalten „query“ und „gold_id“ werden erwartet.")
            for row in reader:
                row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
                query, gold_id = row["query"].strip(), row["gold_id"].strip()
                if query and gold_id:
                    gold.setdefault(query, set()).add(gold_id)
    except UnicodeDecodeError as error:
        raise EvaluationInputError(f"{path.name} ist nicht UTF-8-kodiert.") from error
    return gold


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


MODES = ("suche", "frage")


def ranked_keys(
    engine: HybridEngine,
    query: str,
    *,
    mode: str = "suche",
    weights: Weights | None = None,
    towns: Sequence[Any] | None = None,
) -> list[str]:
    """The ids of the services the portal shows for ``query``, in order: ``/suche/`` (``mode="suche"``, up
    to ``AMTSWEG_SEARCH_RESULTS``) or "Frag den Kreis" (``"frage"``, its 3 answers). The same functions and
    limits as the live pages."""
    if mode == "frage":
        lebenslage = detect_lebenslage(query)
        ranking = answer_ranking(engine, query, towns=towns, lebenslage=lebenslage, weights=weights)
    else:
        limit = settings.AMTSWEG_SEARCH_RESULTS
        ranking = search_ranking(engine, query, limit=limit, towns=towns, weights=weights)
    return ranking.keys


def search_metrics(
    engine: HybridEngine,
    gold: OrderedDict[str, set[str]],
    *,
    weights: Weights | None = None,
    mode: str = "suche",
    towns: Sequence[Any] | None = None,
    rankings: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """recall@1, recall@5 (a correct service among the first k), MRR@10 and latency of what the portal shows.

    A query for which the portal shows nothing ("nothing fits well enough") counts as a miss. ``rankings``,
    when given, receives the shown ids per query.
    """
    hits1 = hits5 = 0
    reciprocal = 0.0
    latencies: list[float] = []
    for query, answers in gold.items():
        started = time.perf_counter()
        keys = ranked_keys(engine, query, mode=mode, weights=weights, towns=towns)
        latencies.append((time.perf_counter() - started) * 1000)
        if rankings is not None:
            rankings[query] = keys
        hits1 += bool(set(keys[:1]) & answers)
        hits5 += bool(set(keys[:5]) & answers)
        for rank, key in enumerate(keys[:10], start=1):
            if key in answers:
                reciprocal += 1 / rank
                break
    n = max(len(gold), 1)
    return {
        "queries": len(gold),
        "recall@1": round(hits1 / n, 4),
        "recall@5": round(hits5 / n, 4),
        "mrr@10": round(reciprocal / n, 4),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else 0.0,
        "p95_ms": round(_percentile(latencies, 0.95), 2),
    }


@dataclass
class TuningRow:
    dense: float
    metrics: dict[str, Any]


def tune_weights(
    engine: HybridEngine, gold: OrderedDict[str, set[str]], *, towns: Sequence[Any] | None = None
) -> list[TuningRow]:
    """Grid over the dense share (0.0 … 1.0); the caller picks the best MRR."""
    rows = []
    for step in range(11):
        dense = step / 10
        weights = Weights(bm25=1 - dense, dense=dense)
        rows.append(TuningRow(dense, search_metrics(engine, gold, weights=weights, towns=towns)))
    return rows


def unknown_gold_ids(documents: list[SearchDocument], gold: OrderedDict[str, set[str]]) -> set[str]:
    keys = {document.key for document in documents}
    return {gold_id for answers in gold.values() for gold_id in answers} - keys


__all__ = ["BM25_ONLY", "EvaluationInputError", "read_gold_queries", "search_metrics", "tune_weights"]
