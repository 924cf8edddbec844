"""The admin and the API show applications and cases by the same rule as the inbox (unit, authority,
forwarding): a caseworker of the Steueramt Dülmen sees neither another unit's nor another town's applications,
nor one that was forwarded away; the receiving town sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from amtsweg.access.testing import login_verified
from amtsweg.cases.models import Case
from amtsweg.cases.selectors import cases_visible
from amtsweg.cases.services import case_forward
from amtsweg.tenants.models import OrgUnit

from .conftest import CaseWorld

pytestmark = pytest.mark.django_db


def _cases(cw: CaseWorld) -> dict[str, Case]:
    own = cw.case()
    other_unit = cw.case()
    case_forward(actor=None, case=other_unit, to_org_unit=cw.ordnungsamt, reason="Zuständig: Ordnungsamt")
    forwarded = cw.case()
    coesfeld = OrgUnit.objects.get(authority=cw.other_town)
    case_forward(actor=cw.caseworker, case=forwarded, to_org_unit=coesfeld, reason="Wohnt in Coesfeld")
    return {"own": own, "other_unit": other_unit, "forwarded": forwarded}


def _submission_list(client: Client) -> str:
    answer = client.get(reverse("admin:submissions_submission_changelist"))
    assert answer.status_code == 200
    return answer.text


def test_the_submission_list_follows_unit_and_forwarding(client: Client, cw: CaseWorld) -> None:
    cases = _cases(cw)
    # What the inbox gives the caseworker, and nothing else:
    assert set(cases_visible(cw.caseworker)) == {cases["own"]}
    login_verified(client, cw.caseworker)
    listing = _submission_list(client)
    assert cases["own"].reference in listing
    assert cases["other_unit"].reference not in listing  # Ordnungsamt of the same town
    assert cases["forwarded"].reference not in listing  # forwarded to Stadt Coesfeld
    own_page = reverse("admin:submissions_submission_change", args=[cases["own"].submission_id])
    assert client.get(own_page).status_code == 200
    for key in ("other_unit", "forwarded"):
        page = reverse("admin:submissions_submission_change", args=[cases[key].submission_id])
        answer = client.get(page)
        assert answer.status_code == 302, key  # "does not exist" for this user
        assert cases[key].submission.applicant_email not in answer.text


def test_the_receiving_town_sees_the_forwarded_application(client: Client, cw: CaseWorld) -> None:
    cases = _cases(cw)
    login_verified(client, cw.stranger)
    listing = _submission_list(client)
    assert cases["forwarded"].reference in listing
    assert cases["own"].reference not in listing
    assert cases["other_unit"].reference not in listing


def test_no_admin_page_shows_another_units_or_towns_applications(client: Client, cw: CaseWorld) -> None:
    """Every registered admin list, not only the submissions: none names a case the inbox hides."""
    cases = _cases(cw)
    login_verified(client, cw.caseworker)
    hidden = [cases["other_unit"].reference, cases["forwarded"].reference]
    checked = 0
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:  # pragma: no cover - every ModelAdmin has a list
            continue
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        checked += 1
        for reference in hidden:
            assert reference not in answer.text, url
    assert checked >= 1


def test_the_case_api_answers_404_for_other_units_and_forwarded_cases(client: Client, cw: CaseWorld) -> None:
    cases = _cases(cw)
    login_verified(client, cw.caseworker)
    assert client.get(f"/api/v1/vorgaenge/{cases['own'].reference}").status_code == 200
    assert client.get(f"/api/v1/vorgaenge/{cases['other_unit'].reference}").status_code == 404
    assert client.get(f"/api/v1/vorgaenge/{cases['forwarded'].reference}").status_code == 404
    client.logout()
    login_verified(client, cw.stranger)
    assert client.get(f"/api/v1/vorgaenge/{cases['forwarded'].reference}").status_code == 200


def test_the_applicant_still_reads_the_own_case_through_the_api(client: Client, cw: CaseWorld) -> None:
    own: Any = cw.case()
    client.force_login(cw.applicant)
    assert client.get(f"/api/v1/vorgaenge/{own.reference}").status_code == 200
