"""The caseworker's inbox: the cases an actor may see, filtered, searched and paged by keyset.

Visibility comes from :func:`amtsweg.cases.selectors.cases_visible` (the same scopes as
:func:`amtsweg.access.permissions.can_view_case`: a role's org unit and the units below it, or the whole
authority); the case page checks every single case again with ``can_view_case``.

Pages are cut by **keyset** (no ``OFFSET``): the cursor is the sort key of the last (or first) row shown,
``(due_date, id)`` by deadline or ``(received_at, id)`` by receipt, and the next page asks for the rows
after it. A deep page therefore costs as much as the first one, and a case that arrives meanwhile does not
shift the pages. Cases without a deadline come last when sorted by deadline.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from amtsweg.access.models import RoleAssignment
from amtsweg.access.permissions import Perm, can_view_case, case_scopes
from amtsweg.cases import selectors, states
from amtsweg.cases.models import Case, Status
from amtsweg.catalog.models import Service
from amtsweg.catalog.selectors import municipalities
from amtsweg.tenants.models import Authority, OrgUnit

PAGE_SIZE = 25
_REFERENCE_LIKE = re.compile(r"^[A-Za-z]{2,3}-\d")
# "offen" in the inbox: everything not closed – a decided case still waits for its letter and closing.
NOT_CLOSED = tuple(status for status in Status.values if status not in states.CLOSED)
SORTS = ("frist", "eingang")
# More branches than this (a head of a large office with many units) and the merge costs more than it saves.
MAX_BRANCHES = 64


# ---- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    """What the caseworker chose above the list. Empty values mean "no filter"."""

    status: str = ""  # a Status value, "offen" (default) or "alle"
    service: int | None = None
    municipality: int | None = None
    due: str = ""  # "ueberfaellig" or "bald"
    query: str = ""
    mine: bool = False
    sort: str = "frist"

    def params(self) -> dict[str, str]:
        """The filters as query parameters (for the links to other pages)."""
        values = {
            "status": self.status,
            "leistung": str(self.service or ""),
            "gemeinde": str(self.municipality or ""),
            "frist": self.due,
            "q": self.query,
            "sortierung": "" if self.sort == "frist" else self.sort,
        }
        return {k: v for k, v in values.items() if v}


def _filtered(
    actor: Any, filters: InboxFilters, today: dt.date, *, status_in_branches: bool = False
) -> QuerySet[Case]:
    """The cases of the inbox with ``filters``. With ``status_in_branches`` the status is left to the
    branches of the union (each names one status): a second, overlapping status condition would make
    PostgreSQL expect far fewer rows per branch than there are and sort a whole range instead of reading
    the index in order (seen at 10 M cases)."""
    cases = selectors.cases_visible(actor)
    if filters.mine:
        cases = cases.filter(assignee_id=getattr(actor, "pk", None))
    if not status_in_branches:
        if filters.status in ("", "offen"):
            cases = cases.filter(status__in=NOT_CLOSED)
        elif filters.status != "alle":
            cases = cases.filter(status=filters.status)
    if filters.service:
        cases = cases.filter(service_id=filters.service)
    if filters.municipality:
        cases = cases.filter(submission__municipality_id=filters.municipality)
    deadline = {"ueberfaellig": selectors.overdue_condition, "bald": selectors.soon_due_condition}
    if condition := deadline.get(filters.due):
        cases = cases.filter(condition(today))
        if not status_in_branches:  # the branches hold only open statuses (see _branches)
            cases = selectors.cases_open(cases)
    if query := filters.query.strip():
        # References are upper case: a prefix search on them can use the index of the column. Something
        # that looks like a reference ("AW-2026-…") is not looked for in names, which would need a scan.
        by_reference = Q(reference__startswith=query.upper())
        if _REFERENCE_LIKE.match(query):
            cases = cases.filter(by_reference)
        else:
            cases = cases.filter(by_reference | Q(submission__applicant_name__icontains=query))
    return cases


# ---- keyset cursor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The sort key of a row: ``value`` is an ISO date/datetime, or "" for a case without deadline."""

    value: str
    pk: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.value}|{self.pk}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, sort: str) -> Cursor | None:
        """The cursor from a link, or ``None`` when it is not one of ours (then the first page is shown)."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            value, pk_text = raw.rsplit("|", 1)
            pk = int(pk_text)
            if value:
                if sort == "frist":
                    dt.date.fromisoformat(value)
                else:
                    dt.datetime.fromisoformat(value)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return None
        return cls(value=value, pk=pk)


def _key(case: Case, sort: str) -> Cursor:
    if sort == "eingang":
        return Cursor(case.received_at.isoformat(), case.pk)
    return Cursor(case.due_date.isoformat() if case.due_date else "", case.pk)


@dataclass
class InboxPage:
    cases: list[Case]
    filters: InboxFilters
    next_cursor: str = ""
    previous_cursor: str = ""
    first: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _select(cases: QuerySet[Case]) -> QuerySet[Case]:
    return (
        cases.select_related(None)
        .select_related("service", "assignee", "org_unit", "submission__municipality")
        .only(
            "reference",
            "status",
            "due_date",
            "received_at",
            "decision",
            "reply_due",
            "fiction_due",
            "status_model",
            "authority",
            "service__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
            "org_unit__name",
            "org_unit__number",
            "submission__applicant_name",
            "submission__municipality__short_name",
            "submission__municipality__name",
        )
    )


def _rows(cases: QuerySet[Case], order: list[Any], limit: int, branches: list[Q] | None = None) -> list[Case]:
    """The first ``limit`` cases in ``order``: first their ids from the case table alone (the index does
    the sorting and the limit), then those few rows with what the list shows.

    With ``branches`` (one condition per org unit or authority and status, see :func:`_branches`) the ids
    come from one ``UNION ALL`` of the branches, each with its own ``ORDER BY … LIMIT``: every branch is a
    range of one index in index order, so a page reads about ``limit`` rows per branch however many cases
    the unit holds. The branches split the cases without overlap, so the merged order is the same.
    """
    if limit <= 0:
        return []
    plain = cases.select_related(None)
    if branches and len(branches) > 1:
        # The columns the order names are selected too: the outer ORDER BY of a union may only name those.
        columns = ["pk", "due_date", "received_at"]
        parts = [plain.filter(branch).order_by(*order).values_list(*columns)[:limit] for branch in branches]
        union = parts[0].union(*parts[1:], all=True).order_by(*order)[:limit]
        ids = [row[0] for row in union]
    else:
        ids = list(plain.order_by(*order).values_list("pk", flat=True)[:limit])
    by_id = {case.pk: case for case in _select(Case.objects.filter(pk__in=ids)).order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


def _branches(actor: Any, filters: InboxFilters) -> list[Q] | None:
    """Conditions that split the actor's inbox into index ranges: one per (org unit or whole authority,
    status). ``None`` for "my cases" (few) and where a union is not worth it or not possible: SQLite
    (the embedded size of one town) cannot order and cut the parts of a union, and actors who see everything
    (system, superuser) or very many units get the plain query."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return None
    if filters.status in ("", "offen"):
        statuses: list[str] = list(NOT_CLOSED)
    elif filters.status == "alle":
        statuses = list(Status.values)
    else:
        statuses = [filters.status]
    if filters.due in ("ueberfaellig", "bald"):  # deadlines count for open cases only
        statuses = [status for status in statuses if status in states.OPEN]
    if filters.mine:
        # One person's cases are few: the plain query on case_assignee_idx is cheaper than a union (measured).
        return None
    scopes = case_scopes(actor, Perm.CASE_VIEW)
    if scopes is None:
        return None
    whole = {authority for authority, unit in scopes if unit is None}
    # A unit of an authority seen whole is in that authority's branch already (no case twice).
    units = selectors.units_below_for(actor, {unit for _authority, unit in scopes if unit is not None})
    if whole and units:
        units -= set(
            OrgUnit.objects.filter(pk__in=units, authority_id__in=whole).values_list("pk", flat=True)
        )
    places = [Q(authority_id=authority) for authority in sorted(whole)] + [
        Q(org_unit_id=unit) for unit in sorted(units)
    ]
    branches = [place & Q(status=status) for place in places for status in statuses]
    if len(branches) < 2 or len(branches) > MAX_BRANCHES:
        return None
    return branches


def _by_deadline(
    cases: QuerySet[Case], cursor: Cursor | None, backwards: bool, limit: int, branches: list[Q] | None = None
) -> list[Case]:
    """One page ordered by (due_date, id), cases without deadline last; ``limit`` rows at most."""
    if not backwards:
        order = [F("due_date").asc(nulls_last=True), F("id").asc()]
        if cursor is None:
            return _rows(cases, order, limit, branches)
        if cursor.value == "":
            return _rows(cases.filter(due_date__isnull=True, id__gt=cursor.pk), ["id"], limit, branches)
        day = dt.date.fromisoformat(cursor.value)
        # ">=" first so the index range starts at the cursor; the OR only sorts out ties on that day.
        dated = cases.filter(due_date__gte=day).filter(Q(due_date__gt=day) | Q(id__gt=cursor.pk))
        rows = _rows(dated, order, limit, branches)
        if len(rows) < limit:
            rows += _rows(cases.filter(due_date__isnull=True), ["id"], limit - len(rows), branches)
        return rows
    # Backwards: the rows before the cursor, nearest first, then turned round by the caller.
    order = [F("due_date").desc(nulls_last=True), F("id").desc()]
    if cursor is None:
        return []
    rows = []
    if cursor.value == "":
        rows = _rows(cases.filter(due_date__isnull=True, id__lt=cursor.pk), ["-id"], limit, branches)
        if len(rows) < limit:
            rest = cases.filter(due_date__isnull=False)
            rows += _rows(rest, order, limit - len(rows), branches)
        return rows
    day = dt.date.fromisoformat(cursor.value)
    dated = cases.filter(due_date__lte=day).filter(Q(due_date__lt=day) | Q(id__lt=cursor.pk))
    return _rows(dated, order, limit, branches)


def _by_receipt(
    cases: QuerySet[Case], cursor: Cursor | None, backwards: bool, limit: int, branches: list[Q] | None = None
) -> list[Case]:
    """One page ordered by (received_at, id), newest first."""
    if cursor is not None:
        when = dt.datetime.fromisoformat(cursor.value)
        if backwards:
            cases = cases.filter(received_at__gte=when).filter(Q(received_at__gt=when) | Q(id__gt=cursor.pk))
        else:
            cases = cases.filter(received_at__lte=when).filter(Q(received_at__lt=when) | Q(id__lt=cursor.pk))
    elif backwards:
        return []
    order = ["received_at", "id"] if backwards else ["-received_at", "-id"]
    return _rows(cases, order, limit, branches)


def inbox_page(
    *,
    actor: Any,
    filters: InboxFilters,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> InboxPage:
    """One page of the inbox: the rows after ``after`` (or before ``before``), at most ``size``.

    One row more than shown is read to know whether there is a next (previous) page.
    """
    today = today or timezone.localdate()
    sort = filters.sort if filters.sort in SORTS else "frist"
    branches = _branches(actor, filters)
    cases = _filtered(actor, filters, today, status_in_branches=bool(branches))
    fetch = _by_receipt if sort == "eingang" else _by_deadline
    backwards = bool(before) and not after
    cursor = Cursor.decode(before if backwards else after, sort) if (after or before) else None
    if cursor is None:
        backwards = False
    rows = fetch(cases, cursor, backwards, size + 1, branches)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = cursor is not None, more
    page = InboxPage(cases=rows, filters=filters, first=not has_previous)
    if rows and has_next:
        page.next_cursor = _key(rows[-1], sort).encode()
    if rows and has_previous:
        page.previous_cursor = _key(rows[0], sort).encode()
    return page


# ---- people and choices for the forms of the back office ------------------------------------------


def person_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def colleagues(authority_id: int, org_unit_id: int | None) -> list[tuple[int, str]]:
    """Active staff who may work on cases of ``org_unit_id`` at ``authority_id`` (for assignment)."""
    assignments = RoleAssignment.objects.filter(authority_id=authority_id).select_related("role", "user")
    found: dict[int, Any] = {}
    for assignment in assignments:
        user = assignment.user
        if user.pk in found or not user.is_active or Perm.CASE_WORK not in assignment.role.permissions:
            continue
        if can_view_case(user, authority_id, org_unit_id):
            found[user.pk] = user
    return sorted(((pk, person_name(u)) for pk, u in found.items()), key=lambda item: item[1].casefold())


def service_choices(actor: Any) -> list[tuple[int, str]]:
    """The "Leistung" filter: only services of cases ``actor`` may see (not every unit's services)."""
    # EXISTS per service (case_service_inbox_idx): a unit with tens of thousands of cases is not read whole.
    seen = selectors.cases_visible(actor).select_related(None).filter(service_id=OuterRef("pk"))
    return list(Service.objects.filter(Exists(seen)).order_by("name").values_list("pk", "name"))


def municipality_choices(actor: Any) -> list[tuple[int, str]]:
    """The "Wohnort" filter: the towns of the Kreis of each authority where ``actor`` sees cases (a town's
    caseworker gets the towns of their Kreis, where the town's applicants and their neighbours live; a Kreis's
    caseworker the towns of that Kreis). Read from the few authorities, never from the cases. Actors who see
    everything get every town of the installation's Kreis, as before."""
    scopes = case_scopes(actor, Perm.CASE_VIEW)
    if scopes is None:
        return list(municipalities().values_list("pk", "short_name"))
    authorities = Authority.objects.filter(pk__in={authority for authority, _unit in scopes})
    kreise = set()
    towns = set()
    for pk, kind, parent in authorities.values_list("pk", "kind", "parent_id"):
        if kind == Authority.Kind.KREIS:
            kreise.add(pk)
        else:
            towns.add(pk)
            if parent is not None:
                kreise.add(parent)
    found = Authority.objects.filter(
        Q(parent_id__in=kreise) | Q(pk__in=towns), kind__in=[Authority.Kind.STADT, Authority.Kind.GEMEINDE]
    )
    return list(found.order_by("short_name").values_list("pk", "short_name"))


def team_colleagues(user: Any) -> list[tuple[int, str]]:
    """Colleagues for bulk assignment: of every unit where ``user`` leads a team."""
    scopes = [
        (a.authority_id, a.org_unit_id)
        for a in RoleAssignment.objects.filter(user_id=user.pk).select_related("role")
        if Perm.CASE_ASSIGN in a.role.permissions
    ]
    found: dict[int, str] = {}
    for authority_id, unit_id in scopes:
        found.update(colleagues(authority_id, unit_id))
    return sorted(found.items(), key=lambda item: item[1].casefold())
