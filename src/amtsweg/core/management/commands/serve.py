"""``amtsweg serve``: the production web server (gunicorn) with the Amtsweg WSGI application.

Options come from the command line only, so that everything an operator sets through the
environment stays in ``settings.py`` and ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"


def default_workers() -> int:
    """Two processes per core, at least two: Django requests mostly wait on the database."""
    return max(2, 2 * (os.cpu_count() or 1))


class AmtswegServer(BaseApplication):
    """gunicorn configured from our options instead of its own command line and config files."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from amtsweg.wsgi import application

        return application


def _uses_manifest_storage() -> bool:
    return isinstance(staticfiles_storage, ManifestFilesMixin)


def _pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Startet den Webserver (gunicorn) mit Amtsweg. Zugriffsprotokoll auf die Standardausgabe."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, help=f"Adresse und Port (Standard: {DEFAULT_BIND})"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Anzahl der Arbeitsprozesse (Standard: 2 je CPU-Kern)",
        )
        parser.add_argument("--threads", type=int, default=1, help="Threads je Arbeitsprozess (Standard: 1)")
        parser.add_argument(
            "--timeout", type=int, default=30, help="Sekunden bis ein hängender Prozess ersetzt wird"
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=0,
            help="Prozess nach so vielen Anfragen erneuern (0: nie)",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="Kein Zugriffsprotokoll schreiben (z. B. für Messungen)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers und --threads müssen mindestens 1 sein.")
        if _uses_manifest_storage() and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            raise CommandError(
                f"Die statischen Dateien fehlen in {settings.STATIC_ROOT}. "
                "Bitte zuerst `amtsweg collectstatic --noinput` ausführen."
            )
        try:
            pending = _pending_migrations()
        except Exception as error:  # start anyway: the pages report the database problem themselves
            self.stderr.write(f"Warnung: Datenbank nicht erreichbar ({error}).")
        else:
            if pending:
                self.stderr.write(
                    f"Warnung: {pending} Datenbankmigrationen fehlen. Bitte `amtsweg migrate` ausführen."
                )
        # The master process must not hand an open connection to the forked workers.
        connections.close_all()
        server_options: dict[str, Any] = {
            "bind": [options["bind"]],
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread" if options["threads"] > 1 else "sync",
            "timeout": options["timeout"],
            "graceful_timeout": 20,
            "max_requests": options["max_requests"],
            "max_requests_jitter": options["max_requests"] // 10,
            "accesslog": None if options["no_access_log"] else "-",
            "errorlog": "-",
            # Tokens of e-mail links are replaced by "[entfernt]" in the access log.
            "logger_class": "amtsweg.core.logredact.GunicornLogger",
            "proc_name": "amtsweg",
            # Load Django once in the master; workers share its memory pages.
            "preload_app": True,
            "forwarded_allow_ips": "127.0.0.1,::1",
            # gunicorn's control socket has one fixed path per user; two servers would fight over it.
            "control_socket_disable": True,
        }
        self.stdout.write(
            f"Amtsweg startet auf http://{options['bind']}/ mit {options['workers']} Prozessen."
        )
        self.stdout.flush()
        AmtswegServer(server_options).run()
