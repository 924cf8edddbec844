"""The catalogue in the Django admin: German, editable by the right people, every save versioned."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.models import Service
from amtsweg.catalog.services import service_create
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def service(kreis: Authority) -> Service:
    return service_create(
        actor=None, data={"owner": kreis, "name": "Wohngeld", "short_text": "Zuschuss zur Miete."}
    )


def _form(service: Service, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": service.name,
        "owner": service.owner_id,
        "is_published": "on",
        "audience": service.audience,
        "external_id": service.external_id,
        "slug": service.slug,
        "leika_key": service.leika_key,
        "ozg_leistung": "",
        "themenfeld": "",
        "keywords": "",
        "maturity_level": "",
        "online_url": "",
        "short_text": service.short_text,
        "full_text": "",
        "prerequisites": "",
        "required_documents": "",
        "fees": "",
        "deadlines": "",
        "processing_time": "",
        "procedure": "",
        "legal_basis": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_is_german(client: Client) -> None:
    login_verified(client, User.objects.create_superuser("admin", password="x" * 16))
    response = client.get(reverse("admin:index"))
    assert "Fachadministration" in response.text
    assert "Leistungen" in response.text


def test_admin_change_creates_version_and_audit_entry(client: Client, service: Service) -> None:
    login_verified(client, User.objects.create_superuser("admin", password="x" * 16))
    url = reverse("admin:catalog_service_change", args=[service.pk])
    response = client.post(url, _form(service, fees="Keine Gebühren."))
    assert response.status_code == 302, response.text[:2000]
    service.refresh_from_db()
    assert service.fees == "Keine Gebühren."
    assert service.version == 2
    entry = AuditEntry.objects.get(action="catalog.service.changed", actor__username="admin")
    # Who, when, what – and from where: the channel and the client address.
    assert entry.source == "admin 127.0.0.1"
    history = client.get(url)
    assert "Versionsgeschichte" in history.text


def test_admin_rejects_bad_leika_key_in_german(client: Client, service: Service) -> None:
    login_verified(client, User.objects.create_superuser("admin", password="x" * 16))
    response = client.post(
        reverse("admin:catalog_service_change", args=[service.pk]), _form(service, leika_key="9912")
    )
    assert response.status_code == 400
    assert "kein gültiger LeiKa-Schlüssel" in response.text
    service.refresh_from_db()
    assert service.version == 1


def test_staff_without_catalogue_rights_cannot_open_the_change_form(
    client: Client, service: Service, kreis: Authority
) -> None:
    login_verified(client, staff_create("lesend", kreis, "auditor"))
    url = reverse("admin:catalog_service_change", args=[service.pk])
    response = client.post(url, _form(service, fees="100 Euro"))
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.fees == ""


def test_audit_log_cannot_be_edited_in_admin(client: Client, service: Service) -> None:
    login_verified(client, User.objects.create_superuser("admin", password="x" * 16))
    entry = AuditEntry.objects.first()
    assert entry is not None
    response = client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_keywords_are_edited_one_per_line_not_as_json(client: Client, service: Service) -> None:
    """Was a bug: the field wanted raw JSON and answered "Bitte ein gültiges JSON-Objekt eingeben."."""
    login_verified(client, User.objects.create_superuser("admin", password="x" * 16))
    url = reverse("admin:catalog_service_change", args=[service.pk])
    response = client.post(url, _form(service, keywords="Mietzuschuss\n  Lastenzuschuss \n\nMietzuschuss\n"))
    assert response.status_code == 302, response.text[:2000]
    service.refresh_from_db()
    assert service.keywords == ["Mietzuschuss", "Lastenzuschuss"]
    page = client.get(url)
    assert "Ein Suchbegriff je Zeile" in page.text
    assert "Mietzuschuss\nLastenzuschuss</textarea>" in page.text
    too_long = client.post(url, _form(service, keywords="x" * 101))
    assert too_long.status_code == 400
    assert "höchstens 100 Zeichen" in too_long.text
    assert "JSON" not in too_long.text
