"""The applicant is the person who applies – not the child, the pupil, the dog or the vehicle's holder.

Every demo form and both real FIM schemas say (or are given by default) which group holds the person who
applies; the case takes name, e-mail and address from there: the inbox, the confirmation e-mail and the
decision letter address that person. The Fachadmin can choose another group in the admin.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.accounts.models import User
from amtsweg.cases.letters import letter_recipient
from amtsweg.cases.models import Case
from amtsweg.catalog.tests.factories import OrgUnitFactory, ResponsibilityFactory, ServiceFactory
from amtsweg.core.models import AuditEntry
from amtsweg.demo.cases import answers_for
from amtsweg.demo.forms import DEFINITIONS
from amtsweg.forms.definition import definition_load
from amtsweg.forms.fim.importer import parse_fim
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.persons import version_addressee, version_applicant
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec
from amtsweg.forms.validation import prune_hidden, validate_version
from amtsweg.submissions.services import submission_create
from amtsweg.submissions.tasks import send_confirmation
from amtsweg.submissions.tests.test_intake_fixtures import World, build_world
from amtsweg.testing import shared_data

pytestmark = pytest.mark.django_db

# Definition file or FIM schema → the label of the group that holds the person who applies.
APPLICANT_GROUP_LABEL = {
    "anliegen": "Ihre Kontaktdaten",
    "fuehrerschein-umtausch": "Angaben zur Person",
    "hundesteuer": "Halterin oder Halter",
    "kita-platz": "Sorgeberechtigte Person",
    "schuelerfahrkosten": "Antragstellende Person",  # a parent for the child, or the adult pupil
    "wohngeld": "Antragstellerin oder Antragsteller",
    "S05000058": "Angaben zur antragstellenden Person",  # Bewohnerparkausweis
    "S00000009": "Angaben zum Betriebsinhaber",  # Gewerbe-Anmeldung
}
FIM = {
    "S05000058": ("bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml"),
    "S00000009": ("gewerbeanmeldung_S00000009", "S00000009_xdatenfelder.xml"),
}


def _spec(name: str) -> FormSpec:
    if name in FIM:
        return parse_fim(shared_data("fim", "real", *FIM[name]), allow_missing_code_lists=True).spec
    return definition_load(DEFINITIONS / f"{name}.yaml").spec


def _everyone(spec: FormSpec) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers in which every top-level group describes its own person: each text is marked with the
    group's label (``[Kind]``), e-mail fields get an address of their own. Returns the answers and
    the e-mail address per group label."""
    emails: dict[str, str] = {}

    def fill(group: GroupSpec, mark: str) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for child in group.children:
            element = child.element
            if isinstance(element, GroupSpec):
                inner = fill(element, mark)
                answers[child.key] = [inner] if child.repeating else inner
            elif isinstance(element, FieldSpec) and element.datatype == "text":
                if "mail" in f"{element.key} {element.name}".lower():
                    value = emails.setdefault(mark, f"person{len(emails)}@example.org")
                else:
                    value = f"{element.name} [{mark}]"
                answers[child.key] = [value] if child.max != 1 else value
        return answers

    data: dict[str, Any] = {}
    for child in spec.root.children:
        if isinstance(child.element, GroupSpec):
            inner = fill(child.element, child.element.label)
            data[child.key] = [inner] if child.repeating else inner
    return data, emails


@pytest.mark.parametrize("name", sorted([p.stem for p in DEFINITIONS.glob("*.yaml")] + list(FIM)))
def test_every_form_takes_the_applicant_from_the_group_of_the_person_who_applies(name: str) -> None:
    spec = _spec(name)
    version = form_version_create(
        actor=None, spec=spec, owner=build_world().kreis, source=Form.Source.DEFINITION
    )
    data, emails = _everyone(spec)
    expected = APPLICANT_GROUP_LABEL[name]

    person = version_applicant(version, data)

    marks = set(re.findall(r"\[([^\]]+)\]", f"{person.name} {person.street} {person.city}"))
    assert person.name, f"{name}: no name found"
    assert marks == {expected}, f"{name}: the applicant comes from {marks}, not from „{expected}“"
    assert person.email == emails.get(expected, "")


@pytest.mark.parametrize("path", sorted(DEFINITIONS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_demo_form_declares_the_group_of_the_adult_who_applies(path: Path) -> None:
    """The declared applicant group is the one a logged-in citizen's own data fills (prefill: konto):
    the person at the keyboard, not the child, the pupil or the dog the form is about."""
    spec = definition_load(path).spec
    assert spec.applicant_group, f"{path.name}: no applicant group declared"
    group = spec.element_at(spec.applicant_group)
    assert group is not None
    assert isinstance(group.element, GroupSpec)
    assert group.element.prefill == "konto", f"{path.name}: the account does not fill the applicant group"
    assert [p for p, c in spec.iter_elements() if isinstance(c.element, GroupSpec) and c.element.prefill] == [
        spec.applicant_group
    ]


def _pupil_answers(applies_for: str, **pupil: Any) -> dict[str, Any]:
    return {
        "antragsteller": {
            "antrag_fuer": applies_for,
            "vorname": "Eva",
            "nachname": "Hölscher",
            "strasse": "Lüdinghauser Straße 12",
            "plz": "48249",
            "ort": "Dülmen",
        },
        "schueler": {"geburtsdatum": "2005-04-03", **pupil},
        "schule": {
            "schulform": "08",
            "schulname": "Berufskolleg Dülmen",
            "klasse": "12",
            "schuljahr": "2026/27",
            "entfernung_km": 7.5,
            "verkehrsmittel": "bus",
            "schulbescheinigung": "0f4b5c1e-8a2d-4c3b-9e1f-2a3b4c5d6e7f",
        },
        "bank": {"kontoinhaber": "Eva Hölscher", "iban": "DE89370400440532013000"},
        "bestaetigung": True,
    }


def _pupil_version() -> FormVersion:
    spec = definition_load(DEFINITIONS / "schuelerfahrkosten.yaml").spec
    return form_version_create(
        actor=None, spec=spec, owner=build_world().kreis, source=Form.Source.DEFINITION
    )


def test_schuelerfahrkosten_a_parent_applies_for_the_pupil() -> None:
    version = _pupil_version()
    data = _pupil_answers("kind", vorname="Lena", nachname="Hölscher")

    assert validate_version(version, data) == []
    assert version_applicant(version, data).name == "Eva Hölscher"
    assert version_addressee(version, data).address_lines == ["Lüdinghauser Straße 12", "48249 Dülmen"]
    missing = _pupil_answers("kind")  # the pupil must be named when a parent applies
    assert {error.path for error in validate_version(version, missing)} == {
        "schueler.vorname",
        "schueler.nachname",
    }


def test_schuelerfahrkosten_an_adult_pupil_applies_without_naming_themselves_twice() -> None:
    version = _pupil_version()
    data = _pupil_answers("selbst", vorname="Eva", nachname="Hölscher", andere_anschrift=True)

    assert validate_version(version, data) == []
    assert version_applicant(version, data).name == "Eva Hölscher"
    # the pupil's own name and address are not asked: what was typed before choosing "selbst" is dropped
    assert prune_hidden(version.spec(), data)["schueler"] == {"geburtsdatum": "2005-04-03"}


# ---- through the intake: the Kita form -----------------------------------------------------------------


def _kita(world: World) -> FormVersion:
    jugendamt = OrgUnitFactory(authority=world.kreis, name="Jugendamt", function="jugendamt")
    service = ServiceFactory(owner=world.kreis, name="Kita-Platz", slug="kita-platz-test")
    ResponsibilityFactory(service=service, authority=world.kreis, org_unit=jugendamt)
    return form_version_create(
        actor=None,
        spec=definition_load(DEFINITIONS / "kita-platz.yaml").spec,
        owner=world.kreis,
        source=Form.Source.DEFINITION,
        service=service,
        publish=True,
    )


def _kita_answers(version: FormVersion, world: World) -> dict[str, Any]:
    data = answers_for(version, random.Random(7), world.town)
    assert data is not None
    data["kind"] |= {"vorname": "Mila", "nachname": "Terbeck"}
    data["sorgeberechtigte"][0] |= {
        "vorname": "Sabine",
        "nachname": "Terbeck",
        "strasse": "Kirchstraße 4",
        "plz": "48249",
        "ort": "Dülmen",
    }
    return data


def test_kita_case_mail_inbox_and_letter_address_the_parent_not_the_child(
    client: Client, media: Path
) -> None:
    world = build_world()
    version = _kita(world)
    data = _kita_answers(version, world)

    submission, _new = submission_create(
        form_version=version, data=data, applicant=None, municipality=world.town, idempotency_key="kita-1"
    )
    case = Case.objects.get(submission=submission)

    assert submission.applicant_name == "Sabine Terbeck"
    assert letter_recipient(case) == ("Sabine Terbeck", ["Kirchstraße 4", "48249 Dülmen"])
    caseworker = staff_create("sb-jugend", world.kreis, ("sachbearbeitung", case.org_unit))
    inbox = login_verified(client, caseworker).get(reverse("cases:inbox")).text
    assert "Sabine Terbeck" in inbox
    assert "Mila" not in inbox


def test_the_confirmation_mail_goes_to_the_parent_and_never_names_the_child(media: Path) -> None:
    world = build_world()
    version = _kita(world)
    data = _kita_answers(version, world)
    # The Kita form asks for no e-mail address: the mail goes to the account, which has no name.
    parent = User.objects.create_user("sabine", "sabine@example.org", "x" * 16)  # no name in the account
    submission, _new = submission_create(
        form_version=version, data=data, applicant=parent, municipality=world.town, idempotency_key="kita-2"
    )
    send_confirmation.call(str(submission.pk))
    assert [message.to for message in mail.outbox] == [["sabine@example.org"]]
    body = mail.outbox[0].alternatives[0][0] if mail.outbox[0].alternatives else mail.outbox[0].body
    # No name typed into a form goes into a mail (it could be abused to send text to strangers).
    assert "Guten Tag," in str(body)
    assert "Mila" not in str(body)


# ---- the Fachadmin chooses another group ----------------------------------------------------------------


def test_fachadmin_chooses_the_applicant_group_in_the_admin(client: Client, media: Path) -> None:
    world = build_world()
    version = _kita(world)
    form = version.form
    admin = login_verified(client, staff_create("fa-kreis", world.kreis, "fachadministration"))
    url = reverse("admin:forms_form_change", args=[form.pk])
    page = admin.get(url).text
    assert "Gruppe der antragstellenden Person" in page
    assert "wie in der Formulardefinition: Sorgeberechtigte Person" in page

    response = admin.post(url, {"applicant_group": "kind", "addressee_group": "", **_inline_management()})
    assert response.status_code == 302, response.text

    form.refresh_from_db()
    assert form.applicant_group == "kind"
    entry = AuditEntry.objects.filter(action="form.person_groups_set").get()
    assert entry.changes == {"applicant_group": ["", "kind"]}
    submission, _new = submission_create(
        form_version=FormVersion.objects.get(pk=version.pk),
        data=_kita_answers(version, world),
        applicant=None,
        municipality=world.town,
        idempotency_key="kita-3",
    )
    assert submission.applicant_name == "Mila Terbeck"

    refused = admin.post(url, {"applicant_group": "gibt_es_nicht", **_inline_management()})
    assert refused.status_code == 400
    form.refresh_from_db()
    assert form.applicant_group == "kind"


def _inline_management() -> dict[str, str]:
    return {
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
