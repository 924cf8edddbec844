"""The Fachadministration keeps the letter templates and legal remedies of its own authority in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases.models import LegalRemedy
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db

COURT = {
    "body_name": "Verwaltungsgericht Münster",
    "body_street": "Piusallee 38",
    "body_postcode": "48147",
    "body_city": "Münster",
}


@pytest.fixture
def towns() -> tuple[Authority, Authority]:
    kreis = Authority.objects.create(
        name="Kreis Coesfeld", short_name="Kreis", slug="kreis", kind="kreis", ags="05558000"
    )
    duelmen = Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012", parent=kreis
    )
    return kreis, duelmen


def _post(kind: str, authority: Authority, **changes: str) -> dict[str, object]:
    return {"authority": authority.pk, "service": "", "kind": kind, **COURT, "court_name": "", **changes}


def test_fachadmin_adds_and_sees_only_the_remedies_of_the_own_authority(
    client: Client, towns: tuple[Authority, Authority]
) -> None:
    kreis, duelmen = towns
    LegalRemedy.objects.create(authority=kreis, kind="klage", **{**COURT, "body_name": "Gericht des Kreises"})
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    add_url = reverse("admin:cases_legalremedy_add")

    refused = client.post(add_url, _post("klage", kreis))
    assert refused.status_code == 400
    created = client.post(add_url, _post("klage", duelmen))
    assert created.status_code == 302
    assert LegalRemedy.objects.get(authority=duelmen).body_name == "Verwaltungsgericht Münster"
    assert AuditEntry.objects.filter(action="legalremedy.saved").count() == 1

    listing = client.get(reverse("admin:cases_legalremedy_changelist"))
    assert "Verwaltungsgericht Münster" in listing.text
    assert "Gericht des Kreises" not in listing.text


def test_a_widerspruch_needs_the_court_and_says_so_in_german(
    client: Client, towns: tuple[Authority, Authority]
) -> None:
    _kreis, duelmen = towns
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    response = client.post(
        reverse("admin:cases_legalremedy_add"),
        _post("widerspruch", duelmen, body_name="Stadt Dülmen", body_street="Markt 1", body_postcode="48249"),
    )
    assert response.status_code == 400
    assert "Beim Widerspruch nennen Sie auch das Gericht für eine spätere Klage." in response.text
    assert not LegalRemedy.objects.exists()


def test_a_caseworker_cannot_open_the_legal_remedies(
    client: Client, towns: tuple[Authority, Authority]
) -> None:
    _kreis, duelmen = towns
    login_verified(client, staff_create("sb-duelmen", duelmen, "sachbearbeitung"))
    response = client.get(reverse("admin:cases_legalremedy_changelist"))
    assert response.status_code in (302, 403)


def test_fachadmin_sees_the_placeholders_and_a_broken_template_is_refused_in_german(
    client: Client, towns: tuple[Authority, Authority]
) -> None:
    from amtsweg.cases.models import LetterTemplate

    _kreis, duelmen = towns
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    add_url = reverse("admin:cases_lettertemplate_add")
    form = client.get(add_url).content.decode()
    assert "{{ sachbearbeitung.name }}" in form
    assert "{{ aktenzeichen }}" in form
    data = {"authority": duelmen.pk, "service": "", "decision": "", "name": "Standard", "is_active": "on"}
    refused = client.post(add_url, {**data, "subject": "Bescheid", "body": "{% load evil %}"})
    assert refused.status_code == 400
    assert "„load“ ist in Bescheidvorlagen nicht erlaubt" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    saved = client.post(add_url, {**data, "subject": "Bescheid {{ aktenzeichen }}", "body": "Guten Tag."})
    assert saved.status_code == 302
    assert LetterTemplate.objects.get().authority == duelmen
