"""Routing: rules first (ordered, first match wins), then the catalogue, then the triage unit; forwards."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amtsweg.access.permissions import can_view_case
from amtsweg.access.testing import staff_create
from amtsweg.cases.models import Forward, RoutingRule
from amtsweg.cases.selectors import cases_visible
from amtsweg.cases.services import case_forward
from amtsweg.catalog.tests.factories import OrgUnitFactory
from amtsweg.submissions.tests.test_intake_fixtures import valid_data

from .conftest import CaseWorld


def _rule(cw: CaseWorld, position: int, **kw: object) -> RoutingRule:
    kw.setdefault("target_authority", cw.base.town)
    return RoutingRule.objects.create(authority=cw.base.town, position=position, name=f"R{position}", **kw)


@pytest.mark.django_db
def test_first_matching_rule_wins_in_order_of_position(cw: CaseWorld) -> None:
    _rule(cw, 20, service=cw.base.service, target_org_unit=cw.base.steueramt)
    first = _rule(cw, 10, service=cw.base.service, target_org_unit=cw.ordnungsamt)
    case = cw.case()
    assert case.org_unit == cw.ordnungsamt
    assert case.routing_rule == first
    assert case.events.get().data["routing"] == "rule"


@pytest.mark.django_db
def test_rule_on_form_answers_uses_the_condition_language(cw: CaseWorld) -> None:
    _rule(
        cw,
        10,
        condition={"field": "steuerbetrag", "op": "lt", "value": 100},
        target_org_unit=cw.ordnungsamt,
    )
    large = cw.case()  # steuerbetrag 1234.5
    small = cw.case(data=valid_data(steuerbetrag=50))
    assert large.org_unit == cw.base.steueramt
    assert small.org_unit == cw.ordnungsamt


@pytest.mark.django_db
def test_rules_for_another_service_municipality_or_inactive_do_not_match(cw: CaseWorld) -> None:
    _rule(cw, 1, is_active=False, target_org_unit=cw.ordnungsamt)
    _rule(cw, 2, municipality=cw.other_town, target_org_unit=cw.ordnungsamt)
    from amtsweg.catalog.tests.factories import ServiceFactory

    _rule(cw, 3, service=ServiceFactory(owner=cw.base.kreis), target_org_unit=cw.ordnungsamt)
    assert cw.case().org_unit == cw.base.steueramt


@pytest.mark.django_db
def test_rules_of_another_authority_are_not_applied(cw: CaseWorld) -> None:
    RoutingRule.objects.create(
        authority=cw.other_town, position=1, name="fremd", target_authority=cw.other_town
    )
    case = cw.case()
    assert case.authority == cw.base.town


@pytest.mark.django_db
def test_a_rule_without_unit_sends_the_case_to_the_triage_unit(cw: CaseWorld) -> None:
    triage = OrgUnitFactory(authority=cw.base.kreis, name="Posteingang", function="posteingang")
    RoutingRule.objects.create(
        authority=cw.base.town, position=1, name="an Kreis", target_authority=cw.base.kreis
    )
    case = cw.case()
    assert (case.authority, case.org_unit) == (cw.base.kreis, triage)


@pytest.mark.django_db
def test_forward_moves_the_case_records_it_and_the_sender_loses_sight(cw: CaseWorld) -> None:
    case = cw.case()
    assert case in cases_visible(cw.caseworker)
    forward = case_forward(
        actor=cw.caseworker, case=case, to_org_unit=cw.ordnungsamt, reason="Zuständig ist das Ordnungsamt."
    )
    case.refresh_from_db()
    assert case.org_unit == cw.ordnungsamt
    assert (forward.from_org_unit, forward.to_org_unit) == (cw.base.steueramt, cw.ordnungsamt)
    assert forward.reason == "Zuständig ist das Ordnungsamt."
    assert case not in cases_visible(cw.caseworker)
    receiver = staff_create("sb-ordnung", cw.base.town, ("sachbearbeitung", cw.ordnungsamt))
    assert list(cases_visible(receiver)) == [case]
    assert not can_view_case(cw.caseworker, case.authority_id, case.org_unit_id)
    assert case.events.filter(type="forwarded").count() == 1


@pytest.mark.django_db
def test_forward_needs_a_reason_and_the_right_to_work_on_the_case(cw: CaseWorld) -> None:
    case = cw.case()
    with pytest.raises(ValidationError):
        case_forward(actor=cw.caseworker, case=case, to_org_unit=cw.ordnungsamt, reason="  ")
    with pytest.raises(PermissionDenied):
        case_forward(actor=cw.stranger, case=case, to_org_unit=cw.ordnungsamt, reason="weg damit")
    with pytest.raises(PermissionDenied):
        case_forward(actor=cw.applicant, case=case, to_org_unit=cw.ordnungsamt, reason="weg damit")
    assert not Forward.objects.exists()


@pytest.mark.django_db
def test_routing_rules_are_saved_by_the_authoritys_fachadministration_only(cw: CaseWorld) -> None:
    from amtsweg.cases.services import routing_rule_save

    admin = staff_create("fa-duelmen", cw.base.town, "fachadministration")
    other_admin = staff_create("fa-coesfeld", cw.other_town, "fachadministration")
    rule = RoutingRule(
        authority=cw.base.town, name="R", target_authority=cw.base.town, target_org_unit=cw.ordnungsamt
    )
    with pytest.raises(PermissionDenied):
        routing_rule_save(actor=other_admin, rule=rule)
    with pytest.raises(PermissionDenied):
        routing_rule_save(actor=cw.lead, rule=rule)
    rule.condition = {"field": "thema", "op": "ungefaehr"}
    with pytest.raises(ValidationError, match="Unbekannter Vergleich"):
        routing_rule_save(actor=admin, rule=rule)
    rule.condition = {"field": "thema", "op": "filled"}
    rule.target_authority = cw.other_town  # unit of Dülmen, authority Coesfeld
    with pytest.raises(ValidationError, match="gehört nicht zur Ziel-Behörde"):
        routing_rule_save(actor=admin, rule=rule)
    rule.target_authority = cw.base.town
    assert routing_rule_save(actor=admin, rule=rule).pk is not None


@pytest.mark.django_db
def test_a_saved_or_deleted_rule_applies_to_the_next_case_at_once(cw: CaseWorld) -> None:
    from amtsweg.cases.services import routing_rule_delete, routing_rule_save

    admin = staff_create("fa-duelmen", cw.base.town, "fachadministration")
    assert cw.case().org_unit == cw.base.steueramt  # the rules of Dülmen are now remembered (none)
    rule = routing_rule_save(
        actor=admin,
        rule=RoutingRule(
            authority=cw.base.town, name="R", target_authority=cw.base.town, target_org_unit=cw.ordnungsamt
        ),
    )
    assert cw.case().org_unit == cw.ordnungsamt
    routing_rule_delete(actor=admin, rule=rule)
    assert cw.case().org_unit == cw.base.steueramt


@pytest.mark.django_db
def test_a_rule_saved_by_another_process_applies_within_ten_seconds(
    cw: CaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amtsweg.core import memo

    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    assert cw.case().org_unit == cw.base.steueramt
    _rule(cw, 10, target_org_unit=cw.ordnungsamt)  # written straight to the database, as elsewhere
    clock[0] += 5
    assert cw.case().org_unit == cw.base.steueramt
    clock[0] += 5
    assert cw.case().org_unit == cw.ordnungsamt
