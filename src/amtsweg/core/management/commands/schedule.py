"""``amtsweg schedule``: enqueue the periodic jobs that are due (see amtsweg.core.schedule)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from amtsweg.core.schedule import periodic_jobs, schedule_due


class Command(BaseCommand):
    help = (
        "Reiht fällige periodische Aufgaben ein (Entwürfe löschen, Fristen, Erinnerungen). "
        "`amtsweg worker` tut das selbst jede Minute; dieser Befehl ist für Cron oder zur Kontrolle."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Einmal prüfen und beenden")
        parser.add_argument("--list", action="store_true", help="Die registrierten Aufgaben anzeigen")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for name, job in periodic_jobs:
                self.stdout.write(f"{name}: alle {job.every} – {job.description}")
            return
        while True:
            for name in schedule_due():
                self.stdout.write(f"eingereiht: {name}")
            if options["once"]:
                return
            time.sleep(60)
