"""The applicant's way through a form with the Django test client, without JavaScript.

Uses the hand-written Schülerfahrkosten form (``forms/definitions``) and a small form built here with a
repeating group and a conditional field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import amtsweg.forms
from amtsweg.accounts.models import User
from amtsweg.catalog.tests.factories import kreis_scenario
from amtsweg.forms.definition import definition_load, definition_loads
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.services import form_version_create
from amtsweg.submissions.models import Attachment, Draft, Submission
from amtsweg.tenants.models import Authority
from amtsweg.testing import fresh_copy, module_world

DEFINITIONS = Path(amtsweg.forms.__file__).parent / "definitions"

# A PDF small enough to write by hand; the upload check looks at the first bytes (%PDF-).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

FAMILY_FORM = """
key: familienbogen
version: "1"
title: Familienbogen
fields:
  - key: haushalt
    label: Haushalt
    fields:
      - {key: name, label: Name, required: true}
      - {key: haustier, label: "Haben Sie ein Haustier?", type: bool, input: radio, required: true}
      - {key: tierart, label: "Welches Tier?", required: true}
  - key: kinder
    label: Kind
    repeat: {min: 1, max: 3}
    fields:
      - {key: vorname, label: Vorname des Kindes, required: true}
      - {key: geburtsdatum, label: Geburtsdatum des Kindes, type: date, required: true}
      - {key: urkunde, label: Geburtsurkunde, type: file}
rules:
  - {key: tier, kind: show, scope: haushalt, when: {field: haustier, op: "true"}, targets: [tierart]}
"""


@dataclass
class Setup:
    kreis: Authority
    town: Authority
    schueler: FormVersion
    family: FormVersion


@module_world
def _setup_built() -> Setup:
    return forms_of_the_kreis()


@pytest.fixture
def setup(_setup_built: Setup, db: None, settings: Any, tmp_path: Path) -> Setup:
    """Built once per module (rolled back after it); each test gets its own copy."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return fresh_copy(_setup_built)


def forms_of_the_kreis() -> Setup:
    scenario = kreis_scenario()
    loaded = definition_load(DEFINITIONS / "schuelerfahrkosten.yaml")
    schueler = form_version_create(
        actor=None, spec=loaded.spec, owner=scenario.kreis, source=Form.Source.DEFINITION, publish=True
    )
    family = form_version_create(
        actor=None,
        spec=definition_loads(FAMILY_FORM, name="familie.yaml").spec,
        owner=scenario.kreis,
        source=Form.Source.DEFINITION,
        publish=True,
    )
    return Setup(kreis=scenario.kreis, town=scenario.towns["duelmen"], schueler=schueler, family=family)


def start(client: Client, key: str, town: Authority, email: str = "eltern@example.de") -> Draft:
    response = client.post(reverse("submissions:start", args=[key]), {"gemeinde": town.slug, "email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft_id = re.search(r"/entwurf/([0-9a-f-]{36})/", response["Location"])
    assert draft_id is not None
    return Draft.objects.get(pk=draft_id[1])


def step_url(draft: Draft, key: str) -> str:
    return reverse("submissions:step", args=[draft.pk, key])


SCHUELER = {
    "antragsteller.antrag_fuer": "kind",
    "antragsteller.vorname": "Eva",
    "antragsteller.nachname": "Müller",
    "antragsteller.strasse": "Markt 1",
    "antragsteller.plz": "48249",
    "antragsteller.ort": "Dülmen",
    "schueler.vorname": "Lena",
    "schueler.nachname": "Müller",
    "schueler.geburtsdatum": "03.04.2010",
}
SCHULE = {
    "schule.schulform": "08",
    "schule.schulname": "Berufskolleg Dülmen",
    "schule.klasse": "11b",
    "schule.schuljahr": "2026/27",
    "schule.entfernung_km": "7,5",
    "schule.verkehrsmittel": "bus",
}
BANK = {
    "bank.kontoinhaber": "Eva Müller",
    "bank.iban": "DE02 1203 0000 0000 2020 51",
    "bestaetigung": "true",
}


def post(client: Client, url: str, data: dict[str, Any], action: str = "weiter") -> Any:
    return client.post(url, {**data, "action": action})


def test_complete_application_through_all_steps(client: Client, setup: Setup) -> None:
    page = client.get(reverse("submissions:start", args=["schuelerfahrkosten"]))
    assert page.status_code == 200
    assert "Schulbescheinigung" in page.content.decode()  # what you need: the evidence to upload
    draft = start(client, "schuelerfahrkosten", setup.town)
    assert draft.municipality == setup.town

    response = post(client, step_url(draft, "schueler"), SCHUELER)
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "schule")

    upload = SimpleUploadedFile("bescheinigung.pdf", PDF, content_type="application/pdf")
    response = post(client, step_url(draft, "schule"), {**SCHULE, "schule.schulbescheinigung": upload})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == step_url(draft, "bank")
    draft.refresh_from_db()
    assert draft.data["schueler"]["geburtsdatum"] == "2010-04-03"
    assert draft.data["schule"]["entfernung_km"] == 7.5
    attachment = Attachment.objects.get(draft=draft)
    assert draft.data["schule"]["schulbescheinigung"] == str(attachment.pk)

    response = post(client, step_url(draft, "bank"), BANK)
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:summary", args=[draft.pk])

    summary = client.get(response["Location"]).content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in summary
    assert "03.04.2010" in summary
    assert "Berufskolleg" in summary
    assert "7,5" in summary
    assert "bescheinigung.pdf" in summary
    assert summary.count("?zurueck=zusammenfassung") == 3  # one "Ändern" per step

    response = client.post(reverse("submissions:submit", args=[draft.pk]))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:receipt", args=[submission.pk])
    assert submission.municipality == setup.town
    assert submission.attachments.count() == 1
    assert not Draft.objects.filter(pk=draft.pk).exists()
    # The session that submitted sees the receipt with the reference number.
    assert submission.reference in client.get(response["Location"]).content.decode()

    # A second click on "Absenden" leads to the same receipt, no second submission.
    again = client.post(reverse("submissions:submit", args=[draft.pk]))
    assert again.status_code == 302
    assert again["Location"] == response["Location"]
    assert Submission.objects.count() == 1


def test_validation_errors_are_listed_at_the_top_and_at_each_field(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    data = {**SCHUELER, "schueler.vorname": "", "schueler.geburtsdatum": "31.02.2010"}
    response = post(client, step_url(draft, "schueler"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Fehler:" in html
    assert "Es gibt ein Problem" in html
    summary = html[html.index("fehlerliste") : html.index("</ul>", html.index("fehlerliste"))]
    assert 'href="#f-schueler-vorname"' in summary
    assert 'href="#f-schueler-geburtsdatum"' in summary
    assert "Das Datum bei „Geburtsdatum der Schülerin oder des Schülers“ gibt es nicht" in summary
    assert re.search(r'id="f-schueler-vorname"[^>]*aria-invalid="true"', html)
    assert re.search(r'aria-describedby="[^"]*f-schueler-vorname-fehler', html)
    # What was typed stays in the field; what could be read is saved.
    assert 'value="31.02.2010"' in html
    draft.refresh_from_db()
    assert draft.data["schueler"]["nachname"] == "Müller"
    assert "schueler" not in draft.completed_steps


def test_forged_step_order_leads_back_to_the_first_open_step(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    for url in (
        step_url(draft, "bank"),
        reverse("submissions:summary", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == step_url(draft, "schueler")
    response = client.post(reverse("submissions:submit", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "schueler")
    page = client.get(step_url(draft, "schueler")).content.decode()
    assert "Bitte füllen Sie zuerst den Schritt" in page
    assert not Submission.objects.exists()
    assert client.get(step_url(draft, "gibt-es-nicht")).status_code == 404


def test_conditional_field_appears_after_posting_the_controlling_answer(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    url = step_url(draft, "schule")
    assert 'name="schule.begruendung"' not in client.get(url).content.decode()

    upload = SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")
    response = post(
        client, url, {**SCHULE, "schule.gefaehrlicher_schulweg": "true", "schule.schulbescheinigung": upload}
    )
    # Same step again, now with the new question, and no error yet.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="schule.begruendung"' in html
    assert "Es gibt ein Problem" not in html
    # Leaving it empty is an error now (the rule makes it required).
    response = post(client, url, {**SCHULE, "schule.gefaehrlicher_schulweg": "true"})
    assert response.status_code == 400
    assert "Bitte begründen Sie" in response.content.decode()
    response = post(
        client,
        url,
        {**SCHULE, "schule.gefaehrlicher_schulweg": "true", "schule.begruendung": "Landstraße ohne Gehweg"},
    )
    assert response.status_code == 302
    # Unticking hides the reason again and its answer is dropped.
    post(client, url, SCHULE)
    draft.refresh_from_db()
    assert "begruendung" not in draft.data["schule"]


def test_htmx_refresh_returns_only_the_fields(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    response = client.post(
        step_url(draft, "schule"),
        {**SCHULE, "schule.gefaehrlicher_schulweg": "true", "action": "aktualisieren"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="schritt-felder"' not in html  # htmx swaps the inside of that element
    assert 'name="schule.begruendung"' in html
    assert "<html" not in html
    assert "hx-post" in client.get(step_url(draft, "schule")).content.decode()


def test_repeating_group_add_and_remove_without_javascript(client: Client, setup: Setup) -> None:
    draft = start(client, "familienbogen", setup.town)
    url = step_url(draft, "kinder")
    post(
        client, step_url(draft, "haushalt"), {"haushalt.name": "Familie Müller", "haushalt.haustier": "false"}
    )
    page = client.get(url).content.decode()
    assert 'name="kinder.0.vorname"' in page
    assert "Eintrag „Kind 1“ entfernen" not in page  # at least one child is required

    first = {"kinder.__n": "1", "kinder.0.vorname": "Mia", "kinder.0.geburtsdatum": "01.02.2018"}
    response = post(client, url, first, action="add:kinder")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="kinder.1.vorname"' in html
    assert 'value="Mia"' in html  # the answers of the first child were kept
    assert 'name="kinder.__n" value="2"' in html

    two = {**first, "kinder.__n": "2", "kinder.1.vorname": "Ben", "kinder.1.geburtsdatum": "05.06.2020"}
    response = post(client, url, two, action="remove:kinder.0")
    html = response.content.decode()
    assert 'value="Ben"' in html
    assert 'value="Mia"' not in html
    assert 'name="kinder.1.vorname"' not in html
    draft.refresh_from_db()
    assert draft.data["kinder"] == [{"vorname": "Ben", "geburtsdatum": "2020-06-05"}]

    # Three children at most: no add button then.
    three = {
        "kinder.__n": "3",
        **{f"kinder.{i}.vorname": f"Kind{i}" for i in range(3)},
        **{f"kinder.{i}.geburtsdatum": "01.01.2019" for i in range(3)},
    }
    html = post(client, url, three, action="aktualisieren").content.decode()
    assert "Weiteren Eintrag „Kind“ hinzufügen" not in html
    response = post(client, url, three)
    assert response.status_code == 302


def test_conditional_field_in_family_form_and_radio_errors(client: Client, setup: Setup) -> None:
    draft = start(client, "familienbogen", setup.town)
    url = step_url(draft, "haushalt")
    response = post(client, url, {"haushalt.name": "X"})
    assert response.status_code == 400
    html = response.content.decode()
    # The summary links to the first radio button of the question.
    assert 'href="#f-haushalt-haustier"' in html
    assert 'id="f-haushalt-haustier"' in html
    assert 'type="radio"' in html
    response = post(client, url, {"haushalt.name": "X", "haushalt.haustier": "true"})
    assert response.status_code == 200
    assert 'name="haushalt.tierart"' in response.content.decode()


def test_other_peoples_drafts_are_not_found(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    other = Client()
    for url in (step_url(draft, "schueler"), reverse("submissions:summary", args=[draft.pk])):
        assert other.get(url).status_code == 404
    assert other.post(reverse("submissions:submit", args=[draft.pk])).status_code == 404
    assert other.post(reverse("submissions:delete", args=[draft.pk])).status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists()

    owner = User.objects.create_user("anna", "anna@example.de", "ein-langes-passwort-123", kind="buerger")
    stranger = User.objects.create_user("bert", "bert@example.de", "ein-langes-passwort-123", kind="buerger")
    own = Client()
    own.force_login(owner)
    mine = start(own, "schuelerfahrkosten", setup.town)
    assert mine.applicant == owner
    intruder = Client()
    intruder.force_login(stranger)
    assert intruder.get(step_url(mine, "schueler")).status_code == 404
    assert own.get(step_url(mine, "schueler")).status_code == 200


def test_meine_antraege_lists_drafts_and_submissions(client: Client, setup: Setup) -> None:
    user = User.objects.create_user(
        "anna", "anna@example.de", "ein-langes-passwort-123", kind="buerger", municipality=setup.town
    )
    assert client.get(reverse("submissions:mine")).status_code == 302  # login required
    client.force_login(user)
    start_page = client.get(reverse("submissions:start", args=["schuelerfahrkosten"])).content.decode()
    assert f'<option value="{setup.town.slug}" selected>' in start_page  # the account's town
    assert 'name="email"' not in start_page
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    response = post(client, step_url(draft, "schule"), {"schule.klasse": "5a"}, action="speichern")
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:mine")

    page = client.get(reverse("submissions:mine")).content.decode()
    assert "Antrag auf Übernahme von Schülerfahrkosten" in page
    assert "1 von 3 Schritten" in page
    assert step_url(draft, "schule") in page
    assert reverse("submissions:delete", args=[draft.pk]) in page
    assert "Sie haben noch keine Anträge gestellt." in page

    Submission.objects.create(
        reference="A-2026-TEST1",
        idempotency_key="test:1",
        form_version=setup.schueler,
        applicant=user,
        data={},
        submitted_at="2026-11-20T10:00:00+01:00",
    )
    page = client.get(reverse("submissions:mine")).content.decode()
    assert "A-2026-TEST1" in page
    assert "20.11.2026" in page

    response = client.post(reverse("submissions:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()

    staff = User.objects.create_user("sb", "sb@kreis.example", "ein-langes-passwort-123", kind="personal")
    client.force_login(staff)
    assert client.get(reverse("submissions:mine")).status_code == 403


def test_service_page_offers_the_online_form_and_account_links_to_meine_antraege(
    client: Client, setup: Setup
) -> None:
    from amtsweg.catalog.tests.factories import ServiceFactory

    service = ServiceFactory(name="Schülerfahrkosten", owner=setup.kreis)
    html = client.get(reverse("catalog:service_detail", args=[service.slug])).content.decode()
    assert "online-beantragen" not in html
    # Linked as the Fachadmin does it: saving the form renews the cached service page.
    form = Form.objects.get(pk=setup.schueler.form_id)
    form.service = service
    form.save()
    html = client.get(reverse("catalog:service_detail", args=[service.slug])).content.decode()
    assert (
        f'href="{reverse("submissions:start", args=["schuelerfahrkosten"])}" id="online-beantragen"' in html
    )

    user = User.objects.create_user("anna", "anna@example.de", "ein-langes-passwort-123", kind="buerger")
    client.force_login(user)
    overview = client.get(reverse("accounts:overview")).content.decode()
    assert f'href="{reverse("submissions:mine")}"' in overview


def test_back_change_and_uploads(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    schule = step_url(draft, "schule")

    # "Zurück" does not judge the step: no error, what was typed is kept.
    response = post(client, schule, {"schule.klasse": "7c"}, action="zurueck")
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "schueler")
    assert 'value="7c"' in client.get(schule).content.decode()

    # A file that is not what its name says is refused with a German message at the field.
    fake = SimpleUploadedFile(
        "bescheinigung.pdf", b"Hallo, ich bin kein PDF.", content_type="application/pdf"
    )
    response = post(client, schule, {**SCHULE, "schule.schulbescheinigung": fake})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#f-schule-schulbescheinigung"' in html
    assert "keine PDF" in html
    assert not Attachment.objects.exists()

    upload = SimpleUploadedFile("echt.pdf", PDF, content_type="application/pdf")
    post(client, schule, {**SCHULE, "schule.schulbescheinigung": upload}, action="aktualisieren")
    attachment = Attachment.objects.get()
    html = client.get(schule).content.decode()
    assert "Hochgeladen: echt.pdf" in html
    response = post(client, schule, SCHULE, action=f"remove-file:schule.schulbescheinigung|{attachment.pk}")
    assert response.status_code == 200
    assert "Hochgeladen: echt.pdf" not in response.content.decode()
    assert not Attachment.objects.exists()
    draft.refresh_from_db()
    assert "schulbescheinigung" not in draft.data["schule"]

    # Complete everything, then "Ändern" from the summary leads back to the summary.
    upload = SimpleUploadedFile("echt.pdf", PDF, content_type="application/pdf")
    post(client, schule, {**SCHULE, "schule.schulbescheinigung": upload})
    post(client, step_url(draft, "bank"), BANK)
    change = client.get(step_url(draft, "schueler") + "?zurueck=zusammenfassung").content.decode()
    assert 'name="zurueck_zur" value="zusammenfassung"' in change
    response = post(client, step_url(draft, "schueler"), {**SCHUELER, "zurueck_zur": "zusammenfassung"})
    assert response["Location"] == reverse("submissions:summary", args=[draft.pk])


@pytest.mark.parametrize(
    "action",
    [
        "add:",
        "add:kinder.7",
        "add:haushalt.name",
        "add:gibt.es.nicht",
        "remove:kinder",
        "remove:kinder.99",
        "remove:kinder.x",
        "remove-file:",
        "remove-file:kinder.0.vorname|123",
        "unbekannt",
    ],
)
def test_forged_buttons_and_values_never_break_the_step(client: Client, setup: Setup, action: str) -> None:
    draft = start(client, "familienbogen", setup.town)
    post(client, step_url(draft, "haushalt"), {"haushalt.name": "X", "haushalt.haustier": "false"})
    data = {
        "kinder.__n": "100000",
        "kinder.0.vorname": "A" * 5000,
        "kinder.0.geburtsdatum": "99.99.9999",
        "kinder.1.unbekannt": "x",
    }
    response = post(client, step_url(draft, "kinder"), data, action=action)
    assert response.status_code in (200, 302, 400)
    draft.refresh_from_db()
    assert len(draft.data.get("kinder", [])) <= 3


def test_removing_an_entry_removes_its_upload(client: Client, setup: Setup) -> None:
    draft = start(client, "familienbogen", setup.town)
    post(client, step_url(draft, "haushalt"), {"haushalt.name": "X", "haushalt.haustier": "false"})
    url = step_url(draft, "kinder")
    two = {
        "kinder.__n": "2",
        "kinder.0.vorname": "Mia",
        "kinder.1.vorname": "Ben",
        "kinder.1.urkunde": SimpleUploadedFile("urkunde.pdf", PDF, content_type="application/pdf"),
    }
    html = post(client, url, two, action="aktualisieren").content.decode()
    assert "Hochgeladen: urkunde.pdf" in html
    attachment = Attachment.objects.get(draft=draft)
    assert attachment.field_path == "kinder.1.urkunde"
    post(client, url, {**two, "kinder.1.urkunde": ""}, action="remove:kinder.1")
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    draft.refresh_from_db()
    assert draft.data["kinder"] == [{"vorname": "Mia"}]


def test_a_company_member_applies_in_the_name_of_the_company(client: Client, setup: Setup) -> None:
    """ "Im Namen von": the submission records the organisation; receipt and caseworker see it."""
    from amtsweg.accounts import services as account_services
    from amtsweg.accounts.tests.helpers import citizen

    member = citizen("inhaberin@example.org")
    company = account_services.organisation_create(
        actor=member,
        data={
            "name": "Bäckerei Beispiel GmbH",
            "street": "Marktstraße 3",
            "postcode": "48249",
            "city": "Dülmen",
        },
    )
    client.force_login(member)
    client.post(reverse("accounts:acting_for"), {"organisation": str(company.pk)})

    draft = start(client, "schuelerfahrkosten", setup.town)
    assert draft.organisation == company
    post(client, step_url(draft, "schueler"), SCHUELER)
    upload = SimpleUploadedFile("bescheinigung.pdf", PDF, content_type="application/pdf")
    post(client, step_url(draft, "schule"), {**SCHULE, "schule.schulbescheinigung": upload})
    post(client, step_url(draft, "bank"), BANK)
    response = client.post(reverse("submissions:submit", args=[draft.pk]))

    submission = Submission.objects.get()
    assert submission.organisation == company
    assert submission.applicant == member
    receipt = client.get(response["Location"]).content.decode()
    assert "im Namen von" in receipt
    assert "Bäckerei Beispiel GmbH" in receipt

    # Acting for oneself again: the next application is the person's own.
    client.post(reverse("accounts:acting_for"), {"organisation": ""})
    assert start(client, "schuelerfahrkosten", setup.town).organisation is None
