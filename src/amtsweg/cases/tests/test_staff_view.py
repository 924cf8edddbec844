"""Caseworkers see what needs them: an unread reply is marked in the inbox, "überfällig" only on cases
still being worked on and next to the date it refers to, staff by their names; every staff page says who
is logged in and offers the logout; a refusal is a German page with ways on."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amtsweg.access.testing import login_verified
from amtsweg.cases.models import Case, Status
from amtsweg.cases.services import case_assign, case_reply, case_transition

from .conftest import CaseWorld

pytestmark = pytest.mark.django_db


def _row(page: str, case: Case) -> str:
    """The inbox table row of ``case``."""
    for row in page.split('<tr class="kern-table__row">')[1:]:
        if f">{case.reference}</a>" in row:
            return row.split("</tr>", 1)[0]
    raise AssertionError(f"{case.reference} is not in the inbox")


def _inbox(cw: CaseWorld) -> str:
    return login_verified(Client(), cw.caseworker).get("/vorgaenge/?status=alle").text


def test_an_unread_reply_is_marked_until_a_caseworker_opens_the_case(cw: CaseWorld) -> None:
    answered, quiet = cw.case(), cw.case()
    for case in (answered, quiet):
        case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
        case_transition(actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="Bitte Nachweis senden.")
    case_reply(actor=cw.applicant, case=answered, text="Anbei der Nachweis.")

    page = _inbox(cw)
    assert "neue Antwort" in _row(page, answered)
    assert "neue Antwort" not in _row(page, quiet)

    login_verified(Client(), cw.caseworker).get(f"/vorgaenge/akte/{answered.reference}/")
    assert "neue Antwort" not in _row(_inbox(cw), answered)


def test_overdue_only_while_worked_on_and_next_to_its_own_date(cw: CaseWorld) -> None:
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=20)
    late = cw.case()
    case_transition(actor=cw.caseworker, case=late, to=Status.IN_PRUEFUNG)
    decided = cw.case()
    case_transition(actor=cw.caseworker, case=decided, to=Status.IN_PRUEFUNG)
    case_transition(actor=cw.caseworker, case=decided, to=Status.ENTSCHIEDEN, decision="bewilligt")
    waiting = cw.case()
    case_transition(actor=cw.caseworker, case=waiting, to=Status.IN_PRUEFUNG)
    case_transition(actor=cw.caseworker, case=waiting, to=Status.RUECKFRAGE, text="Bitte Nachweis senden.")
    Case.objects.filter(pk__in=[late.pk, decided.pk]).update(due_date=past)
    Case.objects.filter(pk=waiting.pk).update(due_date=future, reply_due=past)

    page = _inbox(cw)

    assert "überfällig" in _row(page, late)
    assert "überfällig" not in _row(page, decided)  # decided: the processing target is met
    row = _row(page, waiting)
    assert "überfällig" not in row  # the processing target is weeks away …
    assert f"Antwort bis {past:%d.%m.%Y}" in row
    assert "Antwortfrist abgelaufen" in row  # … it is the applicant's reply that is late


def test_staff_appear_by_name_and_every_staff_page_shows_who_is_logged_in(cw: CaseWorld) -> None:
    cw.caseworker.first_name, cw.caseworker.last_name = "Jana", "Hölscher"
    cw.caseworker.save()
    case = cw.case()
    case_assign(actor=cw.caseworker, case=case, assignee=cw.caseworker)
    client = login_verified(Client(), cw.caseworker)

    for url in ("/vorgaenge/", f"/vorgaenge/akte/{case.reference}/"):
        page = client.get(url).text
        assert "Angemeldet als Jana Hölscher" in page
        assert re.search(r'<form method="post" action="/konto/abmelden/">', page)
        assert "sb-steuern" not in page  # the login name
    assert "Jana Hölscher" in _row(client.get("/vorgaenge/").text, case)


def test_refusals_are_a_german_page_with_ways_on(cw: CaseWorld) -> None:
    client = login_verified(Client(), cw.caseworker)
    response = client.get("/konto/")
    assert response.status_code == 403
    page = response.text
    assert "403 Forbidden" not in page
    assert "Diese Seite gibt es nur für Bürgerkonten." in page
    assert 'href="/vorgaenge/"' in page  # the caseworker's own pages
    assert '<nav class="amtsweg-nav"' in page

    citizen = Client()
    citizen.force_login(cw.applicant)
    refused = citizen.get("/admin/login/")
    assert refused.status_code == 403
    assert "Die Verwaltung ist nur für Beschäftigte mit zweitem Faktor zugänglich." in refused.text
    assert 'href="/konto/"' in refused.text


def test_demo_staff_have_names(db: Any) -> None:
    from amtsweg.demo.logins import DEMO_LOGINS

    assert all(all(login.name) for login in DEMO_LOGINS)


def test_the_service_filter_offers_only_services_of_cases_the_caseworker_can_see(cw: CaseWorld) -> None:
    case = cw.case()
    option = f'<option value="{case.service_id}">Hundesteuer anmelden</option>'
    assert option in _inbox(cw)
    # The case now belongs to another town: its service is no choice in this unit's inbox any more.
    Case.objects.filter(pk=case.pk).update(authority=cw.other_town, org_unit=None)
    assert option not in _inbox(cw)
