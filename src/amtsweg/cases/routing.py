"""Where a new case goes: routing rules first, then the catalogue, then the authority's triage unit.

1. **Routing rules** (:class:`~amtsweg.cases.models.RoutingRule`) of the authority the catalogue names
   as responsible – or, when the catalogue names none, of the applicant's municipality and then of the
   Kreis above it – in their order (position, then id); the first active rule whose conditions all
   hold wins (service, municipality, a condition on the answers in the language of
   :mod:`amtsweg.forms.conditions`). A rule may send the case to another unit of its authority or to
   another authority (e.g. the Kreis sends building applications of a town with its own Bauaufsicht there).
2. Else the authority and org unit the **catalogue** resolved at intake (stored on the submission).
3. An authority without a unit: its **triage unit**, the first org unit whose function is listed in
   ``AMTSWEG_CASE_TRIAGE_FUNCTIONS``; without one the case stays with the whole authority (seen by staff
   whose role is assigned without a unit).
4. No authority from the catalogue (a form without a service, e.g. "Anliegen an die Verwaltung"): the
   **AI router** (``assistant.services.route_request``) reads the free text (textarea fields and a
   subject); when its calibrated confidence reaches its threshold the case goes straight to the suggested
   unit (in the applicant's municipality, else the Kreis), otherwise on to step 5 – human triage.
5. No authority at all (no municipality, no rule): the Kreis (``catalog.selectors.kreis()``) and its
   triage unit. Without a Kreis the case cannot be created and the intake fails (nothing is stored).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from amtsweg.cases.models import RoutingRule
from amtsweg.catalog.selectors import kreis
from amtsweg.core.memo import TTLMemo
from amtsweg.forms.conditions import holds
from amtsweg.forms.spec import GroupSpec
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import Authority, OrgUnit


class RoutingError(Exception):
    """No authority could be found for a new case."""


@dataclass(frozen=True)
class Route:
    authority: Authority
    org_unit: OrgUnit | None
    rule: RoutingRule | None = None
    reason: str = ""  # "rule", "catalogue", "triage", "kreis"


def rule_matches(rule: RoutingRule, submission: Submission) -> bool:
    if not rule.is_active:
        return False
    if rule.service_id is not None and rule.service_id != submission.service_id:
        return False
    if rule.municipality_id is not None and rule.municipality_id != submission.municipality_id:
        return False
    return rule.condition in (None, {}) or holds(rule.condition, submission.data)


def _rule_owners(submission: Submission) -> list[int]:
    if submission.authority_id is not None:
        return [submission.authority_id]
    owners: list[int] = []
    if submission.municipality is not None:
        owners.append(submission.municipality.pk)
        if submission.municipality.parent_id is not None:
            owners.append(submission.municipality.parent_id)
    return owners


def triage_unit(authority: Authority) -> OrgUnit | None:
    units = {u.function: u for u in OrgUnit.objects.filter(authority=authority).exclude(function="")}
    for function in settings.AMTSWEG_CASE_TRIAGE_FUNCTIONS:
        if function in units:
            return units[function]
    return None


_rules: TTLMemo[list[RoutingRule]] = TTLMemo("Verteilregeln", seconds=10.0)


def _candidate_rules(owners: list[int], submission: Submission) -> list[RoutingRule]:
    """The active rules of ``owners`` that may apply to ``submission``'s service and municipality.

    In rule order, with their targets loaded. Read on every intake, so they are kept for ten seconds
    per process (:class:`~amtsweg.core.memo.TTLMemo`): a rule saved in another process applies to new
    cases at most that much later; the process that saves it clears the memo at once.
    """

    def load() -> list[RoutingRule]:
        return list(
            RoutingRule.objects.filter(authority_id__in=owners, is_active=True)
            .filter(Q(service__isnull=True) | Q(service_id=submission.service_id))
            .filter(Q(municipality__isnull=True) | Q(municipality_id=submission.municipality_id))
            .select_related("target_authority", "target_org_unit")
            .order_by("position", "id")
        )

    return _rules.get((tuple(owners), submission.service_id, submission.municipality_id), load)


def rules_memo_clear() -> None:
    _rules.clear()


def route(submission: Submission) -> Route:
    """The authority and org unit a new case of ``submission`` goes to (see the module docstring)."""
    owners = _rule_owners(submission)
    by_owner: dict[int, list[RoutingRule]] = {}
    for rule in _candidate_rules(owners, submission):
        by_owner.setdefault(rule.authority_id, []).append(rule)
    for owner in owners:
        for rule in by_owner.get(owner, []):
            if rule_matches(rule, submission):
                unit = rule.target_org_unit or triage_unit(rule.target_authority)
                return Route(rule.target_authority, unit, rule, "rule")
    if submission.authority is not None:
        if submission.org_unit is not None:
            return Route(submission.authority, submission.org_unit, None, "catalogue")
        return Route(submission.authority, triage_unit(submission.authority), None, "triage")
    suggested = _route_by_assistant(submission)
    if suggested is not None:
        return suggested
    fallback = kreis()
    if fallback is None:
        raise RoutingError("Keine zuständige Behörde und kein Kreis für den neuen Vorgang gefunden.")
    return Route(fallback, triage_unit(fallback), None, "kreis")


logger = logging.getLogger("amtsweg.cases")
FREE_TEXT_KEYS = ("betreff", "titel", "thema_text")


def free_text(submission: Submission) -> str:
    """The applicant's own words in a submission: textarea answers and a subject line, in form order."""
    spec = submission.form_version.spec()
    parts: list[str] = []

    def walk(group: GroupSpec, instance: object) -> None:
        items = instance if isinstance(instance, list) else [instance]
        for item in items:
            if not isinstance(item, dict):
                continue
            for child in group.children:
                value = item.get(child.key)
                if isinstance(child.element, GroupSpec):
                    walk(child.element, value)
                elif isinstance(value, str) and (
                    child.element.input == "textarea" or child.key in FREE_TEXT_KEYS
                ):
                    parts.append(value)

    walk(spec.root, submission.data)
    return "\n".join(part.strip() for part in parts if part.strip())


def _route_by_assistant(submission: Submission) -> Route | None:
    """The AI router's suggestion for a free-text request, if it is confident enough (else ``None``)."""
    text = free_text(submission)
    if not text:
        return None
    from amtsweg.assistant.services import route_request  # the model loads on first use only

    try:
        with transaction.atomic():  # a failing suggestion must not spoil the intake transaction
            suggestion = route_request(text=text, municipality=submission.municipality)
    except Exception:  # the router is an aid: without it the request goes to human triage
        logger.exception("KI-Zuordnung fehlgeschlagen; der Vorgang geht in die Sichtung")
        return None
    if not suggestion.automatic:
        return None
    authority, unit = suggestion.authority, suggestion.org_unit
    if unit is None and suggestion.label:
        for candidate in (submission.municipality, kreis()):
            if candidate is None:
                continue
            unit = OrgUnit.objects.filter(authority=candidate, function=suggestion.label).first()
            if unit is not None:
                authority = candidate
                break
    if unit is None or authority is None:
        return None
    return Route(authority, unit, None, f"assistant:{suggestion.method}:{suggestion.confidence:.2f}")
