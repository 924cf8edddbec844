"""The admin follows the roles: a Fachadmin of Dülmen edits only Dülmen's data; an Auditor only reads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.models import Service
from amtsweg.catalog.services import service_create
from amtsweg.core.audit import audit_record
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Kreis", slug="kreis", kind="kreis", ags="05558000"
    )


@pytest.fixture
def duelmen(kreis: Authority) -> Authority:
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012", parent=kreis
    )


def _service(owner: Authority, name: str) -> Service:
    return service_create(actor=None, data={"owner": owner, "name": name, "short_text": "Kurz erklärt."})


def _form(service: Service, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": service.name,
        "owner": service.owner_id,
        "audience": service.audience,
        "external_id": service.external_id,
        "slug": service.slug,
        "leika_key": "",
        "keywords": "",
        "short_text": service.short_text,
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_fachadmin_of_duelmen_sees_and_edits_only_duelmen_services(
    client: Client, kreis: Authority, duelmen: Authority
) -> None:
    own = _service(duelmen, "Hundesteuer Dülmen")
    foreign = _service(kreis, "Jagdschein")
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))

    listing = client.get(reverse("admin:catalog_service_changelist"))
    assert listing.status_code == 200
    assert "Hundesteuer Dülmen" in listing.text
    assert "Jagdschein" not in listing.text

    changed = client.post(
        reverse("admin:catalog_service_change", args=[own.pk]), _form(own, fees="12 Euro im Jahr.")
    )
    assert changed.status_code == 302
    own.refresh_from_db()
    assert own.fees == "12 Euro im Jahr."

    # The Kreis service can neither be opened nor changed nor deleted.
    change_url = reverse("admin:catalog_service_change", args=[foreign.pk])
    assert client.get(change_url).status_code == 302  # "does not exist" for this user
    client.post(change_url, _form(foreign, fees="100 Euro"))
    client.post(reverse("admin:catalog_service_delete", args=[foreign.pk]), {"post": "yes"})
    foreign.refresh_from_db()
    assert foreign.fees == ""

    # Moving the own service to the Kreis is refused: the Kreis is not among the choices.
    moved = client.post(reverse("admin:catalog_service_change", args=[own.pk]), _form(own, owner=kreis.pk))
    assert moved.status_code == 400
    own.refresh_from_db()
    assert own.owner == duelmen


def test_fachadmin_of_duelmen_can_only_create_services_for_duelmen(
    client: Client, kreis: Authority, duelmen: Authority
) -> None:
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    add = client.get(reverse("admin:catalog_service_add"))
    assert add.status_code == 200
    owner_choices = add.context["adminform"].form.fields["owner"].queryset
    assert list(owner_choices) == [duelmen]
    data = {
        "name": "Sperrmüll",
        "external_id": "sperrmuell",
        "slug": "sperrmuell",
        "owner": kreis.pk,
        "audience": "buerger",
        "keywords": "",
        "short_text": "Abholung.",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    refused = client.post(reverse("admin:catalog_service_add"), data)
    assert refused.status_code == 400
    assert not Service.objects.filter(name="Sperrmüll").exists()
    created = client.post(reverse("admin:catalog_service_add"), {**data, "owner": duelmen.pk})
    assert created.status_code == 302, created.context["adminform"].form.errors
    assert Service.objects.get(name="Sperrmüll").owner == duelmen


def test_fachadmin_of_duelmen_sees_only_duelmen_org_units(
    client: Client, kreis: Authority, duelmen: Authority
) -> None:
    OrgUnit.objects.create(authority=duelmen, name="Bürgerbüro Dülmen", function="buergerbuero")
    kreis_unit = OrgUnit.objects.create(authority=kreis, name="Jugendamt Kreis", function="jugendamt")
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    listing = client.get(reverse("admin:tenants_orgunit_changelist"))
    assert "Bürgerbüro Dülmen" in listing.text
    assert "Jugendamt Kreis" not in listing.text
    client.post(reverse("admin:tenants_orgunit_delete", args=[kreis_unit.pk]), {"post": "yes"})
    assert OrgUnit.objects.filter(pk=kreis_unit.pk).exists()
    # Authorities: Dülmen may be looked at and changed, the Kreis is not listed, none may be added.
    authorities = client.get(reverse("admin:tenants_authority_changelist"))
    assert "Stadt Dülmen" in authorities.text
    assert reverse("admin:tenants_authority_change", args=[duelmen.pk]) in authorities.text
    assert reverse("admin:tenants_authority_change", args=[kreis.pk]) not in authorities.text
    assert client.get(reverse("admin:tenants_authority_add")).status_code == 403


def test_an_auditor_reads_the_audit_trail_of_the_own_authority_and_changes_nothing(
    client: Client, kreis: Authority, duelmen: Authority
) -> None:
    _service(duelmen, "Hundesteuer Dülmen")
    _service(kreis, "Jagdschein")
    audit_record(actor=None, action="test.ohne_behoerde")
    login_verified(client, staff_create("pruefung", duelmen, "auditor"))
    listing = client.get(reverse("admin:core_auditentry_changelist"))
    assert listing.status_code == 200
    assert "Hundesteuer Dülmen" in listing.text
    assert "Jagdschein" not in listing.text
    assert "test.ohne_behoerde" not in listing.text
    entry = AuditEntry.objects.get(object_label="Hundesteuer Dülmen")
    assert client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 200
    count = AuditEntry.objects.count()
    assert (
        client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    # Services: the auditor changes nothing.
    assert client.get(reverse("admin:catalog_service_changelist")).status_code == 403
    assert AuditEntry.objects.count() == count


def test_a_caseworker_sees_no_catalogue_organisation_or_audit_in_the_admin(
    client: Client, duelmen: Authority
) -> None:
    login_verified(client, staff_create("sb", duelmen, "sachbearbeitung"))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for name in ("catalog_service", "catalog_responsibility", "tenants_orgunit", "core_auditentry"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
