"""One way in for every action on a case: the same action through every entry point (web page, REST API,
the API's generic ``/status``, ``amtsweg case-transition``) leaves the same end state – status, decision
letter, e-mail notice to the applicant, history and audit entries.

Before the domain functions per action, deciding through the API or the command only changed the status:
no letter, no notice, while the applicant's page promised "Den Bescheid finden Sie auf der Seite des
Antrags". The Django admin offers no action on cases (only their configuration), so it is no entry point
here.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.test import Client
from django.utils import timezone

from amtsweg.access.testing import login_verified
from amtsweg.cases import deadlines, services
from amtsweg.cases.models import Case, CaseEvent, DecisionLetter, Status
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOTICE = " zu Ihrem Antrag "  # Bescheid, Rückfrage or Neue Nachricht
QUESTION = "Bitte reichen Sie den Impfpass von Bello nach."
REASONS = "Der Hund ist nicht im Kreis gemeldet."
ANSWER = "Der Impfpass liegt bei."


@contextmanager
def tasks_run_at_once() -> Iterator[None]:
    """Follow-up tasks (the e-mail notices) run when enqueued – Django's own immediate backend instead of
    the database queue, so a test sees the e-mail without a worker."""
    previous = task_backends["default"]
    task_backends["default"] = ImmediateBackend(alias="default", params={"QUEUES": ["default"]})
    try:
        yield
    finally:
        task_backends["default"] = previous


def reply_due() -> datetime.date:
    """A chosen reply deadline: a working day three weeks from now (not the service's default)."""
    return deadlines.next_working_day(timezone.localdate() + datetime.timedelta(days=21))


@dataclass(frozen=True)
class EndState:
    status: str
    decision: str
    reply_due: datetime.date | None
    assignee: str | None
    org_unit: str
    letters_sent: int
    notices: int
    events: tuple[str, ...]
    audit: tuple[tuple[str, str], ...]  # (action, actor kind)


def _state(case: Case, *, events_before: int, audit_before: int) -> EndState:
    case.refresh_from_db()
    return EndState(
        status=case.status,
        decision=case.decision,
        reply_due=case.reply_due,
        assignee=case.assignee.username if case.assignee else None,
        org_unit=case.org_unit.name if case.org_unit else "",
        letters_sent=DecisionLetter.objects.filter(case=case, sent_at__isnull=False).count(),
        notices=len([m for m in mail.outbox if NOTICE in m.subject]),
        events=tuple(
            sorted(
                CaseEvent.objects.filter(case=case)
                .order_by("id")[events_before:]
                .values_list("type", flat=True)
            )
        ),
        audit=tuple(
            sorted(
                AuditEntry.objects.filter(id__gt=audit_before, object_id=str(case.pk)).values_list(
                    "action", "actor_kind"
                )
            )
        ),
    )


# ---- how each entry point performs each action -----------------------------------------------------


def _staff(cw: CaseWorld) -> Client:
    return login_verified(Client(), cw.caseworker)


def _citizen(cw: CaseWorld) -> Client:
    client = Client()
    client.force_login(cw.applicant)
    return client


def _ok(response: Any) -> None:
    assert response.status_code in (200, 302), response.content.decode()[:2000]


def _api(client: Client, case: Case, path: str, body: dict[str, Any] | None = None) -> None:
    response = client.post(
        f"/api/v1/vorgaenge/{case.reference}/{path}",
        data=json.dumps(body or {}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["reference"] == case.reference


def _command(case: Case, to: str, *extra: str, user: str = "sb-steuern") -> None:
    call_command("case-transition", case.reference, to, "--as-user", user, *extra, stdout=StringIO())


def _web(cw: CaseWorld, case: Case, suffix: str, data: dict[str, Any] | None = None) -> None:
    _ok(_staff(cw).post(f"/vorgaenge/akte/{case.reference}/{suffix}", data or {}))


def _web_decide(cw: CaseWorld, case: Case) -> None:
    """On the web a decision is sent after the caseworker saw the letter's preview and confirmed it."""
    client = _staff(cw)
    url = f"/vorgaenge/akte/{case.reference}/status/entschieden/"
    form = {"entscheidung": "abgelehnt", "begruendung": REASONS, "vorlage": ""}
    preview = client.post(url, {**form, "aktion": "vorschau"})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    found = re.search(r'name="vorschau" value="([0-9a-f]+)"', preview.content.decode())
    assert found, "the preview carries the fingerprint of the letter it shows"
    _ok(client.post(url, {**form, "aktion": "senden", "vorschau": found.group(1), "bestaetigt": "on"}))


Do = Callable[[CaseWorld, Case], None]

ACTIONS: dict[str, dict[str, Do]] = {
    "review": {
        "web": lambda cw, c: _web(cw, c, "status/in_pruefung/"),
        "api": lambda cw, c: _api(_staff(cw), c, "pruefung"),
        "api-status": lambda cw, c: _api(_staff(cw), c, "status", {"to": "in_pruefung"}),
        "command": lambda cw, c: _command(c, "in_pruefung"),
    },
    "ask": {
        "web": lambda cw, c: _web(
            cw, c, "status/rueckfrage/", {"text": QUESTION, "antwort_bis": reply_due().strftime("%d.%m.%Y")}
        ),
        "api": lambda cw, c: _api(
            _staff(cw), c, "rueckfrage", {"question": QUESTION, "reply_due": reply_due().isoformat()}
        ),
        "api-status": lambda cw, c: _api(
            _staff(cw),
            c,
            "status",
            {"to": "rueckfrage", "text": QUESTION, "reply_due": reply_due().isoformat()},
        ),
        "command": lambda cw, c: _command(
            c, "rueckfrage", "--text", QUESTION, "--reply-due", reply_due().isoformat()
        ),
    },
    "decide": {
        "web": lambda cw, c: _web_decide(cw, c),
        "api": lambda cw, c: _api(
            _staff(cw), c, "entscheidung", {"decision": "abgelehnt", "reasons": REASONS}
        ),
        "api-status": lambda cw, c: _api(
            _staff(cw), c, "status", {"to": "entschieden", "decision": "abgelehnt", "text": REASONS}
        ),
        "command": lambda cw, c: _command(c, "entschieden", "--decision", "abgelehnt", "--text", REASONS),
    },
    "close": {
        "web": lambda cw, c: _web(cw, c, "status/abgeschlossen/"),
        "api": lambda cw, c: _api(_staff(cw), c, "abschluss"),
        "api-status": lambda cw, c: _api(_staff(cw), c, "status", {"to": "abgeschlossen"}),
        "command": lambda cw, c: _command(c, "abgeschlossen"),
    },
    "withdraw": {
        "web": lambda cw, c: _ok(_citizen(cw).post(f"/vorgaenge/mein/{c.reference}/zurueckziehen/")),
        "api": lambda cw, c: _api(_citizen(cw), c, "zurueckziehen"),
        "api-status": lambda cw, c: _api(_citizen(cw), c, "status", {"to": "zurueckgezogen"}),
        "command": lambda cw, c: _command(c, "zurueckgezogen", user="buergerin"),
    },
    "answer": {
        "web": lambda cw, c: _ok(
            _citizen(cw).post(f"/vorgaenge/mein/{c.reference}/antworten/", {"nachricht": ANSWER})
        ),
        "api": lambda cw, c: _api(_citizen(cw), c, "antwort", {"text": ANSWER}),
    },
    "message": {
        "web": lambda cw, c: _web(cw, c, "nachricht/", {"nachricht-text": QUESTION}),
        "api": lambda cw, c: _api(_staff(cw), c, "nachrichten", {"text": QUESTION}),
    },
    "note": {
        "web": lambda cw, c: _web(cw, c, "vermerk/", {"vermerk-text": "Rückruf vereinbart."}),
        "api": lambda cw, c: _api(_staff(cw), c, "vermerke", {"text": "Rückruf vereinbart."}),
    },
    "assign": {
        "web": lambda cw, c: _web(cw, c, "zuweisung/", {"aktion": "mir"}),
        "api": lambda cw, c: _api(_staff(cw), c, "zuweisung", {"assignee": "sb-steuern"}),
    },
    "forward": {
        "web": lambda cw, c: _web(
            cw,
            c,
            "weiterleiten/",
            {"weiterleiten-stelle": cw.ordnungsamt.pk, "weiterleiten-grund": "zuständig"},
        ),
        "api": lambda cw, c: _api(
            _staff(cw), c, "weiterleitung", {"org_unit": cw.ordnungsamt.pk, "reason": "zuständig"}
        ),
    },
}


def _prepared(cw: CaseWorld, action: str) -> Case:
    """A case in the status the action starts from (prepared through the domain functions)."""
    case = cw.case()
    staff = cw.caseworker
    if action in ("ask", "decide", "close", "answer"):
        case = services.case_review_start(actor=staff, case=case)
    if action == "answer":
        case = services.case_ask(actor=staff, case=case, question=QUESTION)
    if action == "close":
        case = services.case_decide(actor=staff, case=case, decision="bewilligt")
    return case


STAFF, CITIZEN = "staff", "citizen"


def _expected(cw: CaseWorld, action: str) -> EndState:
    t = "case.transition"
    base = {
        "decision": "",
        "reply_due": None,
        "assignee": None,
        "org_unit": "Steueramt",
        "letters_sent": 0,
        "notices": 0,
    }
    table: dict[str, dict[str, Any]] = {
        "review": {"status": Status.IN_PRUEFUNG, "events": ("transition",), "audit": ((t, STAFF),)},
        "ask": {
            "status": Status.RUECKFRAGE,
            "reply_due": reply_due(),
            "notices": 1,
            "events": ("message_out", "transition"),
            "audit": ((t, STAFF),),
        },
        "decide": {
            "status": Status.ENTSCHIEDEN,
            "decision": "abgelehnt",
            "letters_sent": 1,
            "notices": 1,
            "events": ("letter", "transition"),
            "audit": (("case.letter_created", STAFF), ("case.letter_sent", STAFF), (t, STAFF)),
        },
        "close": {
            "status": Status.ABGESCHLOSSEN,
            "decision": "bewilligt",
            "letters_sent": 1,  # the one of the decision before
            "events": ("transition",),
            "audit": ((t, STAFF),),
        },
        "withdraw": {"status": Status.ZURUECKGEZOGEN, "events": ("transition",), "audit": ((t, CITIZEN),)},
        "answer": {
            "status": Status.IN_PRUEFUNG,  # the answer hands the case back to the review
            "events": ("message_in", "transition"),
            "audit": (("case.message_received", CITIZEN), (t, CITIZEN)),
        },
        "message": {
            "status": Status.EINGEGANGEN,
            "notices": 1,
            "events": ("message_out",),
            "audit": (("case.message_sent", STAFF),),
        },
        "note": {"status": Status.EINGEGANGEN, "events": ("note",), "audit": (("case.note", STAFF),)},
        "assign": {
            "status": Status.EINGEGANGEN,
            "assignee": "sb-steuern",
            "events": ("assigned",),
            "audit": (("case.assigned", STAFF),),
        },
        "forward": {
            "status": Status.EINGEGANGEN,
            "org_unit": "Ordnungsamt",
            "events": ("forwarded",),
            "audit": (("case.forwarded", STAFF),),
        },
    }
    return EndState(**{**base, **table[action]})


@pytest.mark.parametrize(
    ("action", "entry"), [(action, entry) for action, entries in ACTIONS.items() for entry in entries]
)
def test_every_entry_point_leaves_the_same_end_state(
    cw: CaseWorld, media: Any, action: str, entry: str
) -> None:
    case = _prepared(cw, action)
    events_before = CaseEvent.objects.filter(case=case).count()
    audit_before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    mail.outbox.clear()
    with tasks_run_at_once():
        ACTIONS[action][entry](cw, case)
    assert _state(case, events_before=events_before, audit_before=audit_before) == _expected(cw, action)


def test_a_decision_through_the_api_reaches_the_applicant_as_on_the_web(cw: CaseWorld, media: Any) -> None:
    """What the citizen sees after a decision made through the API: the letter on the case page."""
    case = _prepared(cw, "decide")
    with tasks_run_at_once():
        _api(_staff(cw), case, "status", {"to": "entschieden", "decision": "bewilligt"})
    page = _citizen(cw).get(f"/vorgaenge/mein/{case.reference}/").content.decode()
    letter = DecisionLetter.objects.get(case=case)
    assert f"bescheid/{letter.pk}/" in page


def test_the_api_documents_every_action_with_its_body(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    bodies = {
        "rueckfrage": {"question", "reply_due"},
        "entscheidung": {"decision", "reasons", "template"},
        "antwort": {"text"},
        "nachrichten": {"text"},
        "vermerke": {"text"},
        "zuweisung": {"assignee"},
        "weiterleitung": {"org_unit", "reason"},
        "status": {"to", "text", "decision", "reply_due"},
        "pruefung": set(),
        "abschluss": set(),
        "zurueckziehen": set(),
    }
    for action, fields in bodies.items():
        operation = paths[f"/api/v1/vorgaenge/{{reference}}/{action}"]["post"]
        assert operation["summary"]
        assert {"400", "403", "404", "409"} <= set(operation["responses"])
        if fields:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert set(schema["properties"]) == fields


def test_bad_input_gets_a_german_400_that_names_the_field(cw: CaseWorld) -> None:
    case = services.case_review_start(actor=cw.caseworker, case=cw.case())
    client = _staff(cw)
    url = f"/api/v1/vorgaenge/{case.reference}/rueckfrage"

    def post(body: Any) -> Any:
        return client.post(url, data=json.dumps(body), content_type="application/json")

    missing = post({})
    assert missing.status_code == 400
    assert "Rückfrage (question)" in missing.json()["detail"]
    wrong_date = post({"question": "Welche Rasse?", "reply_due": "morgen"})
    assert wrong_date.status_code == 400
    assert "Antwortfrist" in wrong_date.json()["detail"]
    past = post({"question": "Welche Rasse?", "reply_due": "2020-01-02"})
    assert past.status_code == 400
    assert past.json()["detail"] == "Die Antwortfrist muss nach dem heutigen Tag liegen."
    case.refresh_from_db()
    assert case.status == Status.IN_PRUEFUNG
    assert not CaseEvent.objects.filter(case=case, type="message_out").exists()
