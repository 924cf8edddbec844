"""``amtsweg router-eval --train A.csv --test B.csv --text-column COL --label-column COL``.

Trains a fresh router on A (in memory, with the same code the portal's router is trained with), tests it on
B and prints as the **last line** one JSON object: accuracy, macro-F1, the target precision, the threshold
chosen for it on A, and on B the coverage (share routed automatically) and the precision of those.

``amtsweg router-eval --live --test B.csv …`` measures instead what routes in this installation right now
(the active model, else the nearest-service fallback), exactly as the portal and the intake decide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.assistant.embeddings import embedders
from amtsweg.assistant.index import primary_embedding_model
from amtsweg.assistant.management.commands import (
    FINE_LABEL_HELP,
    finer_labels,
    read_labelled_file,
    read_table,
)
from amtsweg.assistant.router import router_metrics, train_router


class Command(BaseCommand):
    help = "Misst den Router: trainiert auf --train, testet auf --test; letzte Zeile JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", type=Path, default=None)
        parser.add_argument(
            "--live",
            action="store_true",
            help="Statt ein Modell zu trainieren: den Router messen, der hier gerade zuordnet "
            "(aktives Modell, sonst die nächste Leistung).",
        )
        parser.add_argument("--test", required=True, type=Path)
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--label-column", required=True)
        parser.add_argument(
            "--model", default=None, help="Einbettungsmodell (Standard: Einstellung); 'none' = nur TF-IDF."
        )
        parser.add_argument(
            "--target-precision",
            type=float,
            default=None,
            help="Zielgenauigkeit, für die die Schwelle gewählt wird (Standard: Einstellung, 0.95).",
        )
        parser.add_argument(
            "--fine-label-column",
            default=None,
            help=FINE_LABEL_HELP,
        )
        parser.add_argument(
            "--record", action="store_true", help="Ergebnis für die Qualitätsseite speichern."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["live"]:
            self._live(options)
            return
        if options["train"] is None:
            raise CommandError("Bitte --train (Trainingsdatei) oder --live angeben.")
        model = options["model"] or primary_embedding_model()
        if model == "none":
            model = None
        elif model is not None and model not in embedders:
            raise CommandError(f"Unbekanntes Einbettungsmodell: {model}")
        columns, rows = read_table(options["train"], (options["text_column"], options["label_column"]))
        rows = [row for row in rows if row[options["label_column"]].strip()]
        train = (
            [row[options["text_column"]] for row in rows],
            [row[options["label_column"]].strip() for row in rows],
        )
        test = read_labelled_file(options["test"], options["text_column"], options["label_column"])
        if not test[0]:
            raise CommandError("Die Testdatei enthält keine beschrifteten Zeilen.")
        fine_column, fine = finer_labels(options, columns, rows, self.stdout)
        try:
            router = train_router(*train, model=model, target=options["target_precision"], fine_labels=fine)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Trainiert: {len(train[0])} Beispiele, {len(router.labels)} Klassen, Modell {model or 'keins'}, "
            f"Schwelle {router.threshold} für Genauigkeit {router.target}"
        )
        metrics = router_metrics(router, *test)
        if options["record"]:
            from amtsweg.assistant.services import eval_run_record

            eval_run_record(
                kind="router",
                model_name=f"tfidf+lr{'+' + model if model else ''}",
                dataset=f"{options['train'].name} → {options['test'].name}",
                metrics=metrics,
                command=(
                    f"amtsweg router-eval --train {options['train']} --test {options['test']} "
                    f"--text-column {options['text_column']} --label-column {options['label_column']} "
                    f"--model {model or 'none'} --target-precision {router.target}"
                    + f" --fine-label-column {fine_column or 'none'}"
                ),
            )
        self.stdout.write(json.dumps(metrics, ensure_ascii=False))

    def _live(self, options: dict[str, Any]) -> None:
        from amtsweg.assistant.services import router_live_metrics, router_live_name

        if options["train"] is not None or options["fine_label_column"] not in (None, "none"):
            raise CommandError("--live misst den aktiven Router: ohne --train und --fine-label-column.")
        texts, labels = read_labelled_file(options["test"], options["text_column"], options["label_column"])
        if not texts:
            raise CommandError("Die Testdatei enthält keine beschrifteten Zeilen.")
        name = router_live_name()
        metrics = router_live_metrics(texts, labels)
        self.stdout.write(f"Gemessen: der Router dieser Installation ({name}) auf {len(texts)} Anliegen")
        if options["record"]:
            from amtsweg.assistant.services import eval_run_record

            eval_run_record(
                kind="router",
                model_name=f"{name} (live)",
                dataset=options["test"].name,
                metrics=metrics,
                command=(
                    f"amtsweg router-eval --live --test {options['test']} --text-column "
                    f"{options['text_column']} --label-column {options['label_column']}"
                ),
            )
        self.stdout.write(json.dumps(metrics, ensure_ascii=False))
