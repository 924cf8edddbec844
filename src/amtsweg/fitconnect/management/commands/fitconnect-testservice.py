"""``amtsweg fitconnect-testservice``: run the local FIT-Connect test service for the demo.

It learns the destinations whose Submission API address is its own from the database (clients, public
keys, services, callback) and accepts the demo online service as a sender. State is in memory only.
"""

from __future__ import annotations

import contextlib
import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from werkzeug.serving import make_server
from werkzeug.test import Client

from amtsweg.fitconnect.testservice.app import FitConnectTestService
from amtsweg.fitconnect.testservice.setup import local_service_setup


class Command(BaseCommand):
    help = "Startet den lokalen FIT-Connect-Testdienst (Submission und Routing API) für die Demo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010, help="Port (Standard: 8010)")
        parser.add_argument(
            "--sender-id", default="demo-efa-onlinedienst", help="Client-ID des Test-Onlinedienstes"
        )
        parser.add_argument(
            "--sender-secret",
            default="demo-sender-secret-nur-fuer-den-lokalen-testdienst",
            help="Client-Secret des Test-Onlinedienstes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        service = FitConnectTestService()
        server = make_server(options["host"], options["port"], service, threaded=True)
        base_url = f"http://{options['host']}:{server.server_port}"
        service.set_base_url(base_url)
        setup = local_service_setup(
            base_url, sender_id=options["sender_id"], sender_secret=options["sender_secret"]
        )
        response = Client(service).post("/_test/setup", json=setup)
        if response.status_code != 200:
            self.stderr.write(f"Einrichtung fehlgeschlagen: {response.get_data(as_text=True)}")
        self.stdout.write(
            f"FIT-Connect-Testdienst läuft auf {base_url} ({len(setup['destinations'])} Zustellpunkt(e)); "
            "Ende mit Strg+C."
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
