"""Reads of case management, filtered by what the acting person may see."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from amtsweg.access.permissions import Perm, case_scopes
from amtsweg.cases import deadlines, states
from amtsweg.cases.models import Case, CaseMessage, DecisionLetter, Status
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import OrgUnit

__all__ = [
    "case_for_applicant",
    "case_for_staff",
    "cases_of_applicant",
    "cases_open",
    "cases_overdue",
    "cases_soon_due",
    "cases_visible",
    "cases_with_unread_reply",
    "deadline_flags",
    "letters_for_applicant",
    "messages_for_applicant",
    "overdue_condition",
    "soon_due_condition",
    "soon_limit",
    "submissions_visible",
    "units_below",
    "units_below_for",
]


def units_below(unit_ids: set[int]) -> set[int]:
    """The given org units and every unit below them."""
    if not unit_ids:
        return set()
    children: dict[int, list[int]] = defaultdict(list)
    authorities = OrgUnit.objects.filter(pk__in=unit_ids).values_list("authority_id", flat=True)
    for pk, parent in OrgUnit.objects.filter(authority_id__in=set(authorities)).values_list(
        "pk", "parent_id"
    ):
        if parent is not None:
            children[parent].append(pk)
    found = set(unit_ids)
    todo = list(unit_ids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


_UNITS_ATTRIBUTE = "_amtsweg_units_below"


def units_below_for(actor: Any, unit_ids: set[int]) -> set[int]:
    """:func:`units_below`, kept on the actor object for the rest of the request: one page asks several
    times (the list, its filters, the choices) and the org-unit tree does not change in between."""
    key = frozenset(unit_ids)
    memo = getattr(actor, _UNITS_ATTRIBUTE, None)
    if not isinstance(memo, dict):
        memo = {}
        try:
            setattr(actor, _UNITS_ATTRIBUTE, memo)
        except AttributeError:  # a frozen actor (an API key's): no memo, ask each time
            return units_below(set(unit_ids))
    if key not in memo:
        memo[key] = frozenset(units_below(set(unit_ids)))
    return set(memo[key])


def cases_visible(actor: Any, perm: str = Perm.CASE_VIEW) -> QuerySet[Case]:
    """Every case ``actor`` may see (their units and the units below; the whole authority for roles
    assigned without a unit). Nobody sees the cases of another authority."""
    scopes = case_scopes(actor, perm)
    queryset = Case.objects.select_related("service", "authority", "org_unit", "assignee")
    if scopes is None:
        return queryset
    whole = {authority for authority, unit in scopes if unit is None}
    units = units_below_for(actor, {unit for _authority, unit in scopes if unit is not None})
    condition = Q(pk__in=[])
    if whole:
        condition |= Q(authority_id__in=whole)
    if units:
        # A unit belongs to one authority, so the unit alone keeps the town boundary.
        condition |= Q(org_unit_id__in=units, authority_id__in={a for a, _u in scopes})
    return queryset.filter(condition)


def submissions_visible(actor: Any) -> QuerySet[Submission]:
    """The submissions (applications with all answers) whose case ``actor`` may see: the same rule as the
    inbox (:func:`cases_visible`), so a forwarded case's application moves with the case. Submissions without
    a case are seen only by the system and verified superusers."""
    if case_scopes(actor, Perm.CASE_VIEW) is None:
        return Submission.objects.all()
    return Submission.objects.filter(case__in=cases_visible(actor).values("pk"))


def case_for_staff(actor: Any, reference: str) -> Case | None:
    return cases_visible(actor).filter(reference=reference).first()


def cases_open(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.filter(status__in=states.OPEN)


def soon_limit(today: datetime.date | None = None) -> datetime.date:
    """The last target date that counts as "soon due" (``AMTSWEG_CASE_SOON_DAYS`` working days ahead)."""
    return deadlines.add_working_days(today or timezone.localdate(), settings.AMTSWEG_CASE_SOON_DAYS)


def overdue_condition(today: datetime.date) -> Q:
    """Past the processing target or past the applicant's reply deadline (for open cases)."""
    return Q(due_date__lt=today) | Q(reply_due__lt=today)


def soon_due_condition(today: datetime.date) -> Q:
    """Processing target today or within the next few working days, and not overdue (for open cases)."""
    return Q(due_date__gte=today, due_date__lte=soon_limit(today)) & ~Q(reply_due__lt=today)


def cases_overdue(queryset: QuerySet[Case], today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases past their processing target or past the applicant's reply deadline."""
    return cases_open(queryset).filter(overdue_condition(today or timezone.localdate()))


def cases_soon_due(queryset: QuerySet[Case], today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases whose processing target is today or within the next few working days (not overdue)."""
    return cases_open(queryset).filter(soon_due_condition(today or timezone.localdate()))


def deadline_flags(case: Case, today: datetime.date | None = None) -> dict[str, bool]:
    """Flags of one case for the inbox and the case page, each next to the date it refers to:
    ``overdue`` (processing target passed), ``reply_overdue`` (the applicant's reply deadline passed),
    ``soon_due``, ``fiction_soon``. Only cases still being worked on (eingegangen, in Prüfung, Rückfrage)
    can be overdue; a decided, closed or withdrawn case never is."""
    today = today or timezone.localdate()
    if case.status not in states.OPEN:
        return {"overdue": False, "reply_overdue": False, "soon_due": False, "fiction_soon": False}
    overdue = bool(case.due_date and case.due_date < today)
    reply_overdue = bool(case.status == Status.RUECKFRAGE and case.reply_due and case.reply_due < today)
    soon = bool(not overdue and case.due_date and case.due_date <= soon_limit(today))
    fiction = bool(case.fiction_due and case.fiction_due <= deadlines.add_working_days(today, 10))
    return {"overdue": overdue, "reply_overdue": reply_overdue, "soon_due": soon, "fiction_soon": fiction}


def cases_with_unread_reply(case_ids: list[int]) -> set[int]:
    """The cases among ``case_ids`` with a message from the applicant that no caseworker has opened yet."""
    return set(
        CaseMessage.objects.filter(
            case_id__in=case_ids, direction=CaseMessage.Direction.FROM_APPLICANT, read_at__isnull=True
        ).values_list("case_id", flat=True)
    )


# ---- the applicant's side ------------------------------------------------------------------------------


def cases_of_applicant(user: Any) -> QuerySet[Case]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(applicant_id=user.pk).select_related("service", "authority", "org_unit")


def case_for_applicant(user: Any, reference: str) -> Case | None:
    """The case ``reference`` if ``user`` owns it, else ``None`` (the page then answers 404)."""
    return cases_of_applicant(user).filter(reference=reference).first()


def case_for_link_holder(grants: list[Any], reference: str) -> Case | None:
    """The case ``reference`` if this session opened its access link and the link is still valid (not
    expired, not revoked: same generation), a case without an account that is not anonymised; see
    :mod:`amtsweg.cases.guest`. Else ``None``."""
    generations = {grant.case_id: grant.generation for grant in grants}
    if not generations:
        return None
    case = (
        Case.objects.filter(
            pk__in=generations, reference=reference, applicant__isnull=True, anonymised_at__isnull=True
        )
        .select_related("service", "authority", "org_unit")
        .first()
    )
    if case is None or case.applicant_link_generation != generations[case.pk]:
        return None
    return case


def case_openable_by_link(case_id: int, generation: int = 0) -> Case | None:
    """The case an access link names, if it can be opened that way (no account, not anonymised, link of
    the case's current generation)."""
    return (
        Case.objects.filter(
            pk=case_id,
            applicant__isnull=True,
            anonymised_at__isnull=True,
            applicant_link_generation=generation,
        )
        .only("pk", "reference")
        .first()
    )


def case_link_generation(case_id: int) -> int | None:
    """The current access-link generation of a case that can be opened by link at all, else ``None``."""
    return (
        Case.objects.filter(pk=case_id, applicant__isnull=True, anonymised_at__isnull=True)
        .values_list("applicant_link_generation", flat=True)
        .first()
    )


def messages_for_applicant(case: Case) -> QuerySet[CaseMessage]:
    return case.messages.prefetch_related("documents").order_by("created_at", "id")


def letters_for_applicant(case: Case) -> QuerySet[DecisionLetter]:
    """Letters released to the applicant (``sent_at`` set)."""
    return case.letters.filter(sent_at__isnull=False).exclude(pdf="").order_by("created_at")


def applicant_email(case: Case) -> str:
    """Where messages and decision letters to the applicant are announced: the account's e-mail, else the
    one given with the application (for FIT-Connect: the reply channel ``eMail``); '' when there is none."""
    applicant = case.applicant
    return (applicant.email if applicant is not None and applicant.email else "") or (
        case.submission.applicant_email
    )
