"""Loading the demo: idempotent, one transaction, German summary, refused in production, working logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from amtsweg.catalog.models import Responsibility, SearchTerm, Service, ServiceVersion
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.demo.loader import DEMO_PASSWORD, DemoRefusedError, demo_logins, load_demo
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Authority, OrgUnit, Location, OpeningHours, Service, ServiceVersion, Responsibility)
    }


def test_second_run_changes_nothing_and_adds_only_its_summary_to_the_log() -> None:
    first = load_demo()
    before = _counts()
    versions = dict(Service.objects.values_list("external_id", "version"))
    audit_before = AuditEntry.objects.count()

    second = load_demo()

    assert _counts() == before
    assert dict(Service.objects.values_list("external_id", "version")) == versions
    assert AuditEntry.objects.count() == audit_before + 1
    assert AuditEntry.objects.order_by("-id").first().action == "demo.loaded"  # type: ignore[union-attr]
    assert second["services"] == first["services"] >= 60
    assert (second["services_created"], second["services_changed"], second["responsibilities_saved"]) == (
        0,
        0,
        0,
    )
    assert first["services_created"] == first["services"]
    assert not list(audit_verify_chain())


def test_a_changed_demo_service_is_restored_with_a_new_version() -> None:
    load_demo()
    service = Service.objects.get(external_id="coe-wohngeld")
    Service.objects.filter(pk=service.pk).update(short_text="verändert")
    result = load_demo()
    service.refresh_from_db()
    assert result["services_changed"] == 1
    assert service.short_text.startswith("Wohngeld ist ein Zuschuss")
    assert service.versions.count() == 2


def test_a_removed_rule_is_recreated_and_an_extra_rule_removed() -> None:
    load_demo()
    kita = Service.objects.get(external_id="coe-kita-platz")
    Responsibility.objects.filter(service=kita, municipality__slug="duelmen").delete()
    Responsibility.objects.create(service=kita, municipality=Authority.objects.get(slug="senden"))
    load_demo()
    assert set(Responsibility.objects.filter(service=kita).values_list("municipality__slug", flat=True)) == {
        None,
        "coesfeld",
        "duelmen",
    }


def test_load_is_refused_in_production_before_anything_is_written() -> None:
    with override_settings(ENVIRONMENT="production"), pytest.raises(DemoRefusedError, match="Produktion"):
        load_demo()
    assert not Authority.objects.exists()
    assert not AuditEntry.objects.exists()


def test_command_prints_a_german_summary_with_the_logins() -> None:
    out = StringIO()
    call_command("load-demo", stdout=out)
    text = out.getvalue()
    assert "Demodaten des Kreises Coesfeld sind geladen." in text
    assert "Behörden: 12" in text
    assert f"Leistungen: {Service.objects.count()} ({Service.objects.count()} neu, 0 geändert" in text
    assert f"admin / {DEMO_PASSWORD}" in text
    assert SearchTerm.objects.exists()

    again = StringIO()
    call_command("load-demo", stdout=again)
    assert "0 neu, 0 geändert" in again.getvalue()


def test_command_refuses_in_production_with_a_german_error() -> None:
    with (
        override_settings(ENVIRONMENT="production"),
        pytest.raises(CommandError, match="Produktionsumgebung"),
    ):
        call_command("load-demo", stdout=StringIO())


def test_demo_logins_open_the_admin_and_the_fachadmin_may_edit_the_catalogue(client: Client) -> None:
    load_demo()
    logins = {user: password for user, password, _role in demo_logins()}
    assert set(logins) == {"admin", "fachadmin"}
    for user, password in logins.items():
        assert client.login(username=user, password=password), user
        assert client.get("/admin/").status_code == 200
        client.logout()
    client.login(username="fachadmin", password=logins["fachadmin"])
    response = client.get("/admin/")
    assert "Leistungen" in response.content.decode()
    fachadmin = get_user_model().objects.get(username="fachadmin")
    assert not fachadmin.is_superuser
    assert fachadmin.has_perm("catalog.change_service")
    assert fachadmin.has_perm("catalog.change_responsibility")
    assert not fachadmin.has_perm("tenants.change_authority")


def test_a_changed_password_survives_a_reload() -> None:
    load_demo()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("ein-anderes-langes-passwort")
    admin.save()
    load_demo()
    admin.refresh_from_db()
    assert admin.check_password("ein-anderes-langes-passwort")
