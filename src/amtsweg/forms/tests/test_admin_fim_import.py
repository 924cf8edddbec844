"""The FIM import in the admin: upload, import report, preview, link to a service, publish – scoped and safe.

The schemas are the demo's own XDatenfelder 2.0 files (``demo/demo_data/fim``), validated against the XSDs
that ship with the package: these tests need no ``../shared``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.models import Service
from amtsweg.catalog.tests.factories import KreisFactory, MunicipalityFactory, ServiceFactory
from amtsweg.core.models import AuditEntry
from amtsweg.forms.models import Form, FormVersion
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).parents[2] / "demo" / "demo_data" / "fim"
PARKING = DEMO / "bewohnerparkausweis"
SCHEMA = PARKING / "S99100001_xdf2.xml"
LISTS = sorted(PARKING.glob("C*_genericode.xml"))


def upload(path: Path, name: str | None = None, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes() if data is None else data, "text/xml")


@pytest.fixture
def kreis() -> Authority:
    return KreisFactory()


@pytest.fixture
def duelmen(kreis: Authority) -> Authority:
    return MunicipalityFactory(short_name="Dülmen", name="Stadt Dülmen", slug="duelmen", parent=kreis)


@pytest.fixture
def parking_service(kreis: Authority) -> Service:
    return ServiceFactory(owner=kreis, name="Bewohnerparkausweis", leika_key="99108001001000")


@pytest.fixture
def fachadmin(client: Client, kreis: Authority) -> Client:
    return login_verified(client, staff_create("fachadmin-kreis", kreis, "fachadministration"))


def post_import(
    client: Client, owner: Authority, *, schema: Any = None, lists: Any = None, **extra: Any
) -> Any:
    data = {
        "owner": owner.pk,
        "schema": schema or upload(SCHEMA),
        "code_lists": [upload(path) for path in LISTS] if lists is None else lists,
        **extra,
    }
    return client.post(reverse("admin:forms_form_fim_import"), data)


def test_the_form_list_offers_the_import(fachadmin: Client) -> None:
    page = fachadmin.get(reverse("admin:forms_form_changelist"))
    assert reverse("admin:forms_form_fim_import") in page.text
    assert "FIM-Schema importieren" in page.text


def test_upload_report_preview_link_and_publish(
    fachadmin: Client, kreis: Authority, parking_service: Service
) -> None:
    response = post_import(fachadmin, kreis)
    version = FormVersion.objects.get(form__key="S99100001")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:forms_formversion_report", args=[version.pk])
    assert version.status == FormVersion.Status.DRAFT
    # linked by the LeiKa key the schema names
    assert version.form.service == parking_service

    report = fachadmin.get(response["Location"])
    assert report.status_code == 200
    text = report.text
    assert "Importbericht: Bewohnerparkausweis beantragen, Version 1.0" in text
    assert '<th scope="row">Datenfelder</th><td>15</td>' in text
    assert '<th scope="row">Regeln, die geprüft werden</th><td>1</td>' in text
    assert '<th scope="row">Regeln, als Hinweis behalten</th><td>1</td>' in text
    assert '<th scope="row">Codelisten fehlen</th><td>0</td>' in text
    assert "Halterangaben bei fremdem Fahrzeug" in text  # the recognised rule
    assert "Nur eine Zone" in text  # the rule kept as a note
    assert "Fahrzeughalter (Demo) – 2 Einträge" in text

    # The preview is the citizen's step page, for staff, of the draft.
    preview = fachadmin.get(reverse("submissions:preview", args=[version.pk]))
    assert preview.status_code == 200
    assert "Vorschau für die Fachadministration" in preview.text
    assert "Angaben zur antragstellenden Person" in preview.text
    assert 'name="G99100001.F99100001"' in preview.text or "F99100001" in preview.text
    checked = fachadmin.post(reverse("submissions:preview", args=[version.pk]), {"action": "weiter"})
    assert checked.status_code == 400
    assert "Es gibt ein Problem" in checked.text
    assert not FormVersion.objects.exclude(pk=version.pk).exists()  # nothing stored by the preview

    other = ServiceFactory(owner=kreis, name="Bewohnerparken Sonderfall")
    linked = fachadmin.post(
        reverse("admin:forms_formversion_link_service", args=[version.pk]), {"service": other.pk}
    )
    assert linked.status_code == 302
    assert Form.objects.get(key="S99100001").service == other

    published = fachadmin.post(reverse("admin:forms_formversion_publish", args=[version.pk]))
    assert published.status_code == 302
    version.refresh_from_db()
    assert version.status == FormVersion.Status.PUBLISHED
    assert "veröffentlicht" in fachadmin.get(published["Location"]).text
    actions = list(AuditEntry.objects.filter(object_id=str(version.pk)).values_list("action", flat=True))
    assert {"form.version_created", "form.version_published"} <= set(actions)
    assert AuditEntry.objects.filter(action="form.service_set", actor_label="fachadmin-kreis").exists()
    # and the citizen finds it
    assert Client().get(reverse("submissions:start", args=["S99100001"])).status_code == 200


def test_rules_name_the_fields_by_their_labels_not_by_bare_fim_ids(
    fachadmin: Client, kreis: Authority, parking_service: Service
) -> None:
    response = post_import(fachadmin, kreis)
    version = FormVersion.objects.get(form__key="S99100001")

    for page in (
        fachadmin.get(response["Location"]).text,
        fachadmin.get(reverse("admin:forms_formversion_change", args=[version.pk])).text,
    ):
        # „Wenn bei F99100022 "02" angegeben wird, dann wird G99100004 zur Pflichtangabe.“
        assert "„Auf wen ist das Fahrzeug zugelassen?“ (F99100022)" in page
        assert "„Angaben zur Fahrzeughalterin oder zum Fahrzeughalter“ (G99100004)" in page
        assert "bei F99100022" not in page


def test_missing_code_lists_are_named_in_the_report(fachadmin: Client, kreis: Authority) -> None:
    response = post_import(fachadmin, kreis, lists=[])
    assert response.status_code == 302
    report = fachadmin.get(response["Location"]).text
    assert '<th scope="row">Codelisten fehlen</th><td>2</td>' in report
    assert "urn:de:amtsweg:demo:codeliste:fahrzeughalter" in report
    assert "als Texteingabe" in report


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "boese.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
            "DTD",
        ),
        ("schema.txt", b"<x/>", "Endung .xml"),
        ("kaputt.xml", b"<xdf:nicht-zu", "kein wohlgeformtes XML"),
        (
            "falsch.xml",
            b'<x:stammdatenschema xmlns:x="urn:xoev-de:fim:standard:xdatenfelder_2"/>',
            "offiziellen XSD von XDatenfelder 2.0",
        ),
        ("leer.xml", b"", "leer"),
    ],
)
def test_hostile_or_broken_uploads_are_refused_with_a_german_reason(
    fachadmin: Client, kreis: Authority, name: str, data: bytes, message: str
) -> None:
    response = post_import(fachadmin, kreis, schema=SimpleUploadedFile(name, data, "text/xml"), lists=[])
    assert response.status_code == 400
    assert "Import abgelehnt, nichts gespeichert." in response.text or message in response.text
    assert message in response.text
    assert not FormVersion.objects.exists()


def test_a_file_over_the_limit_is_refused(fachadmin: Client, kreis: Authority, settings: Any) -> None:
    from amtsweg.forms.fim import upload as upload_module

    big = b"<x>" + b" " * (10 * 1024 * 1024 + 10) + b"</x>"
    response = post_import(
        fachadmin, kreis, schema=SimpleUploadedFile("gross.xml", big, "text/xml"), lists=[]
    )
    assert response.status_code in (400, 413)
    assert not FormVersion.objects.exists()
    assert upload_module.MAX_CODE_LISTS >= 6


def test_the_same_version_twice_is_refused(fachadmin: Client, kreis: Authority) -> None:
    assert post_import(fachadmin, kreis).status_code == 302
    again = post_import(fachadmin, kreis)
    assert again.status_code == 400
    assert "gibt es in Version 1.0 schon" in again.text
    assert FormVersion.objects.count() == 1


def test_a_town_fachadmin_imports_only_for_the_town_and_links_only_town_services(
    client: Client, kreis: Authority, duelmen: Authority, parking_service: Service
) -> None:
    login_verified(client, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    page = client.get(reverse("admin:forms_form_fim_import"))
    assert list(page.context["form"].fields["owner"].queryset) == [duelmen]
    assert parking_service not in page.context["form"].fields["service"].queryset

    refused = post_import(client, kreis)
    assert refused.status_code == 400
    assert not FormVersion.objects.exists()
    refused = post_import(client, duelmen, service=parking_service.pk)
    assert refused.status_code == 400
    assert not FormVersion.objects.exists()

    # Imported for Dülmen: the Kreis service with the schema's LeiKa key is not linked.
    created = post_import(client, duelmen)
    assert created.status_code == 302
    version = FormVersion.objects.get()
    assert version.form.owner == duelmen
    assert version.form.service is None
    refused_link = client.post(
        reverse("admin:forms_formversion_link_service", args=[version.pk]), {"service": parking_service.pk}
    )
    assert refused_link.status_code == 302
    assert Form.objects.get().service is None


def test_a_town_fachadmin_cannot_see_or_publish_the_kreis_draft(
    fachadmin: Client, client: Client, kreis: Authority, duelmen: Authority
) -> None:
    post_import(fachadmin, kreis)
    version = FormVersion.objects.get()
    town = Client()
    login_verified(town, staff_create("fachadmin-duelmen", duelmen, "fachadministration"))
    assert town.get(reverse("admin:forms_formversion_report", args=[version.pk])).status_code == 404
    assert town.get(reverse("submissions:preview", args=[version.pk])).status_code == 404
    assert town.post(reverse("admin:forms_formversion_publish", args=[version.pk])).status_code == 404
    version.refresh_from_db()
    assert version.status == FormVersion.Status.DRAFT
    # A new version of the Kreis form from Dülmen is refused with a reason.
    refused = post_import(town, duelmen)
    assert refused.status_code == 400
    assert "anderen Behörde gepflegt" in refused.text


def test_the_preview_is_not_public(kreis: Authority, fachadmin: Client) -> None:
    post_import(fachadmin, kreis)
    version = FormVersion.objects.get()
    anonymous = Client().get(reverse("submissions:preview", args=[version.pk]))
    assert anonymous.status_code == 302
    assert "/anmelden" in anonymous["Location"] or "login" in anonymous["Location"]


def test_the_demo_schema_accepts_realistic_answers_and_applies_its_rule() -> None:
    from amtsweg.forms.fim.importer import parse_fim
    from amtsweg.forms.validation import coerce, prune_hidden, validate

    spec = parse_fim(SCHEMA, allow_missing_code_lists=False).spec
    answers = {
        "G99100001": {
            "F99100001": "Beispiel",
            "F99100002": "Jana",
            "F99100003": "14.03.1988",
            "F99100004": "jana@example.org",
            "G99100002": {
                "F99100011": "Markt",
                "F99100012": "3",
                "F99100013": "48249",
                "F99100014": "Dülmen",
            },
        },
        "G99100003": {"F99100021": "COE-AB 123", "F99100022": "01"},
        "G99100005": {"F99100041": "12", "F99100042": "01.01.2027"},
        "F99100051": "on",
    }
    assert validate(spec, prune_hidden(spec, coerce(spec, answers))) == []
    # The vehicle belongs to someone else: the holder's group becomes required (rule R99100001).
    other = answers | {"G99100003": {"F99100021": "COE-AB 123", "F99100022": "02"}}
    errors = validate(spec, prune_hidden(spec, coerce(spec, other)))
    assert any(error.path.startswith("G99100004") for error in errors), errors
