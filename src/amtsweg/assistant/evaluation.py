"""Measuring the assistant: search quality on (catalogue file, queries CSV) and router quality.

Both evaluations run purely in memory: the search builds a fresh engine from the catalogue file, the
router trains a fresh model from the training file. The live database is never written.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amtsweg.assistant.documents import SearchDocument
from amtsweg.assistant.engine import BM25_ONLY, HybridEngine, Weights


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


def search_metrics(
    engine: HybridEngine, gold: OrderedDict[str, set[str]], *, weights: Weights | None = None
) -> dict[str, Any]:
    """recall@1, recall@5 (a correct service among the first k), MRR@10 and latency."""
    hits1 = hits5 = 0
    reciprocal = 0.0
    latencies: list[float] = []
    for query, answers in gold.items():
        started = time.perf_counter()
        result = engine.search(query, limit=10, weights=weights)
        latencies.append((time.perf_counter() - started) * 1000)
        keys = [hit.document.key for hit in result.hits]
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


def tune_weights(engine: HybridEngine, gold: OrderedDict[str, set[str]]) -> list[TuningRow]:
    """Grid over the dense share (0.0 … 1.0); the caller picks the best MRR."""
    rows = []
    for step in range(11):
        dense = step / 10
        rows.append(
            TuningRow(dense, search_metrics(engine, gold, weights=Weights(bm25=1 - dense, dense=dense)))
        )
    return rows


def unknown_gold_ids(documents: list[SearchDocument], gold: OrderedDict[str, set[str]]) -> set[str]:
    keys = {document.key for document in documents}
    return {gold_id for answers in gold.values() for gold_id in answers} - keys


__all__ = ["BM25_ONLY", "EvaluationInputError", "read_gold_queries", "search_metrics", "tune_weights"]
