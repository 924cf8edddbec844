"""The `amtsweg` command: its subcommands, the task worker and the web server, run for real."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from amtsweg.catalog.models import SearchTerm
from amtsweg.catalog.search import search_services
from amtsweg.catalog.services import service_create
from amtsweg.tenants.models import Authority


def _amtsweg() -> list[str]:
    """The installed console script next to this interpreter, else the module it runs."""
    script = Path(sys.executable).with_name("amtsweg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amtsweg.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_the_operations_commands() -> None:
    result = subprocess.run([*_amtsweg(), "--help"], capture_output=True, text=True, timeout=60, check=True)
    commands = {line.strip() for line in result.stdout.splitlines()}
    assert {"serve", "worker", "demo", "verify-audit", "migrate"} <= commands


def test_starting_django_loads_neither_scikit_learn_nor_the_saml_client() -> None:
    """Every command, worker and web process starts Django; the router's scikit-learn and pysaml2's client
    (together 1.5–3 s of imports) are loaded only where a router is trained or a SAML login runs."""
    probe = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in ('sklearn', 'saml2.client', 'saml2.xml.schema') if m in sys.modules))"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "amtsweg.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True, env=env
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_worker_batch_builds_the_search_index_for_a_new_service() -> None:
    kreis = Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )
    service = service_create(
        actor=None,
        data={
            "owner": kreis,
            "name": "Sperrmüll anmelden",
            "short_text": "Große Möbel holt die Müllabfuhr nach Anmeldung ab.",
            "keywords": ["Sperrgut"],
        },
    )
    # The change only queued the work: nothing is searchable until a worker has run.
    assert DBTaskResult.objects.filter(status="READY").exists()
    assert not SearchTerm.objects.filter(service=service).exists()
    assert search_services("Sperrmüll") == []

    call_command("worker", "--batch", verbosity=0)

    assert SearchTerm.objects.filter(service=service).exists()
    assert [hit.service for hit in search_services("Sperrmüll")] == [service]
    assert [hit.service for hit in search_services("Sperrgut")] == [service]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_worker_rejects_nonsense_options() -> None:
    with pytest.raises(CommandError, match="--max-tasks muss mindestens 1 sein"):
        call_command("worker", "--max-tasks", "0")


SECRET = "eyJjIjoxfQ:1vGeheim:Zugangslink-Geheimnis-123"


def test_serve_runs_gunicorn_with_access_log(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "AMTSWEG_DATA_DIR": str(tmp_path), "STATIC_MANIFEST": "false"}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [*_amtsweg(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body == "ok"
        # An e-mail link with its secret in the path: the access log must not show the secret.
        with contextlib.suppress(OSError):  # 404 for a forged link: only the log line matters here
            urllib.request.urlopen(f"http://127.0.0.1:{port}/vorgaenge/zugang/{SECRET}/", timeout=10)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output
    assert '"GET /health/ HTTP/1.1" 200' in output
    assert '"GET /vorgaenge/zugang/[entfernt]/ HTTP/1.1"' in output
    assert SECRET not in output


def test_serve_refuses_without_collected_static_files(tmp_path: Path) -> None:
    env = {**os.environ, "AMTSWEG_DATA_DIR": str(tmp_path), "STATIC_MANIFEST": "true"}
    env.pop("DATABASE_URL", None)
    env.pop("STATIC_ROOT", None)
    result = subprocess.run(
        [*_amtsweg(), "serve", "--bind", "127.0.0.1:1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "amtsweg collectstatic --noinput" in result.stderr


def test_demo_links_in_e_mails_point_at_the_port_the_demo_serves() -> None:
    """Seen: `amtsweg demo --bind 127.0.0.1:8010` sent access links to http://127.0.0.1:8000/…"""
    from amtsweg.core.management.commands.demo import demo_child_env

    env = demo_child_env("127.0.0.1:8010", {"PATH": "/usr/bin"})
    assert env["AMTSWEG_PUBLIC_URL"] == "http://127.0.0.1:8010"
    assert env["AMTSWEG_DEMO_OUTBOX"] == "true"
    assert env["PATH"] == "/usr/bin"
    assert demo_child_env("0.0.0.0:9000", {})["AMTSWEG_PUBLIC_URL"] == "http://127.0.0.1:9000"
    # An address set by the operator wins (e.g. the demo behind a proxy).
    chosen = demo_child_env("127.0.0.1:8010", {"AMTSWEG_PUBLIC_URL": "https://demo.example"})
    assert chosen["AMTSWEG_PUBLIC_URL"] == "https://demo.example"


def test_demo_refuses_the_port_of_its_own_fit_connect_test_service() -> None:
    """Seen: `amtsweg demo --bind 127.0.0.1:8010` took the test service's port; the worker then polled the
    portal for FIT-Connect tokens (HTTP 404) and the welcome text named the portal as the test service."""
    with pytest.raises(CommandError) as refused:
        call_command("demo", bind="127.0.0.1:8010")
    assert "Port 8010 braucht die Demo für den FIT-Connect-Testdienst" in str(refused.value)
    assert "--bind 127.0.0.1:8020" in str(refused.value)


def test_make_demo_takes_the_address_from_demo_bind() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "DEMO_BIND ?= 127.0.0.1:8000" in makefile
    assert "$(AMTSWEG) demo --bind $(DEMO_BIND)" in makefile
