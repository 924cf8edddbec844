"""``amtsweg demo``: prepares the database and demo data, then runs web server and worker together.

It is what ``make demo`` runs: the same gunicorn server and task worker as in production, as two
child processes of this one. Ctrl+C stops both; when one of them dies, the other is stopped too.
A third child, the local FIT-Connect test service (``amtsweg fitconnect-testservice`` on port 8010), is
started when the FIT-Connect app is installed; the demo goes on without it if it cannot start.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# The demo app is reached by name only: core must not import another app (docs/architecture.md).
LOAD_COMMAND = "load-demo"
# The local FIT-Connect test service (app fitconnect), started by name when it is installed; the demo's
# destination points at this port (amtsweg.demo.fitconnect).
FITCONNECT_COMMAND = "fitconnect-testservice"
FITCONNECT_PORT = 8010
LOGINS_MODULE = "amtsweg.demo.loader"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 25.0


class _Stop(Exception):
    """Raised from the SIGTERM handler so that ``make demo`` stopped from outside cleans up too."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _demo_logins_function() -> Callable[[], list[tuple[str, str, str]]]:
    try:
        module = importlib.import_module(LOGINS_MODULE)
    except ImportError as error:
        raise CommandError(
            f"Die Demodaten fehlen: {LOGINS_MODULE} lässt sich nicht laden ({error})."
        ) from error
    function = getattr(module, "demo_logins", None)
    if not callable(function):
        raise CommandError(f"Die Demodaten fehlen: {LOGINS_MODULE}.demo_logins() gibt es nicht.")
    return function


def _probe_url(bind: str) -> str:
    host, _, port = bind.rpartition(":")
    if host in {"", "0.0.0.0", "[::]"}:  # noqa: S104 - we only connect to it
        host = "127.0.0.1"
    return f"http://{host}:{port}"


PAYMENT_SIMULATOR = "payment-simulator"  # amtsweg.payments, reached by command name (core imports no app)


def demo_payment_url(bind: str, environ: Mapping[str, str]) -> str:
    """Where the demo's test payment provider listens: ``AMTSWEG_DEMO_PAYMENT_URL`` when the operator set
    it, else the port of the portal plus 81 (8000 → 8081), so that two demos on different ports can run."""
    if environ.get("AMTSWEG_DEMO_PAYMENT_URL"):
        return environ["AMTSWEG_DEMO_PAYMENT_URL"].rstrip("/")
    host, _colon, port = bind.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0", "[::]") else host  # noqa: S104 - compared, not bound
    return f"http://{host}:{int(port or 8000) + 81}/xbzd/bezahldienst/api/v1"


def demo_bind_check(bind: str, commands: Mapping[str, str] | None = None) -> None:
    """Refuse a ``--bind`` port that one of the demo's own services needs.

    Seen: ``amtsweg demo --bind 127.0.0.1:8010`` started the portal on the port of the FIT-Connect test
    service; the test service died, the worker then asked the portal for FIT-Connect tokens (HTTP 404)
    every few minutes, and the welcome text still named 8010 as the test service.
    """
    _host, _colon, port = bind.rpartition(":")
    installed = get_commands() if commands is None else commands
    if FITCONNECT_COMMAND in installed and port == str(FITCONNECT_PORT):
        raise CommandError(
            f"Port {FITCONNECT_PORT} braucht die Demo für den FIT-Connect-Testdienst. Bitte wählen Sie "
            "einen anderen Port, zum Beispiel --bind 127.0.0.1:8020 "
            "(mit make: make demo DEMO_BIND=127.0.0.1:8020)."
        )


def demo_child_env(bind: str, environ: Mapping[str, str]) -> dict[str, str]:
    """Environment of the web server and the worker of the demo.

    E-mails go to files and are listed at /antrag/demo-postausgang/; the links in them (access link,
    receipt) point at the address the demo really serves (``--bind``), unless AMTSWEG_PUBLIC_URL is set.
    """
    child_env = dict(environ)
    child_env.setdefault("AMTSWEG_DEMO_OUTBOX", "true")
    child_env.setdefault("AMTSWEG_PUBLIC_URL", _probe_url(bind))
    child_env["AMTSWEG_DEMO_PAYMENT_URL"] = demo_payment_url(bind, environ)
    return child_env


class Command(BaseCommand):
    help = "Richtet die Demo ein (Datenbank, Demodaten) und startet Webserver und Hintergrundprozess."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="Adresse und Port (Standard: 127.0.0.1:8000)"
        )
        parser.add_argument("--workers", type=int, default=2, help="Prozesse des Webservers (Standard: 2)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "Die Demo legt Zugänge mit bekannten Passwörtern an und läuft darum nicht mit "
                "AMTSWEG_ENVIRONMENT=production."
            )
        if LOAD_COMMAND not in get_commands():
            raise CommandError(
                f"Der Befehl `amtsweg {LOAD_COMMAND}` fehlt; ohne ihn gibt es keine Demodaten."
            )
        demo_bind_check(options["bind"])
        demo_logins = _demo_logins_function()
        totp_secret = getattr(importlib.import_module(LOGINS_MODULE), "demo_totp_secret", None)

        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Datenbank wird eingerichtet …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Statische Dateien werden gesammelt …")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Demodaten werden geladen …")
        # The demo data name the test payment provider started below; its address follows --bind.
        settings.AMTSWEG_DEMO_PAYMENT_URL = demo_payment_url(options["bind"], os.environ)
        call_command(LOAD_COMMAND)
        logins = demo_logins()
        self.totp_secret = totp_secret() if callable(totp_secret) else ""
        # The children open their own connections; ours must not linger (SQLite locks, PostgreSQL slots).
        connections.close_all()
        self._run(options["bind"], options["workers"], logins)

    def _run(self, bind: str, workers: int, logins: list[tuple[str, str, str]]) -> None:
        cli = [sys.executable, "-m", "amtsweg.cli"]
        previous_handler = signal.signal(signal.SIGTERM, _raise_stop)
        children: dict[str, subprocess.Popen[bytes]] = {}
        optional: dict[str, subprocess.Popen[bytes]] = {}  # may end without stopping the demo
        try:
            serve = [*cli, "serve", "--bind", bind, "--workers", str(workers)]
            child_env = demo_child_env(bind, os.environ)
            children["Webserver"] = subprocess.Popen(serve, env=child_env)  # noqa: S603
            children["Hintergrundprozess"] = subprocess.Popen([*cli, "worker"], env=child_env)  # noqa: S603
            if FITCONNECT_COMMAND in get_commands():
                optional["FIT-Connect-Testdienst"] = subprocess.Popen(  # noqa: S603
                    [*cli, FITCONNECT_COMMAND, "--port", str(FITCONNECT_PORT)], env=child_env
                )
            if PAYMENT_SIMULATOR in get_commands():
                payment = urllib.parse.urlsplit(child_env["AMTSWEG_DEMO_PAYMENT_URL"])
                simulator = [
                    *cli,
                    PAYMENT_SIMULATOR,
                    "--host",
                    payment.hostname or "127.0.0.1",
                    "--port",
                    str(payment.port or 8081),
                ]
                optional["Testbezahldienst"] = subprocess.Popen(simulator, env=child_env)  # noqa: S603
            base_url = _probe_url(bind)
            self._wait_until_up(base_url, children)
            self._print_welcome(base_url, logins, fitconnect="FIT-Connect-Testdienst" in optional)
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        raise CommandError(
                            f"{name} hat sich beendet (Rückgabewert {child.returncode}); "
                            "die Demo wird gestoppt."
                        )
                for name, child in list(optional.items()):
                    if child.poll() is not None:  # e.g. its port is taken: the demo goes on without it
                        self.stderr.write(
                            f"{name} hat sich beendet (Rückgabewert {child.returncode}); die Demo läuft "
                            "ohne ihn weiter (ist sein Port belegt?)."
                        )
                        del optional[name]
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stop):
            self.stdout.write("\nAmtsweg wird beendet …")
        finally:
            self._stop({**children, **optional})
            signal.signal(signal.SIGTERM, previous_handler)
        self.stdout.write("Amtsweg ist beendet.")

    def _wait_until_up(self, base_url: str, children: dict[str, subprocess.Popen[bytes]]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            for name, child in children.items():
                if child.poll() is not None:
                    raise CommandError(f"{name} konnte nicht starten (Rückgabewert {child.returncode}).")
            try:
                with urllib.request.urlopen(f"{base_url}/health/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise CommandError(
            f"Der Webserver antwortet nach {STARTUP_TIMEOUT:.0f} Sekunden nicht unter {base_url}."
        )

    def _print_welcome(
        self, base_url: str, logins: list[tuple[str, str, str]], *, fitconnect: bool = False
    ) -> None:
        lines = [
            "",
            "=" * 72,
            "Amtsweg läuft.",
            f"  Bürgerportal:  {base_url}/",
            f"  Verwaltung:    {base_url}/admin/",
            f"  E-Mails:       {base_url}/antrag/demo-postausgang/  (Dateien in {settings.AMTSWEG_MAIL_DIR})",
            f"  Testbezahldienst (kein echtes Geld): {settings.AMTSWEG_DEMO_PAYMENT_URL}",
            "",
        ]
        if fitconnect:
            lines += [
                f"  FIT-Connect:   lokaler Testdienst auf http://127.0.0.1:{FITCONNECT_PORT};",
                "                 einen Testantrag eines EfA-Onlinedienstes senden:",
                "                 .venv/bin/amtsweg fitconnect-send-test",
            ]
        lines += [
            "",
            "Demo-Zugänge (nur für diese Demo):",
        ]
        width = max((len(user) for user, _, _ in logins), default=8)
        lines += [f"  {user:<{width}}  Passwort: {password}  ({role})" for user, password, role in logins]
        if getattr(self, "totp_secret", ""):
            lines += [
                "",
                "Beschäftigte melden sich mit einem zweiten Faktor an. Tragen Sie diesen Demo-Schlüssel",
                "in eine Authenticator-App ein (zeitbasiert, 6 Ziffern, 30 Sekunden):",
                f"  {self.totp_secret}",
            ]
        lines += ["", "Beenden mit Strg+C.", "=" * 72, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
