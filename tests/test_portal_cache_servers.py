"""Two app servers sharing one Redis cache: a catalogue change is visible on the next request on both.

Real processes (``amtsweg serve``) on one SQLite database and one Redis database of their own; the change is
made by a third process through the domain function, as the admin does. Skipped when no Redis runs on
127.0.0.1:6379 (then only the embedded default, tested in ``tests/test_portal_pagecache.py``, applies).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_DB = 11  # this test's own database number; only it is flushed
CACHE_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"

SETUP = """
import django
django.setup()
from amtsweg.access.testing import staff_create
from amtsweg.catalog.tests.factories import kreis_scenario
scenario = kreis_scenario()
staff_create("fachadmin", scenario.kreis, "fachadministration")
"""

CHANGE = """
import django
django.setup()
from django.contrib.auth import get_user_model
from amtsweg.catalog.models import Service
from amtsweg.catalog.services import service_update
fachadmin = get_user_model().objects.get(username="fachadmin")
service = Service.objects.get(slug="baugenehmigung")
changed = service_update(actor=fachadmin, service=service, data={"name": "Baugenehmigung beantragen"})
assert changed
"""


def _amtsweg() -> list[str]:
    script = Path(sys.executable).with_name("amtsweg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amtsweg.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis() -> object:
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Kein Redis auf 127.0.0.1:6379")
    return client


def _get(port: int, path: str, etag: str = "") -> tuple[int, str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode(), response.headers.get("ETag", "")
    except urllib.error.HTTPError as error:
        return error.code, "", error.headers.get("ETag", "")


@contextmanager
def _server(env: dict[str, str]) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [*_amtsweg(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "Der Server hat sich beendet"
            try:
                if _get(port, "/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Der Server antwortet nicht"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _database(tmp_path: Path, env: dict[str, str]) -> None:
    """The database both servers use, with the Kreis scenario and a Fachadmin.

    On PostgreSQL: this test's own (committed) test database, so nothing is migrated twice. On SQLite the
    test database lives in memory, where no other process can see it: a file database is migrated here.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
        from amtsweg.access.testing import staff_create
        from amtsweg.catalog.tests.factories import kreis_scenario

        staff_create("fachadmin", kreis_scenario().kreis, "fachadministration")  # what SETUP does
        if settings_dict["PASSWORD"]:
            env["DATABASE_URL"] = env["DATABASE_URL"].replace(
                f"//{settings_dict['USER']}@", f"//{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            )
        return
    subprocess.run(
        [*_amtsweg(), "migrate", "--noinput"], env=env, check=True, capture_output=True, timeout=600
    )
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_change_is_visible_on_the_next_request_on_every_server(tmp_path: Path) -> None:
    redis = _redis()
    redis.flushdb()  # type: ignore[attr-defined]
    env = {
        **os.environ,
        "AMTSWEG_DATA_DIR": str(tmp_path),
        "AMTSWEG_CACHE_URL": CACHE_URL,
        "AMTSWEG_ENVIRONMENT": "development",
        "DEBUG": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    _database(tmp_path, env)
    page = "/leistungen/baugenehmigung/?gemeinde=duelmen"
    try:
        with _server(env) as first, _server(env) as second:
            status, body, etag = _get(first, page)
            assert status == 200
            assert ">Baugenehmigung<" in body
            # The other server knows the page and its version from the shared cache.
            assert _get(second, page, etag)[0] == 304
            assert any(b":page:" in key for key in redis.keys("*"))  # type: ignore[attr-defined]

            subprocess.run(
                [sys.executable, "-c", CHANGE], env=env, check=True, capture_output=True, timeout=120
            )

            for port in (second, first):
                status, body, new_etag = _get(port, page, etag)
                assert status == 200
                assert ">Baugenehmigung beantragen<" in body
                assert new_etag != etag
            # Both servers agree on the new version: the new page is not rendered twice.
            assert _get(first, page, new_etag)[0] == 304
    finally:
        redis.flushdb()  # type: ignore[attr-defined]
