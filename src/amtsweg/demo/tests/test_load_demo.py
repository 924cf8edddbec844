"""Loading the demo: idempotent, one transaction, German summary, refused in production, working logins."""

from __future__ import annotations

import base64
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.testing import login_verified
from amtsweg.assistant.management.commands import read_labelled_file
from amtsweg.assistant.models import EvalRun, RouterExample
from amtsweg.assistant.selectors import model_label
from amtsweg.assistant.services import route_request, router_live_name
from amtsweg.catalog.models import Responsibility, SearchTerm, Service, ServiceVersion
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.demo.loader import (
    DEMO_PASSWORD,
    DEVSETS,
    DemoRefusedError,
    demo_logins,
    demo_totp_secret,
    load_demo,
)
from amtsweg.demo.logins import DEMO_LOGINS, demo_logins_ensure
from amtsweg.forms.models import Form, FormVersion
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Authority, OrgUnit, Location, OpeningHours, Service, ServiceVersion, Responsibility)
    }


def test_changed_demo_data_is_restored_and_changed_passwords_survive(demo_db: dict[str, int]) -> None:
    # A changed service comes back with a new version, a removed rule is recreated and an extra one removed;
    # a password someone changed after the first load stays.
    service = Service.objects.get(external_id="coe-wohngeld")
    Service.objects.filter(pk=service.pk).update(short_text="verändert")
    kita = Service.objects.get(external_id="coe-kita-platz")
    Responsibility.objects.filter(service=kita, municipality__slug="duelmen").delete()
    Responsibility.objects.create(service=kita, municipality=Authority.objects.get(slug="senden"))
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("ein-anderes-langes-passwort")
    admin.save()

    result = load_demo(embeddings=False)

    service.refresh_from_db()
    assert result["services_changed"] == 1
    assert service.short_text.startswith("Wohngeld ist ein Zuschuss")
    assert service.versions.count() == 2
    assert set(Responsibility.objects.filter(service=kita).values_list("municipality__slug", flat=True)) == {
        None,
        "coesfeld",
        "duelmen",
    }
    admin.refresh_from_db()
    assert admin.check_password("ein-anderes-langes-passwort")


def test_load_is_refused_in_production_before_anything_is_written() -> None:
    with override_settings(ENVIRONMENT="production"), pytest.raises(DemoRefusedError, match="Produktion"):
        load_demo(embeddings=False)
    assert not Authority.objects.exists()
    assert not AuditEntry.objects.exists()


def test_command_prints_a_german_summary_and_a_second_run_changes_nothing(
    tmp_path: Path, settings: Any
) -> None:
    # A fresh clone elsewhere: no ../shared. The FIM forms come from the demo's own schemas and the XSDs
    # shipped in the package.
    settings.AMTSWEG_SHARED_DATA = str(tmp_path / "kein-shared")
    out = StringIO()
    call_command("load-demo", stdout=out)
    text = out.getvalue()
    assert "Demodaten des Kreises Coesfeld sind geladen." in text
    assert "Behörden: 12" in text
    assert f"Leistungen: {Service.objects.count()} ({Service.objects.count()} neu, 0 geändert" in text
    assert f"admin / {DEMO_PASSWORD}" in text
    assert SearchTerm.objects.exists()
    # The portal search is the evaluated hybrid search from the first query: every service has its vector.
    n = Service.objects.filter(is_published=True).count()
    assert f"Vektoren für die Suche: {n} von {n} Leistungen aktuell ({n} neu berechnet" in text
    # … and the quality page has the figures of the repository's measurements on this catalogue.
    assert "Messungen für die Qualitätsseite" in text
    assert set(EvalRun.objects.values_list("kind", flat=True)) == {"search", "router"}
    assert EvalRun.objects.filter(model_name__startswith="Frag den Kreis").exists()
    # The router figure is that of the router citizens get: the demo's examples were trained on and the
    # model activated only if it beat the fallback; the measurement is of whatever routes now.
    live = router_live_name()
    assert f"Anliegen-Router: {RouterExample.objects.count()} neue Beispiele" in text
    # … named as the quality page names it, not by its key ("naechste-leistung").
    assert f"es ordnet zu: {model_label(live)}" in text
    assert "naechste-leistung" not in text
    measured = EvalRun.objects.get(kind="router")
    assert measured.model_name == f"{live} (live)"
    texts, labels = read_labelled_file(DEVSETS / "routing_holdout.csv", "text", "label")
    routes = [route_request(text=t) for t in texts]
    correct = sum(route.label == label for route, label in zip(routes, labels, strict=True))
    assert measured.metrics["accuracy"] == round(correct / len(labels), 4)
    assert measured.metrics["coverage"] == round(sum(route.automatic for route in routes) / len(labels), 4)

    fim = {v.form.key: v for v in FormVersion.objects.filter(fim_standard="xdf2").select_related("form")}
    assert set(fim) == {"S99100001", "S99200001"}
    assert all(version.is_published for version in fim.values())
    assert FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).count() == Form.objects.count() > 5

    before = _counts()
    versions = dict(Service.objects.values_list("external_id", "version"))
    forms_before = list(FormVersion.objects.order_by("pk").values_list("pk", "status", "published_at"))
    audit_before = AuditEntry.objects.count()
    again = StringIO()
    call_command("load-demo", stdout=again)
    # The second run changes nothing and adds only its summary to the log.
    assert _counts() == before
    assert dict(Service.objects.values_list("external_id", "version")) == versions
    assert (
        list(FormVersion.objects.order_by("pk").values_list("pk", "status", "published_at")) == forms_before
    )
    assert AuditEntry.objects.count() == audit_before + 1
    assert AuditEntry.objects.order_by("-id").first().action == "demo.loaded"  # type: ignore[union-attr]
    assert not list(audit_verify_chain())
    assert "0 neu, 0 geändert" in again.getvalue()
    assert f"Vektoren für die Suche: {n} von {n} Leistungen aktuell (0 neu berechnet" in again.getvalue()
    assert "Messungen" not in again.getvalue()  # nothing changed: the figures are still the latest
    assert "Anliegen-Router: 0 neue Beispiele, unverändert" in again.getvalue()


def test_command_refuses_in_production_with_a_german_error() -> None:
    with (
        override_settings(ENVIRONMENT="production"),
        pytest.raises(CommandError, match="Produktionsumgebung"),
    ):
        call_command("load-demo", stdout=StringIO())


def test_demo_logins_have_their_roles_and_the_printed_demo_second_factor(
    client: Client, demo_db: dict[str, int]
) -> None:
    logins = {user: password for user, password, _role in demo_logins()}
    assert {"admin", "fachadmin", "fachadmin-duelmen", "sb-jugendamt", "sb-duelmen", "digital"} <= set(logins)
    secret = demo_totp_secret()
    staff = {login.username for login in DEMO_LOGINS}
    citizens = set(logins) - staff
    assert len(citizens) == 2  # a citizen and a company member, logging in with their e-mail address
    for email in citizens:
        citizen = get_user_model().objects.get(email=email)
        assert citizen.check_password(logins[email])
        assert citizen.kind == "buerger"
        assert not TOTPDevice.objects.filter(user=citizen).exists()
    for username in staff:
        password = logins[username]
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password), username
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        # The secret printed for the authenticator app is the device's key.
        assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
        assert totp(device.bin_key) == totp(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    # Without the second factor the admin stays closed, even with the right password.
    assert client.login(username="fachadmin", password=logins["fachadmin"])
    assert client.get("/admin/").status_code == 302
    client.logout()
    sections = {}
    for username in ("fachadmin", "sb-jugendamt", "digital", "pruefung"):
        login_verified(client, get_user_model().objects.get(username=username))
        sections[username] = client.get("/admin/").text
        client.logout()
    services = 'href="/admin/catalog/service/"'
    assert services in sections["fachadmin"]
    assert services not in sections["sb-jugendamt"]
    assert "Rückmeldungen zur Barrierefreiheit" in sections["digital"]
    assert services not in sections["digital"]
    assert "Protokoll" in sections["pruefung"]
    assert services not in sections["pruefung"]


def test_demo_logins_are_refused_in_production() -> None:
    with override_settings(ENVIRONMENT="production", IS_PRODUCTION=True), pytest.raises(ImproperlyConfigured):
        demo_logins_ensure()
