"""Applications of logged-in citizens start with the account's name, e-mail and address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from amtsweg.accounts.models import User
from amtsweg.forms.definition import DefinitionError, definition_load, definition_loads
from amtsweg.forms.models import Form
from amtsweg.forms.services import form_version_create
from amtsweg.submissions.drafts import draft_start
from amtsweg.submissions.prefill import account_prefill
from amtsweg.submissions.tests.test_flow import DEFINITIONS, Setup, forms_of_the_kreis, start, step_url


@pytest.fixture
def setup(db: None, settings: Any, tmp_path: Path) -> Setup:
    """The Kreis with its forms, per test: most tests here build forms of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return forms_of_the_kreis()


pytestmark = pytest.mark.django_db


def _citizen(**fields: Any) -> User:
    values = {
        "first_name": "Erika",
        "last_name": "Mustermann",
        "street": "Marktplatz 3",
        "postcode": "48249",
        "city": "Dülmen",
        **fields,
    }
    return User.objects.create_user(
        "erika", "erika@example.de", "ein-langes-passwort-123", kind="buerger", **values
    )


def test_the_dog_owner_is_filled_in_and_the_dog_is_not() -> None:
    spec = definition_load(DEFINITIONS / "hundesteuer.yaml").spec
    data = account_prefill(spec, _citizen())
    assert data == {
        "halter": {
            "vorname": "Erika",
            "nachname": "Mustermann",
            "strasse": "Marktplatz 3",
            "plz": "48249",
            "ort": "Dülmen",
        }
    }  # "hund.name" and the birth dates stay empty


def test_the_parent_is_the_first_entry_and_the_child_stays_empty() -> None:
    spec = definition_load(DEFINITIONS / "kita-platz.yaml").spec
    data = account_prefill(spec, _citizen())
    assert data["sorgeberechtigte"][0]["vorname"] == "Erika"
    assert "kind" not in data


def test_forms_without_a_marked_group_and_anonymous_visitors_get_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    unmarked = definition_loads(
        """
key: ohne-markierung
version: "1.0"
title: Formular ohne Gruppe der antragstellenden Person
fields:
  - key: schueler
    label: Schülerin oder Schüler
    fields:
      - {key: vorname, label: Vorname}
      - {key: nachname, label: Nachname}
""",
        name="ohne-markierung.yaml",
    ).spec  # the pupil may be a child: nothing from the parent's account goes there
    assert account_prefill(unmarked, _citizen()) == {}
    dog_form = definition_load(DEFINITIONS / "hundesteuer.yaml").spec
    assert account_prefill(dog_form, AnonymousUser()) == {}


def test_values_that_do_not_fit_and_empty_profiles_are_left_out() -> None:
    spec = definition_loads(
        """
key: kurz
version: "1.0"
title: Kurzes Formular
fields:
  - key: person
    label: Person
    prefill: konto
    fields:
      - {key: vorname, label: Vorname, max_length: 3}
      - {key: name, label: Name}
      - {key: email, label: E-Mail}
""",
        name="kurz.yaml",
    ).spec
    data = account_prefill(spec, _citizen(street="", postcode="", city=""))
    assert data == {"person": {"name": "Erika Mustermann", "email": "erika@example.de"}}


def test_an_unknown_prefill_source_is_refused_with_a_german_message() -> None:
    with pytest.raises(DefinitionError, match="Erlaubt ist nur „konto“"):
        definition_loads(
            'key: x\nversion: "1.0"\ntitle: X\nfields:\n'
            "  - key: p\n    label: P\n    prefill: melderegister\n"
            "    fields:\n      - {key: vorname, label: Vorname}\n",
            name="x.yaml",
        )


def test_the_first_step_shows_the_account_values_and_says_so(setup: Setup) -> None:
    spec = definition_load(DEFINITIONS / "hundesteuer.yaml").spec
    form_version_create(actor=None, spec=spec, owner=setup.kreis, source=Form.Source.DEFINITION, publish=True)
    client = Client()
    client.force_login(_citizen())
    draft = start(client, "hundesteuer-anmeldung", setup.town)
    page = client.get(step_url(draft, "halter"), follow=True).content.decode()
    assert "Einige Angaben haben wir aus Ihrem Konto übernommen." in page
    assert 'value="Marktplatz 3"' in page
    assert 'value="Erika"' in page
    assert draft.data["halter"]["plz"] == "48249"


def test_an_anonymous_draft_starts_empty(setup: Setup) -> None:
    draft, _token = draft_start(form_version=setup.schueler, actor=None, municipality=setup.town)
    assert draft.data == {}
