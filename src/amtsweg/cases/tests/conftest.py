"""Fixtures of the case tests: the intake world of the submissions tests plus staff and applicants."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from amtsweg.access.testing import staff_create
from amtsweg.accounts.models import User
from amtsweg.cases.models import Case, LegalRemedy
from amtsweg.catalog.tests.factories import MunicipalityFactory, OrgUnitFactory
from amtsweg.submissions.services import submission_create
from amtsweg.submissions.tests.test_intake_fixtures import World, build_world, valid_data
from amtsweg.tenants.models import Authority, OrgUnit

_keys = itertools.count()


@dataclass
class CaseWorld:
    base: World
    caseworker: Any  # Sachbearbeitung, Steueramt Dülmen
    lead: Any  # Teamleitung, Steueramt Dülmen
    ordnungsamt: OrgUnit  # another unit of Dülmen
    other_town: Authority
    stranger: Any  # Sachbearbeitung in another town, same function
    applicant: Any

    def case(self, *, applicant: Any = "default", data: dict[str, Any] | None = None) -> Case:
        user = self.applicant if applicant == "default" else applicant
        submission, _created = submission_create(
            form_version=self.base.version,
            data=data or valid_data(),
            applicant=user,
            municipality=self.base.town,
            idempotency_key=f"test:{next(_keys)}",
        )
        return Case.objects.get(submission=submission)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Test accounts need no expensive password hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cw(db: None) -> CaseWorld:
    return case_world_build()


def case_world_build() -> CaseWorld:
    """The intake world of Dülmen with a second unit, another town, staff, an applicant and a legal remedy."""
    base = build_world()
    ordnungsamt = OrgUnitFactory(authority=base.town, name="Ordnungsamt", function="ordnungsamt")
    other = MunicipalityFactory(
        name="Stadt Coesfeld",
        short_name="Coesfeld",
        slug="coesfeld",
        kind="stadt",
        ags="05558012",
        parent=base.kreis,
    )
    other_unit = OrgUnitFactory(authority=other, name="Steueramt", function="steuern")
    applicant = User.objects.create_user(
        "buergerin", "buergerin@example.org", "ein-langes-passwort-1", first_name="Berta", last_name="Bürger"
    )
    # Without a legal remedy no decision letter can be issued (cases.letters): a suit at the court.
    LegalRemedy.objects.create(
        authority=base.town,
        kind=LegalRemedy.Kind.KLAGE,
        body_name="Verwaltungsgericht Münster",
        body_street="Piusallee 38",
        body_postcode="48147",
        body_city="Münster",
    )
    return CaseWorld(
        base=base,
        caseworker=staff_create("sb-steuern", base.town, ("sachbearbeitung", base.steueramt)),
        lead=staff_create("tl-steuern", base.town, ("teamleitung", base.steueramt)),
        ordnungsamt=ordnungsamt,
        other_town=other,
        stranger=staff_create("sb-coesfeld", other, ("sachbearbeitung", other_unit)),
        applicant=applicant,
    )
