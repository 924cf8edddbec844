"""The anonymous API limit holds for all processes together and cannot be dodged with a made-up
X-Forwarded-For (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from amtsweg.submissions.tests.test_intake_fixtures import FORM_KEY, build_world, valid_data

URL = f"/api/v1/formulare/{FORM_KEY}/antraege"
BODY = json.dumps({"municipality": "05558016", "data": valid_data()})


def _post(client: Client, key: str, **extra: str) -> Any:
    return client.post(URL, data=BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **extra)


@pytest.mark.django_db
def test_a_rotating_x_forwarded_for_does_not_reset_the_limit(settings: Any) -> None:
    build_world()
    settings.AMTSWEG_API_ANON_RATE = "2/m"
    settings.AMTSWEG_TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [
        _post(client, f"k{number}", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code
        for number in range(4)
    ]
    assert statuses == [201, 201, 429, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(settings: Any) -> None:
    build_world()
    settings.AMTSWEG_API_ANON_RATE = "1/m"
    settings.AMTSWEG_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    assert _post(proxy, "a1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 201
    assert _post(proxy, "a2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert _post(proxy, "b1", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 201


SECOND_PROCESS = """
import django, json, sys
django.setup()
from django.test import Client
statuses = [
    Client(REMOTE_ADDR="198.51.100.7").post(
        sys.argv[1], data=sys.argv[2], content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"anderer-{n}"
    ).status_code
    for n in range(2)
]
print(json.dumps(statuses))
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_count(settings: Any) -> None:
    """Two app server processes (here: this one and a child process) count against one limit."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Ein zweiter Prozess erreicht die Testdatenbank nur unter PostgreSQL (SQLite: im Speicher)."
        )
    build_world()
    settings.AMTSWEG_API_ANON_RATE = "2/m"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "amtsweg.settings",
        "AMTSWEG_ENVIRONMENT": "test",
        "AMTSWEG_API_ANON_RATE": "2/m",
        "AMTSWEG_TRUSTED_PROXIES": "",
        "STATIC_MANIFEST": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, URL, BODY], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [201, 201]
    # This process has not seen the client yet; a per-process count would let it through.
    third = _post(Client(REMOTE_ADDR="198.51.100.7"), "dieser-prozess")
    assert third.status_code == 429


@pytest.mark.django_db
def test_confirmations_without_an_account_go_to_one_address_at_most_three_times(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    build_world()
    settings.AMTSWEG_API_ANON_RATE = ""
    for number in range(5):
        # From ever new addresses: the limit per e-mail address holds all the same.
        assert _post(Client(REMOTE_ADDR=f"198.51.100.{number}"), f"m{number}").status_code == 201
    tasks = list(
        DBTaskResult.objects.filter(task_path__startswith="amtsweg.submissions.tasks")
        .order_by("enqueued_at")
        .values_list("task_path", flat=True)
    )
    assert [path.rsplit(".", 1)[1] for path in tasks] == ["send_confirmation"] * 3 + ["render_receipt"] * 2


@pytest.mark.django_db
def test_confirmations_without_an_account_from_one_client_are_limited(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    build_world()
    settings.AMTSWEG_API_ANON_RATE = ""
    settings.AMTSWEG_MAILS_PER_CLIENT = 2
    client = Client(REMOTE_ADDR="198.51.100.99")
    for number in range(3):
        body = json.loads(BODY)
        body["data"]["antragsteller"]["email"] = f"person{number}@example.org"
        response = client.post(
            URL, data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"c{number}"
        )
        assert response.status_code == 201, response.content
    tasks = list(
        DBTaskResult.objects.filter(task_path__startswith="amtsweg.submissions.tasks")
        .order_by("enqueued_at")
        .values_list("task_path", flat=True)
    )
    assert [path.rsplit(".", 1)[1] for path in tasks] == ["send_confirmation"] * 2 + ["render_receipt"]
