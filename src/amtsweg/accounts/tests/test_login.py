"""Login and logout: throttling, no enumeration, session fixation, open redirects, CSRF, staff hand-over."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from amtsweg.access.login import PENDING_SESSION_KEY
from amtsweg.accounts.models import LoginAttempt, User
from amtsweg.accounts.tests.helpers import PASSWORD, citizen, last_link
from amtsweg.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/konto/anmelden/"


def login(client: Client, identifier: str, password: str = PASSWORD, **extra: str) -> object:
    return client.post(LOGIN, {"identifier": identifier, "password": password, **extra})


def test_citizen_logs_in_with_email_in_any_case_and_reaches_mein_konto(client: Client) -> None:
    user = citizen()
    response = login(client, "Erika.Beispiel@EXAMPLE.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert client.session[SESSION_KEY] == str(user.pk)
    page = client.get(reverse("accounts:overview"))
    assert "Mein Konto" in page.content.decode()
    assert "Anträge und Entwürfe" in page.content.decode()


def test_wrong_password_and_unknown_account_get_the_same_answer(client: Client) -> None:
    citizen()
    wrong = login(client, "erika.beispiel@example.org", "falsches-Passwort-1")
    unknown = login(client, "niemand@example.org", "falsches-Passwort-1")
    assert wrong.status_code == unknown.status_code == 400
    message = "E-Mail-Adresse oder Passwort stimmen nicht."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert SESSION_KEY not in client.session


def test_unverified_address_gets_a_new_link_instead_of_a_login(client: Client) -> None:
    user = citizen(verified=False)
    response = login(client, user.email)
    assert response.status_code == 400
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert last_link(user.email).startswith("/konto/bestaetigen/")


def test_failed_logins_are_throttled_per_account_even_with_the_right_password(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT = 3
    user = citizen()
    for _ in range(3):
        assert login(client, user.email, "falsches-Passwort-1").status_code == 400
    blocked = login(client, user.email)
    assert blocked.status_code == 429
    assert "Zu viele Versuche" in blocked.content.decode()
    assert "15 Minuten" in blocked.content.decode()
    assert SESSION_KEY not in client.session
    # Unknown accounts are throttled the same way: the block reveals nothing.
    for _ in range(3):
        login(client, "niemand@example.org", "falsches-Passwort-1")
    assert login(client, "niemand@example.org").status_code == 429
    # No login name or address is stored in the attempts table.
    assert not LoginAttempt.objects.filter(key__icontains="example").exists()


def test_failed_logins_are_throttled_per_ip_across_accounts(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.AMTSWEG_LOGIN_MAX_FAILURES_IP = 4
    user = citizen()
    for number in range(4):
        login(client, f"person{number}@example.org", "falsches-Passwort-1")
    assert login(client, user.email).status_code == 429
    other_ip = Client(REMOTE_ADDR="192.0.2.77")
    assert login(other_ip, user.email).status_code == 302


def test_throttle_ends_after_the_window(client: Client, settings: SettingsWrapper) -> None:
    settings.AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT = 2
    user = citizen()
    login(client, user.email, "falsch-falsch-1")
    login(client, user.email, "falsch-falsch-2")
    assert login(client, user.email).status_code == 429
    settings.AMTSWEG_LOGIN_WINDOW_MINUTES = 0
    assert login(client, user.email).status_code == 302


def test_login_gives_the_session_a_new_key(client: Client) -> None:
    user = citizen()
    client.get(LOGIN)
    session = client.session
    session["vorher"] = "ja"
    session.save()
    before = session.session_key
    login(client, user.email)
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize(
    "target",
    [
        "https://boese.example.com/",
        "//boese.example.com/",
        "http://testserver.example.com/",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_site_is_ignored(client: Client, target: str) -> None:
    citizen()
    response = login(client, "erika.beispiel@example.org", next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")


def test_next_on_this_site_is_followed(client: Client) -> None:
    citizen()
    response = login(client, "erika.beispiel@example.org", next="/konto/profil/")
    assert response["Location"] == "/konto/profil/"


def test_login_without_csrf_token_is_rejected() -> None:
    citizen()
    client = Client(enforce_csrf_checks=True)
    response = login(client, "erika.beispiel@example.org")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_logout_needs_post_and_ends_the_session(client: Client) -> None:
    user = citizen()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def _staff() -> User:
    return User.objects.create_user(
        "sachbearbeitung", email="sb@example.org", password=PASSWORD, kind=User.Kind.STAFF
    )


@pytest.mark.urls("amtsweg.accounts.tests.urls_second_factor")
def test_staff_are_sent_to_the_second_factor_and_not_logged_in(client: Client) -> None:
    staff = _staff()
    response = login(client, "sachbearbeitung", next="/konto/")
    assert response.status_code == 302
    assert response["Location"] == "/personal/zweiter-faktor/?next=%2Fkonto%2F"
    assert SESSION_KEY not in client.session
    assert client.session[PENDING_SESSION_KEY]["user"] == staff.pk


@pytest.mark.urls("amtsweg.accounts.tests.urls_no_second_factor")
def test_staff_login_is_refused_when_the_second_factor_page_is_missing(client: Client) -> None:
    _staff()
    response = login(client, "sachbearbeitung")
    assert response.status_code == 503
    assert "zweiten Faktors" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert PENDING_SESSION_KEY not in client.session


def test_staff_cannot_use_the_citizen_pages(client: Client) -> None:
    client.force_login(_staff())
    assert client.get(reverse("accounts:overview")).status_code == 403


def test_mein_konto_needs_a_login(client: Client) -> None:
    response = client.get(reverse("accounts:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert not mail.outbox


def _median_seconds(client: Client, identifier: str, runs: int = 3) -> float:
    import time

    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        login(client, identifier, "falsches-Passwort-1")
        durations.append(time.perf_counter() - start)
    return sorted(durations)[runs // 2]


def test_unknown_accounts_take_as_long_as_known_ones(settings: SettingsWrapper) -> None:
    """The password hasher runs for unknown names too, so timing does not reveal accounts."""
    settings.AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT = 100
    settings.AMTSWEG_LOGIN_MAX_FAILURES_IP = 100
    citizen()
    client = Client()
    known = _median_seconds(client, "erika.beispiel@example.org")
    unknown = _median_seconds(client, "niemand@example.org")
    assert unknown > known * 0.5, f"unbekannt {unknown:.3f}s, bekannt {known:.3f}s"
    assert known > unknown * 0.5, f"unbekannt {unknown:.3f}s, bekannt {known:.3f}s"


def test_staff_login_with_the_real_urls_goes_to_the_access_apps_second_factor(client: Client) -> None:
    _staff()
    response = login(client, "sachbearbeitung")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:otp_verify"))
    assert SESSION_KEY not in client.session


def test_behind_the_proxy_wrong_passwords_of_one_client_do_not_lock_out_another(
    settings: SettingsWrapper,
) -> None:
    # Behind nginx every request came from 127.0.0.1: 30 wrong passwords from anyone locked every login.
    settings.AMTSWEG_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AMTSWEG_LOGIN_MAX_FAILURES_IP = 3
    user = citizen()
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for number in range(3):
        attacker.post("/konto/anmelden/", {"identifier": f"p{number}@example.org", "password": "falsch-1"})
    assert (
        attacker.post("/konto/anmelden/", {"identifier": user.email, "password": PASSWORD}).status_code == 429
    )

    citizen_client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    response = citizen_client.post("/konto/anmelden/", {"identifier": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # The audit names the client, not the proxy.
    entry = AuditEntry.objects.filter(action="accounts.user.logged_in").latest("id")
    assert entry.source == "203.0.113.5"


def test_a_logged_in_citizen_can_log_out_from_the_header_of_every_page(client: Client) -> None:
    citizen()
    login(client, "erika.beispiel@example.org")
    for url in ("/", reverse("catalog:service_list")):
        header = client.get(url).content.decode().split("<header", 1)[1].split("</header>", 1)[0]
        form = header.split(f'action="{reverse("accounts:logout")}"', 1)
        assert len(form) == 2, url  # a form that posts to the logout (works without JavaScript)
        assert 'method="post"' in form[0].rsplit("<form", 1)[1]
        assert '<button type="submit"' in form[1].split("</form>", 1)[0]
        assert "Abmelden" in form[1].split("</form>", 1)[0]
    client.post(reverse("accounts:logout"))
    assert SESSION_KEY not in client.session
    assert "Abmelden" not in client.get("/").content.decode().split("</header>", 1)[0]
