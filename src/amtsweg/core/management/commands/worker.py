"""``amtsweg worker``: works the durable task queue (django-tasks-db's worker, with recovery).

Run as many as you like, on as many machines as you like: on PostgreSQL each worker claims
its next task with ``SELECT … FOR UPDATE SKIP LOCKED``, so no task runs twice at the same time.
On top of django-tasks-db each worker keeps a heartbeat, puts the tasks of dead workers back on the
queue and retries failed attempts with a growing pause (:mod:`amtsweg.core.task_recovery`).
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from amtsweg.core.schedule import schedule_due
from amtsweg.core.task_recovery import (
    heartbeat_seconds,
    task_retry_later,
    tasks_reclaim,
    worker_heartbeat,
    worker_signoff,
)

SCHEDULE_SECONDS = 60.0
logger = logging.getLogger("amtsweg.tasks")


class RecoveringWorker(Worker):
    """django-tasks-db's worker; a failed attempt is queued again with a pause (bounded attempts)."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            try:
                task_retry_later(db_task_result)
            except Exception:  # the database went away: the task stays failed and visible in the admin
                logger.exception("Neuer Versuch für Aufgabe %s nicht eingeplant", db_task_result.pk)


def _heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    """Say "alive" every third of the lease and reclaim the tasks of dead workers; never kills the worker."""
    while not stop.is_set():
        try:
            close_old_connections()
            worker_heartbeat(worker_id)
            tasks_reclaim()
        except Exception:  # a failing database must not stop the task worker
            logger.exception("Lebenszeichen oder Rückholen von Aufgaben fehlgeschlagen")
        finally:
            connection.close()
        stop.wait(heartbeat_seconds())


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
        if options["worker_id"] is not None and not 0 < len(options["worker_id"]) <= 64:
            raise CommandError("--worker-id muss 1 bis 64 Zeichen lang sein.")
        worker_id = options["worker_id"] or f"{os.uname().nodename[:20]}-{os.getpid()}-{get_random_string(8)}"
        DbWorkerCommand(stdout=cast(TextIO, self.stdout), stderr=cast(TextIO, self.stderr)).configure_logging(
            options["verbosity"]
        )
        worker = RecoveringWorker(
            queue_names=options["queue"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            # Nothing competes for the queue in a one-shot run, so there is no herd to spread out.
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        stop = threading.Event()
        if options["batch"]:
            # A one-shot run (cron, tests) first takes back what dead workers left behind.
            tasks_reclaim()
        else:
            threading.Thread(
                target=_heartbeat_loop, args=(worker_id, stop), name="amtsweg-heartbeat", daemon=True
            ).start()
            if not options["no_schedule"]:
                threading.Thread(
                    target=_scheduler_loop, args=(stop,), name="amtsweg-schedule", daemon=True
                ).start()
        try:
            if options["reload"]:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
        finally:
            stop.set()
            if not options["batch"]:
                try:
                    worker_signoff(worker_id)
                except Exception:
                    logger.exception("Abmelden des Workers %s fehlgeschlagen", worker_id)
