"""The status models: every allowed and every forbidden step, through the service, the API and a command."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client

from amtsweg.access.testing import login_verified
from amtsweg.cases import states
from amtsweg.cases.models import Case, CaseMessage, Status
from amtsweg.cases.services import TransitionNotAllowed, case_transition
from amtsweg.testing import fresh_copy, module_world

from .conftest import CaseWorld, case_world_build

MATRIX = [
    (model.code, source, target)
    for model in states.STATUS_MODELS.values()
    for source in model.statuses
    for target in model.statuses
]


@module_world
def _cw_built() -> CaseWorld:
    return case_world_build()


@pytest.fixture
def cw(_cw_built: CaseWorld, db: None) -> CaseWorld:
    """Built once for this module's 250 tests (rolled back after them); each test gets its own copy."""
    return fresh_copy(_cw_built)


def _expected(model: str, source: str, target: str, side: str | None) -> bool:
    step = states.STATUS_MODELS[model].step(source, target)
    return step is not None and (side is None or side in step.by)


def _case_in(cw: CaseWorld, model: str, source: str) -> Case:
    case = cw.case()
    Case.objects.filter(pk=case.pk).update(status=source, status_model=model)
    case.refresh_from_db()
    return case


def _extra(target: str) -> dict[str, str]:
    return {"text": "Bitte reichen Sie den Nachweis nach.", "decision": "bewilligt"}


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "source", "target"), MATRIX)
@pytest.mark.parametrize("side", [states.STAFF, states.APPLICANT])
def test_service(cw: CaseWorld, model: str, source: str, target: str, side: str) -> None:
    case = _case_in(cw, model, source)
    actor = cw.caseworker if side == states.STAFF else cw.applicant
    if _expected(model, source, target, side):
        case = case_transition(actor=actor, case=case, to=target, **_extra(target))
        assert case.status == target
        assert case.events.filter(type="transition", from_status=source, to_status=target).count() == 1
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            case_transition(actor=actor, case=case, to=target, **_extra(target))
        assert str(error.value)  # a German message
        case.refresh_from_db()
        assert case.status == source
        assert not case.events.filter(type="transition").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "source", "target"), MATRIX)
def test_api(cw: CaseWorld, model: str, source: str, target: str) -> None:
    case = _case_in(cw, model, source)
    client = login_verified(Client(), cw.caseworker)
    response = client.post(
        f"/api/v1/vorgaenge/{case.reference}/status",
        data=json.dumps({"to": target, **_extra(target)}),
        content_type="application/json",
    )
    case.refresh_from_db()
    if _expected(model, source, target, states.STAFF):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target == case.status
    else:
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
        assert case.status == source


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "source", "target"), MATRIX)
def test_command(cw: CaseWorld, model: str, source: str, target: str) -> None:
    case = _case_in(cw, model, source)
    args = [case.reference, target, "--text", "Rückfrage", "--decision", "teilweise"]
    if _expected(model, source, target, None):
        out = StringIO()
        call_command("case-transition", *args, stdout=out)
        case.refresh_from_db()
        assert case.status == target
        assert case.reference in out.getvalue()
    else:
        with pytest.raises(CommandError):
            call_command("case-transition", *args)
        case.refresh_from_db()
        assert case.status == source


@pytest.mark.django_db
def test_people_of_another_town_can_neither_change_nor_see(cw: CaseWorld) -> None:
    case = cw.case()
    with pytest.raises(PermissionDenied):
        case_transition(actor=cw.stranger, case=case, to=Status.IN_PRUEFUNG)
    client = login_verified(Client(), cw.stranger)
    response = client.post(
        f"/api/v1/vorgaenge/{case.reference}/status",
        data={"to": "in_pruefung"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get(f"/api/v1/vorgaenge/{case.reference}").status_code == 404


@pytest.mark.django_db
def test_staff_without_the_second_factor_get_nothing_from_the_api(cw: CaseWorld) -> None:
    case = cw.case()
    client = Client()
    client.force_login(cw.caseworker)
    assert client.get(f"/api/v1/vorgaenge/{case.reference}").status_code == 404


@pytest.mark.django_db
def test_api_refuses_an_unknown_status_and_a_malformed_body(cw: CaseWorld) -> None:
    case = cw.case()
    client = login_verified(Client(), cw.caseworker)
    url = f"/api/v1/vorgaenge/{case.reference}/status"
    unknown = client.post(url, data={"to": "erledigt"}, content_type="application/json")
    assert unknown.status_code == 409
    assert "kein Status" in unknown.json()["detail"]
    assert client.post(url, data="[1]", content_type="application/json").status_code == 400
    assert client.post(url, data="nicht json", content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_api_shows_the_steps_the_caller_may_take(cw: CaseWorld) -> None:
    case = cw.case()
    staff = login_verified(Client(), cw.caseworker).get(f"/api/v1/vorgaenge/{case.reference}").json()
    assert [s["to"] for s in staff["steps"]] == ["in_pruefung"]
    applicant = Client()
    applicant.force_login(cw.applicant)
    own = applicant.get(f"/api/v1/vorgaenge/{case.reference}").json()
    assert [s["to"] for s in own["steps"]] == ["zurueckgezogen"]


@pytest.mark.django_db
def test_decision_and_rueckfrage_need_their_input(cw: CaseWorld) -> None:
    case = _case_in(cw, "antrag", Status.IN_PRUEFUNG)
    with pytest.raises(TransitionNotAllowed, match="Entscheidung"):
        case_transition(actor=cw.caseworker, case=case, to=Status.ENTSCHIEDEN)
    with pytest.raises(TransitionNotAllowed, match="Rückfrage"):
        case_transition(actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="  ")


@pytest.mark.django_db
def test_rueckfrage_sends_the_question_sets_the_reply_deadline_and_clears_it_after(cw: CaseWorld) -> None:
    case = _case_in(cw, "antrag", Status.IN_PRUEFUNG)
    case = case_transition(actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="Welche Rasse genau?")
    assert case.reply_due is not None
    message = CaseMessage.objects.get(case=case)
    assert (message.direction, message.text) == (CaseMessage.Direction.TO_APPLICANT, "Welche Rasse genau?")
    case = case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    assert case.reply_due is None


@pytest.mark.django_db
def test_deciding_and_closing_record_dates_and_retention(cw: CaseWorld, settings: Any) -> None:
    settings.AMTSWEG_CASE_RETENTION_YEARS = 6
    case = _case_in(cw, "antrag", Status.IN_PRUEFUNG)
    case = case_transition(actor=cw.caseworker, case=case, to=Status.ENTSCHIEDEN, decision="teilweise")
    assert (case.decision, case.decided_at is not None) == ("teilweise", True)
    case = case_transition(actor=cw.caseworker, case=case, to=Status.ABGESCHLOSSEN)
    assert case.closed_at is not None
    assert case.retention_until is not None
    assert (case.retention_until.year, case.retention_until.month, case.retention_until.day) == (
        case.closed_at.year + 6,
        12,
        31,
    )


@pytest.mark.django_db
def test_applicant_withdraws_through_the_api_but_may_not_start_the_review(cw: CaseWorld) -> None:
    case = cw.case()
    client = Client()
    client.force_login(cw.applicant)
    url = f"/api/v1/vorgaenge/{case.reference}/status"
    refused = client.post(url, data={"to": "in_pruefung"}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Diesen Schritt kann nur die zuständige Stelle gehen."
    done = client.post(url, data={"to": "zurueckgezogen"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["steps"] == []
    case.refresh_from_db()
    assert case.status == Status.ZURUECKGEZOGEN


@pytest.mark.django_db
def test_command_names_an_unknown_reference(cw: CaseWorld) -> None:
    cw.case()  # a case exists, just not this one
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("case-transition", "AW-0000-XXXXXXXX", "in_pruefung")
