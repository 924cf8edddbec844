"""The inbox: visibility, filters, search and keyset pagination (forward, backward, ties, no deadline)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases import selectors
from amtsweg.cases.inbox import Cursor, InboxFilters, inbox_page
from amtsweg.cases.models import Case, Status
from amtsweg.cases.tests.conftest import CaseWorld

pytestmark = pytest.mark.django_db


def _web(user: Any) -> Any:
    user.is_verified = lambda: True
    return user


def _cases(cw: CaseWorld, count: int) -> list[Case]:
    today = timezone.localdate()
    cases = []
    for number in range(count):
        case = cw.case()
        # Two cases share each deadline, so ties on the date must be cut by id.
        Case.objects.filter(pk=case.pk).update(due_date=today + datetime.timedelta(days=number // 2))
        cases.append(case)
    return cases


def _walk(actor: Any, filters: InboxFilters, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    after = ""
    while True:
        page = inbox_page(actor=actor, filters=filters, after=after, size=size)
        pages.append([c.reference for c in page.cases])
        if not page.next_cursor:
            return pages
        after = page.next_cursor


def test_pages_by_deadline_cover_every_case_once_in_order_with_cases_without_deadline_last(
    cw: CaseWorld,
) -> None:
    cases = _cases(cw, 7)
    Case.objects.filter(pk=cases[2].pk).update(due_date=None)
    actor = _web(cw.caseworker)
    pages = _walk(actor, InboxFilters(), size=3)
    flat = [ref for page in pages for ref in page]
    dated = Case.objects.order_by("due_date", "id").exclude(due_date=None).values_list("reference", flat=True)
    expected = [*dated, cases[2].reference]
    assert flat == expected
    assert [len(p) for p in pages] == [3, 3, 1]


def test_back_from_a_later_page_gives_the_page_before(cw: CaseWorld) -> None:
    _cases(cw, 7)
    actor = _web(cw.caseworker)
    first = inbox_page(actor=actor, filters=InboxFilters(), size=3)
    second = inbox_page(actor=actor, filters=InboxFilters(), after=first.next_cursor, size=3)
    assert first.first
    assert not second.first
    back = inbox_page(actor=actor, filters=InboxFilters(), before=second.previous_cursor, size=3)
    assert [c.reference for c in back.cases] == [c.reference for c in first.cases]
    assert back.first
    assert not back.previous_cursor


def test_pages_by_receipt_newest_first(cw: CaseWorld) -> None:
    cases = _cases(cw, 5)
    base = timezone.now()
    for number, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(received_at=base - datetime.timedelta(hours=number))
    pages = _walk(_web(cw.caseworker), InboxFilters(sort="eingang"), size=2)
    assert [ref for page in pages for ref in page] == [c.reference for c in cases]


def test_a_broken_cursor_shows_the_first_page() -> None:
    assert Cursor.decode("kein-cursor!!", "frist") is None
    assert Cursor.decode(Cursor("2026-13-45", 1).encode(), "frist") is None
    assert Cursor.decode(Cursor("2026-12-01", 7).encode(), "frist") == Cursor("2026-12-01", 7)


def test_filters_status_overdue_search_and_mine(cw: CaseWorld) -> None:
    late, fresh, closed = _cases(cw, 3)
    today = timezone.localdate()
    Case.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=3))
    Case.objects.filter(pk=fresh.pk).update(due_date=today + datetime.timedelta(days=60))
    Case.objects.filter(pk=closed.pk).update(status=Status.ABGESCHLOSSEN)
    actor = _web(cw.caseworker)

    def refs(**filters: Any) -> set[str]:
        return {c.reference for c in inbox_page(actor=actor, filters=InboxFilters(**filters)).cases}

    assert refs() == {late.reference, fresh.reference}
    assert refs(status="alle") == {late.reference, fresh.reference, closed.reference}
    assert refs(status=Status.ABGESCHLOSSEN) == {closed.reference}
    assert refs(due="ueberfaellig") == {late.reference}
    assert refs(query=late.reference[:-1].lower()) >= {late.reference}
    assert refs(query="Bürger") == {late.reference, fresh.reference}
    assert refs(query="Niemand") == set()
    assert refs(mine=True) == set()
    Case.objects.filter(pk=fresh.pk).update(assignee=cw.caseworker)
    assert refs(mine=True) == {fresh.reference}


def test_other_towns_cases_never_appear(cw: CaseWorld) -> None:
    _cases(cw, 2)
    assert inbox_page(actor=_web(cw.stranger), filters=InboxFilters()).cases == []


def test_inbox_page_links_keep_filters_and_unknown_filter_values_are_a_400(cw: CaseWorld) -> None:
    _cases(cw, 30)
    client = login_verified(Client(), cw.caseworker)
    page = client.get("/vorgaenge/", {"frist": "", "q": "Bürger"})
    html = page.content.decode()
    assert page.status_code == 200
    links = re.findall(r'href="(/vorgaenge/\?[^"]+)" rel="next"', html)
    assert links
    assert "q=B%C3%BCrger" in links[0]
    assert "nach=" in links[0]
    second = client.get(links[0].replace("&amp;", "&"))
    assert 'rel="prev"' in second.content.decode()
    bad = client.get("/vorgaenge/", {"status": "gibt-es-nicht"})
    assert bad.status_code == 400
    assert "Wählen Sie eine gültige Option" in bad.content.decode() or "gültig" in bad.content.decode()


def test_keyset_queries_do_not_use_offset(cw: CaseWorld, django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _cases(cw, 4)
    actor = _web(cw.caseworker)
    first = inbox_page(actor=actor, filters=InboxFilters(), size=2)
    with CaptureQueriesContext(connection) as queries:
        inbox_page(actor=actor, filters=InboxFilters(), after=first.next_cursor, size=2)
    assert queries.captured_queries
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def _mixed_inbox(cw: CaseWorld) -> list[Case]:
    """Cases of the Steueramt and a unit below it, every status; deadlines and receipts with ties and gaps."""
    from amtsweg.catalog.tests.factories import OrgUnitFactory

    below = OrgUnitFactory(
        authority=cw.base.town, name="Vollstreckung", function="vollstreckung", parent=cw.base.steueramt
    )
    today = timezone.localdate()
    base = timezone.now().replace(microsecond=0)
    statuses = list(Status.values)
    cases = []
    for number in range(23):
        case = cw.case()
        Case.objects.filter(pk=case.pk).update(
            status=statuses[number % len(statuses)],
            org_unit=below if number % 3 == 0 else cw.base.steueramt,
            # Deadlines and receipts shared by several cases (ties cut by id), some cases without deadline.
            due_date=None if number % 5 == 4 else today + datetime.timedelta(days=(number * 7) % 4),
            received_at=base - datetime.timedelta(hours=(number * 5) % 3),
        )
        cases.append(case)
    return cases


def _expected(cw: CaseWorld, status: str, sort: str) -> list[str]:
    """The simple reference ordering: all cases of the two units, sorted in Python."""
    cases = Case.objects.filter(authority=cw.base.town)
    if status == "":
        cases = cases.exclude(status__in=[Status.ABGESCHLOSSEN, Status.ZURUECKGEZOGEN])
    elif status != "alle":
        cases = cases.filter(status=status)
    rows = list(cases)
    if sort == "eingang":
        rows.sort(key=lambda c: (c.received_at, c.pk), reverse=True)
    else:
        rows.sort(key=lambda c: (c.due_date is None, c.due_date or datetime.date.min, c.pk))
    return [c.reference for c in rows]


@pytest.mark.parametrize("sort", ["frist", "eingang"])
@pytest.mark.parametrize("status", ["", "alle", "rueckfrage"])
def test_mixed_statuses_and_units_page_every_case_once_in_order_forward_and_back(
    cw: CaseWorld, status: str, sort: str
) -> None:
    _mixed_inbox(cw)
    expected = _expected(cw, status, sort)
    # The head of the town office sees the whole authority; the caseworker the Steueramt and the unit below.
    head = _web(staff_create("tl-duelmen", cw.base.town, "teamleitung"))
    for actor in (_web(cw.caseworker), head):
        filters = InboxFilters(status=status, sort=sort)
        for size in (1, 4, 25):
            pages = _walk(actor, filters, size)
            assert [ref for page in pages for ref in page] == expected
            # Back from the last page, page by page, gives the same pages.
            backwards: list[list[str]] = []
            page = inbox_page(actor=actor, filters=filters, after="", size=size)
            for _ in pages[1:]:
                page = inbox_page(actor=actor, filters=filters, after=page.next_cursor, size=size)
            backwards.append([c.reference for c in page.cases])
            while page.previous_cursor:
                page = inbox_page(actor=actor, filters=filters, before=page.previous_cursor, size=size)
                backwards.append([c.reference for c in page.cases])
            assert backwards[::-1] == pages


@pytest.mark.parametrize("due", ["ueberfaellig", "bald"])
@pytest.mark.parametrize("status", ["", "alle", "entschieden", "rueckfrage"])
def test_deadline_filters_list_the_same_cases_as_the_deadline_selectors(
    cw: CaseWorld, status: str, due: str
) -> None:
    """The deadline filters over several units and statuses (one index range each on PostgreSQL) give
    exactly the open cases the case page's deadline rules call overdue or soon due, in deadline order."""
    cases = _mixed_inbox(cw)
    today = timezone.localdate()
    for number, case in enumerate(cases[::2]):
        Case.objects.filter(pk=case.pk).update(
            due_date=today - datetime.timedelta(days=1 + number % 3) if number % 2 else case.due_date,
            reply_due=today - datetime.timedelta(days=1) if number % 3 == 0 else None,
        )
    actor = _web(cw.caseworker)
    visible = selectors.cases_visible(actor)
    if status == "":
        visible = visible.exclude(status__in=[Status.ABGESCHLOSSEN, Status.ZURUECKGEZOGEN])
    elif status != "alle":
        visible = visible.filter(status=status)
    chosen = (selectors.cases_overdue if due == "ueberfaellig" else selectors.cases_soon_due)(visible, today)
    rows = sorted(chosen, key=lambda c: (c.due_date is None, c.due_date or datetime.date.min, c.pk))
    expected = [c.reference for c in rows]
    if status in ("", "alle") or (status, due) == ("rueckfrage", "ueberfaellig"):
        assert expected  # the data has such cases, so the comparison says something
    pages = _walk(actor, InboxFilters(status=status, due=due), 4)
    assert [ref for page in pages for ref in page] == expected


def test_residence_filter_lists_the_towns_of_the_caseworkers_kreis_only(cw: CaseWorld) -> None:
    from amtsweg.catalog.tests.factories import KreisFactory, MunicipalityFactory, OrgUnitFactory

    # A town of another Kreis of the Land, with its own caseworker.
    borken = KreisFactory(
        name="Kreis Borken", short_name="Borken (Kreis)", slug="kreis-borken", ags="05554000"
    )
    bocholt = MunicipalityFactory(short_name="Bocholt", name="Stadt Bocholt", kind="stadt", parent=borken)
    unit = OrgUnitFactory(authority=bocholt, name="Steueramt", function="steuern")
    bocholt_worker = staff_create("sb-bocholt", bocholt, ("sachbearbeitung", unit))

    def towns(user: Any) -> list[str]:
        html = login_verified(Client(), user).get("/vorgaenge/").content.decode()
        select = re.search(r'<select[^>]*name="gemeinde".*?</select>', html, re.S)
        assert select
        return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))[1:]

    duelmen = towns(cw.caseworker)
    assert "Dülmen" in duelmen
    assert "Coesfeld" in duelmen  # a neighbour in the same Kreis
    assert "Bocholt" not in duelmen
    assert towns(bocholt_worker) == ["Bocholt"]
