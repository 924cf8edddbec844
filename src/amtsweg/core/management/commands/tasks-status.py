"""``amtsweg tasks-status``: the task queue at a glance, for operators and monitoring."""

from __future__ import annotations

from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtsweg.core.models import TaskWorker
from amtsweg.core.task_recovery import live_worker_ids, task_state, tasks_needing_attention, tasks_reclaim

LABELS = {
    "failed": "fehlgeschlagen",
    "stuck": "hängt",
    "retrying": "wartet auf neuen Versuch",
    "running": "läuft",
    "waiting": "wartet",
    "done": "erledigt",
}


class Command(BaseCommand):
    help = (
        "Zeigt Worker und Hintergrundaufgaben nach Zustand. Rückgabewert 1, wenn Aufgaben fehlgeschlagen "
        "sind oder hängen (für die Überwachung)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reclaim",
            action="store_true",
            help="Aufgaben toter Worker sofort wieder einreihen (das tut jeder laufende Worker selbst)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reclaim"]:
            for task_id in tasks_reclaim():
                self.stdout.write(f"wieder eingereiht: {task_id}")
        now = timezone.now()
        alive = live_worker_ids(now)
        workers = list(TaskWorker.objects.order_by("worker_id"))
        self.stdout.write(f"Worker: {len(alive)} aktiv")
        for worker in workers:
            state = "aktiv" if worker.worker_id in alive else "ohne Lebenszeichen"
            seen = timezone.localtime(worker.last_seen_at).strftime("%d.%m.%Y %H:%M:%S")
            self.stdout.write(
                f"  {worker.worker_id} ({worker.host}, PID {worker.pid}): {state}, zuletzt {seen}"
            )
        counts: Counter[str] = Counter()
        for result in DBTaskResult.objects.exclude(status="SUCCESSFUL").only(
            "id", "status", "worker_ids", "started_at", "exception_class_path"
        ):
            counts[task_state(result, alive=alive, now=now).code] += 1
        counts["done"] = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
        self.stdout.write(
            "Aufgaben: " + ", ".join(f"{counts[code]} {label}" for code, label in LABELS.items())
        )
        attention = tasks_needing_attention(now=now)
        troubled = counts["failed"] + counts["stuck"]
        if troubled:
            self.stderr.write(
                self.style.ERROR(
                    f"{troubled} Aufgaben fehlgeschlagen oder hängend – Verwaltung → Hintergrundaufgaben."
                )
            )
            for task_id in attention[:20]:
                self.stderr.write(f"  {task_id}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Keine fehlgeschlagenen oder hängenden Aufgaben."))
