"""``amtsweg worker``: works the durable task queue (django-tasks-db's ``db_worker``).

Run as many as you like, on as many machines as you like: on PostgreSQL each worker claims
its next task with ``SELECT … FOR UPDATE SKIP LOCKED``, so no task runs twice.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from amtsweg.core.schedule import schedule_due

SCHEDULE_SECONDS = 60.0


def _scheduler_loop(stop: threading.Event) -> None:
    """Enqueue due periodic jobs once a minute (see amtsweg.core.schedule); never lets the worker die."""
    while not stop.is_set():
        try:
            close_old_connections()
            schedule_due()
        except Exception:  # a failing database must not stop the task worker
            logging.getLogger("amtsweg.schedule").exception("Planen der periodischen Aufgaben fehlgeschlagen")
        finally:
            connection.close()
        stop.wait(SCHEDULE_SECONDS)


class Command(BaseCommand):
    help = (
        "Arbeitet die Hintergrundaufgaben ab (Suchindex, E-Mails, …). "
        "Strg+C beendet nach der laufenden Aufgabe."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            default="default",
            help="Warteschlangen, durch Komma getrennt; '*' für alle (Standard: default)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Alle wartenden Aufgaben abarbeiten und dann beenden (für Cron und Tests)",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Nach so vielen Aufgaben beenden (Standard: nie)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Sekunden Pause, wenn keine Aufgabe wartet (Standard: 1)",
        )
        parser.add_argument("--worker-id", default=None, help="Eindeutige Kennung dieses Prozesses")
        parser.add_argument(
            "--reload", action="store_true", help="Bei Codeänderungen neu starten (nur Entwicklung)"
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Keine periodischen Aufgaben einplanen (dann `amtsweg schedule --once` per Cron)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError("--max-tasks muss mindestens 1 sein.")
        if options["interval"] < 0:
            raise CommandError("--interval darf nicht negativ sein.")
        worker_args = [
            "--queue-name",
            options["queue"],
            "--interval",
            str(options["interval"]),
            "--reload" if options["reload"] else "--no-reload",
        ]
        if options["batch"]:
            # Nothing competes for the queue in a one-shot run, so there is no herd to spread out.
            worker_args += ["--batch", "--no-startup-delay"]
        if options["max_tasks"] is not None:
            worker_args += ["--max-tasks", str(options["max_tasks"])]
        if options["worker_id"]:
            worker_args += ["--worker-id", options["worker_id"]]
        stop = threading.Event()
        if not options["batch"] and not options["no_schedule"]:
            scheduler = threading.Thread(
                target=_scheduler_loop, args=(stop,), name="amtsweg-schedule", daemon=True
            )
            scheduler.start()
        try:
            call_command("db_worker", *worker_args, verbosity=options["verbosity"])
        finally:
            stop.set()
