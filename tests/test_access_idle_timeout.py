"""Staff sessions end after AMTSWEG_STAFF_IDLE_MINUTES without a request; citizens keep theirs."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from amtsweg.access.middleware import LAST_SEEN_SESSION_KEY
from amtsweg.access.testing import login_verified, staff_create
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def duelmen() -> Authority:
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012"
    )


def _last_seen(client: Client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_a_staff_session_ends_after_30_idle_minutes(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    login_verified(client, user)
    assert client.get(reverse("admin:index")).status_code == 200

    _last_seen(client, 31 * 60)
    answer = client.get(reverse("admin:index"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))
    follow = client.get(answer["Location"])
    assert "nach 30 Minuten ohne Aktivität beendet" in follow.text
    # Logged out for good: the admin asks for the login again.
    again = client.get(reverse("admin:index"))
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.session.idle_timeout").count() == 1


def test_a_staff_member_who_keeps_working_stays_logged_in(client: Client, duelmen: Authority) -> None:
    login_verified(client, staff_create("fachadmin", duelmen, "fachadministration"))
    _last_seen(client, 29 * 60)
    assert client.get(reverse("admin:index")).status_code == 200
    # The request counted as activity: the next pause starts now.
    assert int(time.time()) - client.session[LAST_SEEN_SESSION_KEY] < 5
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_idle_limit_is_configurable(client: Client, duelmen: Authority, settings: object) -> None:
    settings.AMTSWEG_STAFF_IDLE_MINUTES = 5  # type: ignore[attr-defined]
    login_verified(client, staff_create("fachadmin", duelmen, "fachadministration"))
    _last_seen(client, 6 * 60)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_citizen_session_has_no_idle_limit(client: Client) -> None:
    citizen = get_user_model()._default_manager.create_user(
        "buerger", "buerger@amtsweg.example", "ein-langes-test-passwort"
    )
    client.force_login(citizen)
    _last_seen(client, 3 * 60 * 60)
    assert client.get(reverse("accounts:overview")).status_code == 200
