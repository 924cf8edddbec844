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
from amtsweg.forms.persons import version_applicant
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec
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
    "schuelerfahrkosten": "Schülerin oder Schüler",
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


def test_the_confirmation_mail_greets_the_parent(media: Path) -> None:
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
    assert "Guten Tag Sabine Terbeck" in str(body)
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
    assert refused.status_code == 200
    form.refresh_from_db()
    assert form.applicant_group == "kind"


def _inline_management() -> dict[str, str]:
    return {
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
