"""What citizens type into fields of the web form (issue 11, field types; the API: `test_field_input_api.py`).

Every value is read, checked and shown by the field-type registry (``forms.fieldtypes``); these tests drive
the pages as a citizen would: hostile values get a German message naming the field
and a 4xx, checks the form promises (IBAN check digits, no dates in the future, the school types of the
service) hold, and the page shows what the rules say on first load.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import amtsweg.forms
from amtsweg.catalog.tests.factories import kreis_scenario
from amtsweg.core.safeinput import forbidden_characters_message
from amtsweg.forms.definition import definition_load
from amtsweg.forms.models import Form
from amtsweg.forms.services import form_version_create
from amtsweg.submissions.models import Draft
from amtsweg.tenants.models import Authority
from amtsweg.testing import fresh_copy, module_world

DEFINITIONS = Path(amtsweg.forms.__file__).parent / "definitions"

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
HALTER = {
    "halter.vorname": "Jürgen",
    "halter.nachname": "Beispiel",
    "halter.geburtsdatum": "01.02.1970",
    "halter.strasse": "Markt 1",
    "halter.plz": "48249",
    "halter.ort": "Dülmen",
}
HUND = {
    "hund.__n": "1",
    "hund.0.name": "Bello",
    "hund.0.rasse": "Dackel",
    "hund.0.haltung_seit": "01.03.2024",
}


def _town_with_forms() -> Authority:
    scenario = kreis_scenario()
    for name in ("schuelerfahrkosten.yaml", "hundesteuer.yaml"):
        form_version_create(
            actor=None,
            spec=definition_load(DEFINITIONS / name).spec,
            owner=scenario.kreis,
            source=Form.Source.DEFINITION,
            publish=True,
        )
    return scenario.towns["duelmen"]


@module_world
def _town_built() -> Authority:
    return _town_with_forms()


@pytest.fixture
def town(_town_built: Authority, db: None, settings: Any, tmp_path: Path) -> Authority:
    """The Kreis scenario with two published forms, built once per module; each test gets its own copy."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return fresh_copy(_town_built)


def start(client: Client, key: str, town: Authority) -> Draft:
    response = client.post(
        reverse("submissions:start", args=[key]), {"gemeinde": town.slug, "email": "eltern@example.de"}
    )
    assert response.status_code == 302
    found = re.search(r"/entwurf/([0-9a-f-]{36})/", response["Location"])
    assert found is not None
    return Draft.objects.get(pk=found[1])


def post(client: Client, draft: Draft, step: str, data: dict[str, Any], action: str = "weiter") -> Any:
    return client.post(reverse("submissions:step", args=[draft.pk, step]), {**data, "action": action})


def errors_of(response: Any) -> list[str]:
    html = response.content.decode()
    summary = html[html.index("fehlerliste") : html.index("</ul>", html.index("fehlerliste"))]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def schule_step(client: Client, town: Authority) -> Draft:
    draft = start(client, "schuelerfahrkosten", town)
    assert post(client, draft, "schueler", SCHUELER).status_code == 302
    return draft


# ---- hostile values through the web form -----------------------------------------------------------


@pytest.mark.parametrize("typed", ["1e1000000", "1e5000", "9" * 5000, "7,5\x1b", "٧,٥"])
def test_a_hostile_number_gets_a_german_message_naming_the_field(
    client: Client, town: Authority, typed: str
) -> None:
    draft = schule_step(client, town)
    response = post(client, draft, "schule", {**SCHULE, "schule.entfernung_km": typed})
    assert response.status_code == 400
    named = [m for m in errors_of(response) if "„Kürzester Fußweg zur Schule in Kilometern“" in m]
    assert len(named) == 1
    draft.refresh_from_db()
    assert "entfernung_km" not in draft.data.get("schule", {})
    assert draft.data["schule"]["schulname"] == "Berufskolleg Dülmen"  # what could be read is kept


def test_control_characters_in_a_text_are_refused_and_not_stored(client: Client, town: Authority) -> None:
    draft = start(client, "schuelerfahrkosten", town)
    response = post(client, draft, "schueler", {**SCHUELER, "antragsteller.nachname": "Mül\x1bler"})
    assert response.status_code == 400
    assert errors_of(response) == [
        "„Nachname“ enthält Zeichen, die wir nicht speichern können (z. B. Steuerzeichen). "
        "Bitte geben Sie den Text erneut ein."
    ]
    draft.refresh_from_db()
    assert "nachname" not in draft.data["antragsteller"]


def test_a_nul_byte_in_a_text_gets_a_german_400(client: Client, town: Authority) -> None:
    draft = start(client, "schuelerfahrkosten", town)
    response = post(client, draft, "schueler", {**SCHUELER, "antragsteller.nachname": "Mül\x00ler"})
    assert response.status_code == 400
    assert forbidden_characters_message() in response.content.decode()
    draft.refresh_from_db()
    assert "antragsteller" not in draft.data


@pytest.mark.parametrize("count", ["¹", "²", "٣", "99999999999999999999"])
def test_odd_digits_in_repetition_counts_and_buttons_are_no_error(
    client: Client, town: Authority, count: str
) -> None:
    draft = start(client, "hundesteuer-anmeldung", town)
    assert post(client, draft, "halter", HALTER).status_code == 302
    for action in ("aktualisieren", f"remove:hund.{count}", f"remove-file:hund.{count}.sachkunde|x"):
        response = post(client, draft, "hunde", {**HUND, "hund.__n": count}, action=action)
        assert response.status_code in (200, 400)
        assert "Bello" in response.content.decode()


# ---- checks citizens hit ---------------------------------------------------------------------------


def test_an_iban_with_a_wrong_check_digit_is_refused(client: Client, town: Authority) -> None:
    draft = schule_step(client, town)
    draft.data["schule"] = {}
    draft.completed_steps = ["schueler", "schule"]
    draft.save(update_fields=["data", "completed_steps"])
    bank = {"bank.kontoinhaber": "Eva Müller", "bestaetigung": "true"}
    response = post(client, draft, "bank", {**bank, "bank.iban": "DE12 3456 7890 1234 5678 90"})
    assert response.status_code == 400
    assert errors_of(response) == [
        "Bitte prüfen Sie „IBAN“: Das ist keine gültige IBAN (z. B. DE02 1203 0000 0000 2020 51)."
    ]
    response = post(client, draft, "bank", {**bank, "bank.iban": "de02 1203 0000 0000 2020 51"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["bank"]["iban"] == "DE02120300000000202051"


def test_a_school_type_the_service_excludes_is_refused(client: Client, town: Authority) -> None:
    draft = schule_step(client, town)
    response = post(client, draft, "schule", {**SCHULE, "schule.schulform": "06"})  # Gymnasium
    assert response.status_code == 400
    assert any(
        m.startswith("Der Kreis übernimmt Schülerfahrkosten nur für Berufskollegs und Förderschulen.")
        for m in errors_of(response)
    )


def test_a_dog_kept_since_a_day_in_the_future_is_refused(client: Client, town: Authority) -> None:
    draft = start(client, "hundesteuer-anmeldung", town)
    assert post(client, draft, "halter", HALTER).status_code == 302
    response = post(client, draft, "hunde", {**HUND, "hund.0.haltung_seit": "01.01.2030"})
    assert response.status_code == 400
    assert errors_of(response) == ["„Gehalten seit“ darf nicht in der Zukunft liegen."]


def test_a_pattern_error_names_the_field(client: Client, town: Authority) -> None:
    draft = start(client, "schuelerfahrkosten", town)
    response = post(client, draft, "schueler", {**SCHUELER, "antragsteller.plz": "4824"})
    assert response.status_code == 400
    assert errors_of(response) == [
        "„Postleitzahl“ hat nicht das erwartete Format: Fünf Ziffern, z. B. 48653."
    ]


# ---- the page as the server renders it (no JavaScript) ---------------------------------------------


def test_fields_of_an_unticked_box_are_hidden_on_first_load(client: Client, town: Authority) -> None:
    draft = start(client, "hundesteuer-anmeldung", town)
    assert post(client, draft, "halter", HALTER).status_code == 302
    page = client.get(reverse("submissions:step", args=[draft.pk, "hunde"])).content.decode()
    assert 'name="hund.0.listenhund"' in page
    assert 'name="hund.0.listenrasse"' not in page
    assert 'name="hund.0.erlaubnis_aktenzeichen"' not in page
    ticked = post(client, draft, "hunde", {**HUND, "hund.0.listenhund": "true"}, action="aktualisieren")
    assert 'name="hund.0.listenrasse"' in ticked.content.decode()


def test_a_group_title_stands_above_its_first_field(client: Client, town: Authority) -> None:
    draft = schule_step(client, town)
    page = client.get(reverse("submissions:step", args=[draft.pk, "schule"])).content.decode()
    # KERN floats a legend; the fields follow in kern-fieldset__body, which starts below it.
    assert re.search(
        r'<legend class="kern-heading-small">Schule</legend>\s*(<p class="kern-hint"[^>]*>[^<]*</p>\s*)?'
        r'<div class="kern-fieldset__body">',
        page,
    )
