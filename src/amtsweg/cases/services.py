"""Writes of case management. Every change goes through one of these functions (views, API, commands,
tasks, admin): permission check, change, case event, audit entry and follow-up tasks in one transaction.

One function per business action, each owning its side effects: :func:`case_review_start`,
:func:`case_ask` (Rückfrage), :func:`case_reply` (the applicant's answer), :func:`case_decide` (with the
decision letter), :func:`case_close`, :func:`case_withdraw`, :func:`case_assign`, :func:`case_forward`,
:func:`case_note_add`, :func:`case_message_send`. A status changes only along the steps of the case's
status model (:mod:`amtsweg.cases.states`); any other step raises :class:`TransitionNotAllowed` (German
message). :func:`case_transition` maps a target status to its action for callers that name a status.

``actor`` is an :class:`~amtsweg.core.actors.Actor` (staff, citizen, link holder, anonymous, system);
user objects and ``None`` (the system) from older callers are converted with ``as_actor``.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import (
    can_assign_cases,
    can_manage_routing,
    can_view_case,
    can_work_case,
    require,
)
from amtsweg.cases import deadlines, states
from amtsweg.cases.guest import is_guest_of
from amtsweg.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMessage,
    CaseNote,
    Decision,
    DecisionLetter,
    Forward,
    LegalRemedy,
    LetterTemplate,
    RoutingRule,
    ServiceCaseSettings,
    Status,
)
from amtsweg.cases.routing import route, rules_memo_clear
from amtsweg.core.actors import Actor, account, as_actor
from amtsweg.core.audit import audit_record
from amtsweg.core.memo import TTLMemo
from amtsweg.forms.spec import CONDITION_OPS
from amtsweg.submissions.models import Submission
from amtsweg.submissions.uploads import ALLOWED_KINDS, allowed_types_label, clean_file_name, max_file_bytes
from amtsweg.tenants.models import OrgUnit

MAX_TEXT = 10_000
MAX_MESSAGE_FILES = 5
MAX_REPLY_DAYS = 366


class TransitionNotAllowed(Exception):
    """A status change that the case's status model does not allow (German message, a 4xx for clients)."""


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _event(case: Case, type: str, actor: Any, **fields: Any) -> CaseEvent:
    """Append to the case's history and tell the registered apps (outbound events) in this transaction."""
    from amtsweg.cases.hooks import case_event_hooks_run

    typed = as_actor(actor)
    event = CaseEvent.objects.create(
        case=case, type=type, actor=account(typed), actor_label=str(typed)[:200], **fields
    )
    case_event_hooks_run(event)
    return event


def _today() -> datetime.date:
    return timezone.localdate()


_settings_memo: TTLMemo[ServiceCaseSettings | None] = TTLMemo(
    "Vorgangseinstellungen je Leistung", seconds=10.0
)


def settings_for(service: Any, *, cached: bool = False) -> ServiceCaseSettings:
    """The case settings of ``service`` (unsaved defaults when it has none).

    The intake reads them for every new case and passes ``cached=True``: they are then kept for a few
    seconds per process (:class:`~amtsweg.core.memo.TTLMemo`, like the intake's responsibility), so a
    change made elsewhere reaches new cases within ten seconds; ``case_config_save`` empties the memo at
    once.
    """
    if service is None:
        return ServiceCaseSettings(service=None)
    if cached:
        found = _settings_memo.get(
            service.pk, lambda: ServiceCaseSettings.objects.filter(service=service).first()
        )
    else:
        found = ServiceCaseSettings.objects.filter(service=service).first()
    return found if found is not None else ServiceCaseSettings(service=service)


def retention_years(case: Case) -> int:
    configured = settings_for(case.service).retention_years
    return int(configured if configured is not None else settings.AMTSWEG_CASE_RETENTION_YEARS)


def retention_end(case: Case, closed: datetime.date) -> datetime.date:
    """Kept until the end of the year ``retention_years`` after the year of closing (Aktenordnung)."""
    return datetime.date(closed.year + retention_years(case), 12, 31)


# ---- creation (submission hook) ------------------------------------------------------------------


def case_create_for_submission(submission: Submission, *, new: bool = False, actor: Any = None) -> Case:
    """Create the case of a new submission (runs inside the intake transaction; see ``apps.py``).

    ``actor`` is who submitted: the citizen's account, an applicant without an account (anonymous) or,
    for jobs like the demo and ``None``, the system; the history's "angelegt" entry names them.

    Idempotent: a submission that already has a case keeps it. ``new=True`` (the intake hook, for a
    submission inserted in this very transaction) skips that lookup; the unique submission of a case
    still guards against a second one. No permission check: the system acts.
    """
    if not new:
        existing = Case.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
    target = route(submission)
    case_settings = settings_for(submission.service, cached=new)
    received = timezone.localdate(submission.submitted_at)
    case = Case.objects.create(
        reference=submission.reference,
        submission=submission,
        service=submission.service,
        applicant=submission.applicant,
        authority=target.authority,
        org_unit=target.org_unit,
        routing_rule=target.rule,
        status_model=case_settings.status_model,
        status=Status.EINGEGANGEN,
        received_at=submission.submitted_at,
        due_date=deadlines.processing_due(received, case_settings.processing_days),
        fiction_due=(
            deadlines.fiction_date(received, case_settings.approval_fiction_months)
            if case_settings.approval_fiction_months
            else None
        ),
    )
    _event(
        case,
        CaseEvent.Type.CREATED,
        as_actor(actor),
        to_status=Status.EINGEGANGEN,
        data={
            "routing": target.reason,
            "rule": target.rule.pk if target.rule else None,
            "authority": target.authority.pk,
            "org_unit": target.org_unit.pk if target.org_unit else None,
        },
    )
    # No own audit entry: the intake's "submission.received" entry (same transaction) records the
    # arrival; the routing is in the case's history.
    return case


# ---- status: one function per business action ---------------------------------------------------
#
# Each action owns all of its side effects (status, question or letter, notice to the applicant, history,
# audit entry, follow-up tasks). Pages, API, the command and the demo call these; ``case_transition`` only
# maps a target status to its action, so no entry point can change a status without its side effects.


def _actor_side(actor: Actor, case: Case) -> str | None:
    """``"system"``, STAFF (may work on the case), APPLICANT (owns it) or ``None`` (neither)."""
    if actor.is_system:
        return "system"
    if can_work_case(actor, case):
        return states.STAFF
    if _is_applicant(actor, case):
        return states.APPLICANT
    return None


def _is_applicant(actor: Any, case: Case) -> bool:
    """The account that owns ``case``, or – for a case without an account – the holder of its access
    link (:mod:`amtsweg.cases.guest`)."""
    user = account(actor)
    if user is not None:
        return bool(case.applicant_id is not None and case.applicant_id == user.pk)
    return is_guest_of(actor, case)


def allowed_steps(actor: Any, case: Case) -> list[states.Step]:
    """The steps ``actor`` may take on ``case`` now (for buttons)."""
    side = _actor_side(as_actor(actor), case)
    if side is None:
        return []
    model = states.model_for(case.status_model)
    return model.steps_from(case.status, None if side == "system" else side)


def _step_check(actor: Actor, case: Case, to: str, *, decision: str = "", text: str = "") -> states.Step:
    """The step of ``case`` to ``to`` if ``actor`` may take it now with this input, else raise
    ``PermissionDenied`` or :class:`TransitionNotAllowed` (German message)."""
    side = _actor_side(actor, case)
    if side is None:
        raise PermissionDenied(_("Sie dürfen diesen Vorgang nicht bearbeiten."))
    if to not in Status.values:
        raise TransitionNotAllowed(_("„%(status)s“ ist kein Status eines Vorgangs.") % {"status": to})
    step = states.model_for(case.status_model).step(case.status, to)
    if step is None:
        raise TransitionNotAllowed(
            _("Ein Vorgang im Status „%(source)s“ kann nicht in den Status „%(target)s“ wechseln.")
            % {"source": Status(case.status).label, "target": Status(to).label}
        )
    if side != "system" and side not in step.by:
        if side == states.APPLICANT:
            raise TransitionNotAllowed(_("Diesen Schritt kann nur die zuständige Stelle gehen."))
        raise TransitionNotAllowed(_("Diesen Schritt kann nur die antragstellende Person gehen."))
    if step.needs_decision and decision not in Decision.values:
        raise TransitionNotAllowed(
            _("Bitte wählen Sie die Entscheidung: bewilligt, abgelehnt oder teilweise bewilligt.")
        )
    if step.needs_text and not text:
        raise TransitionNotAllowed(_("Bitte schreiben Sie die Rückfrage an die antragstellende Person."))
    if len(text) > MAX_TEXT:
        raise TransitionNotAllowed(_("Der Text ist zu lang (höchstens 10.000 Zeichen)."))
    return step


def _status_change(
    *,
    actor: Actor,
    case: Case,
    to: str,
    text: str = "",
    decision: str = "",
    reply_due: datetime.date | None = None,
    source: str = "",
    check: bool = True,
    event_data: dict[str, Any] | None = None,
) -> Case:
    """The guarded status change every action uses (inside the caller's transaction): lock, check the
    step, set status and dates, write the history entry and the audit entry. ``check=False`` only for a
    step the action itself has decided on (the applicant's answer ends the Rückfrage)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("service").get(pk=case.pk)
    if check:
        _step_check(actor, case, to, decision=decision, text=text)
    source_status = case.status
    now = timezone.now()
    case.status = to
    changes: dict[str, Any] = {"from": source_status, "to": to}
    if to == Status.RUECKFRAGE:
        case.reply_due = reply_due or deadlines.add_working_days(
            _today(), settings_for(case.service).reply_days
        )
        changes["reply_due"] = case.reply_due.isoformat()
    elif source_status == Status.RUECKFRAGE:
        case.reply_due = None
    if to == Status.ENTSCHIEDEN:
        case.decision = decision
        case.decided_at = now
        changes["decision"] = decision
    if to in states.CLOSED:
        case.closed_at = now
        case.retention_until = retention_end(case, timezone.localdate(now))
    case.save()
    _event(
        case,
        CaseEvent.Type.TRANSITION,
        actor,
        from_status=source_status,
        to_status=to,
        text=text,
        data={**({"decision": decision} if decision else {}), **(event_data or {})},
    )
    audit_record(
        actor=actor,
        action="case.transition",
        obj=case,
        changes=changes,
        authority_id=case.authority_id,
        source=source,
    )
    return case


def case_review_start(*, actor: Any, case: Case, source: str = "") -> Case:
    """Begin (eingegangen → in Prüfung) or resume (Rückfrage → in Prüfung, the reply deadline is cleared)
    the review of ``case``. Staff who work on the case, or the system."""
    with transaction.atomic():
        return _status_change(actor=as_actor(actor), case=case, to=Status.IN_PRUEFUNG, source=source)


def reply_due_check(reply_due: datetime.date | None) -> datetime.date | None:
    """A reply deadline the caseworker chose: after today, at most a year ahead, moved to the next
    working day when it falls on a weekend or an NRW holiday. Raises ``ValidationError`` (German)."""
    if reply_due is None:
        return None
    today = _today()
    if reply_due <= today:
        raise ValidationError(_("Die Antwortfrist muss nach dem heutigen Tag liegen."))
    if reply_due > today + datetime.timedelta(days=MAX_REPLY_DAYS):
        raise ValidationError(_("Die Antwortfrist darf höchstens ein Jahr in der Zukunft liegen."))
    return deadlines.next_working_day(reply_due)


def case_ask(
    *,
    actor: Any,
    case: Case,
    question: str,
    reply_due: datetime.date | None = None,
    source: str = "",
) -> Case:
    """Rückfrage: send ``question`` to the applicant (message and an e-mail notice without content) and
    wait for the answer until ``reply_due`` (default: ``reply_days`` working days of the service's case
    settings; a chosen date is checked by :func:`reply_due_check`)."""
    actor = as_actor(actor)
    question = (question or "").strip()
    due = reply_due_check(reply_due)
    with transaction.atomic():
        case = _status_change(
            actor=actor, case=case, to=Status.RUECKFRAGE, text=question, reply_due=due, source=source
        )
        _message_store(
            case=case,
            actor=actor,
            text=question,
            direction=CaseMessage.Direction.TO_APPLICANT,
            reply_due=case.reply_due,
        )
    return case


def case_decide(
    *,
    actor: Any,
    case: Case,
    decision: str,
    reasons: str = "",
    template: LetterTemplate | None = None,
    source: str = "",
) -> Case:
    """Decide ``case`` (bewilligt, abgelehnt, teilweise) and issue its decision letter: the letter is
    rendered (:mod:`amtsweg.cases.letters`), then in one transaction the case becomes "entschieden", the
    letter is stored with the case and released to the applicant, who gets an e-mail notice.

    Rendering happens first and outside the transaction (it takes a moment); if any step fails, nothing
    is stored: neither the decision nor the letter. The letter is signed by the acting account (none when
    the system decides).
    """
    from amtsweg.cases import letters  # letters renders with services' helpers; imported late

    actor = as_actor(actor)
    reasons = (reasons or "").strip()
    case = Case.objects.select_related("service", "authority", "org_unit", "submission").get(pk=case.pk)
    _step_check(actor, case, Status.ENTSCHIEDEN, decision=decision, text=reasons)
    if template is not None and template.authority_id != case.authority_id:
        raise ValidationError(_("Diese Bescheidvorlage gehört zu einer anderen Behörde."))
    signer = account(actor)
    text = letters.letter_text(case=case, template=template, decision=decision, reasons=reasons, actor=signer)
    pdf = letters.letter_pdf_bytes(case=case, text=text)
    with transaction.atomic():
        case = _status_change(
            actor=actor, case=case, to=Status.ENTSCHIEDEN, decision=decision, text=reasons, source=source
        )
        letter = decision_letter_save(
            actor=actor,
            case=case,
            subject=text.subject,
            body=f"{text.body}\n\n{text.legal_remedies}",
            pdf=pdf,
            template=template,
            decision=decision,
            source=source,
        )
        decision_letter_send(actor=actor, letter=letter, source=source)
    return case


def case_close(*, actor: Any, case: Case, source: str = "") -> Case:
    """Close ``case`` (after the decision; a notification case (Anzeige) straight from the review). Sets
    the retention date."""
    with transaction.atomic():
        return _status_change(actor=as_actor(actor), case=case, to=Status.ABGESCHLOSSEN, source=source)


def case_withdraw(*, actor: Any, case: Case, source: str = "") -> Case:
    """The applicant withdraws the application while the case is open."""
    with transaction.atomic():
        return _status_change(actor=as_actor(actor), case=case, to=Status.ZURUECKGEZOGEN, source=source)


def case_transition(
    *,
    actor: Any,
    case: Case,
    to: str,
    text: str = "",
    decision: str = "",
    reply_due: datetime.date | None = None,
    template: LetterTemplate | None = None,
    source: str = "",
) -> Case:
    """Move ``case`` to status ``to`` through the action that belongs to it (for callers that name a
    status, such as the API's ``/status`` and ``amtsweg case-transition``).

    in_pruefung → :func:`case_review_start`, rueckfrage → :func:`case_ask` (``text`` is the question),
    entschieden → :func:`case_decide` (``decision``, ``text`` the reasons), abgeschlossen →
    :func:`case_close`, zurueckgezogen → :func:`case_withdraw`. Raises ``PermissionDenied`` when ``actor``
    neither works on the case nor owns it and :class:`TransitionNotAllowed` when the status model has no
    such step for the actor.
    """
    actor = as_actor(actor)
    text = (text or "").strip()
    if to == Status.IN_PRUEFUNG:
        return case_review_start(actor=actor, case=case, source=source)
    if to == Status.RUECKFRAGE:
        return case_ask(actor=actor, case=case, question=text, reply_due=reply_due, source=source)
    if to == Status.ENTSCHIEDEN:
        return case_decide(
            actor=actor, case=case, decision=decision, reasons=text, template=template, source=source
        )
    if to == Status.ABGESCHLOSSEN:
        return case_close(actor=actor, case=case, source=source)
    if to == Status.ZURUECKGEZOGEN:
        return case_withdraw(actor=actor, case=case, source=source)
    _step_check(actor, case, to)  # PermissionDenied first, then "kein Status"
    raise TransitionNotAllowed(_("„%(status)s“ ist kein Status eines Vorgangs.") % {"status": to})


# ---- assignment and forwarding -----------------------------------------------------------------------


def case_assign(*, actor: Any, case: Case, assignee: Any, source: str = "") -> Case:
    """Give ``case`` to ``assignee`` (``None``: nobody). Team leads assign; a caseworker may take a case
    or give it back. The assignee must be able to see the case."""
    actor = as_actor(actor)
    user = account(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        lead = can_assign_cases(actor, case.authority_id, case.org_unit_id)
        own = (
            user is not None
            and can_work_case(actor, case)
            and (
                (assignee is not None and assignee.pk == user.pk)
                or (assignee is None and case.assignee_id == user.pk)
            )
        )
        require(lead or own, _("Sie dürfen diesen Vorgang nicht zuweisen."))
        if assignee is not None and (
            getattr(assignee, "kind", None) != "personal"
            or not assignee.is_active
            or not can_view_case(assignee, case.authority_id, case.org_unit_id)
        ):
            raise ValidationError(_("Diese Person kann Vorgänge dieser Stelle nicht bearbeiten."))
        previous = case.assignee_id
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        _event(
            case,
            CaseEvent.Type.ASSIGNED,
            actor,
            data={"from": previous, "to": assignee.pk if assignee else None},
            text=_person(assignee) if assignee is not None else "",
        )
        audit_record(
            actor=actor,
            action="case.assigned",
            obj=case,
            changes={"from": previous, "to": assignee.pk if assignee else None},
            authority_id=case.authority_id,
            source=source,
        )
    return case


def _learn_from_forward(case: Case, to_org_unit: OrgUnit) -> None:
    """A forwarded free-text request is a training example for the AI router (text → the unit's function)."""
    from amtsweg.assistant.services import router_example_from_forward
    from amtsweg.cases.routing import free_text

    if not to_org_unit.function or case.submission_id is None:
        return
    submission = case.submission
    # Only requests the router decides: forms without a service ("Anliegen an die Verwaltung"). Cases of a
    # service are routed by its responsibility rules; their forwards say nothing about the text.
    if submission.form_version.form.service_id is not None:
        return
    text = free_text(submission)
    if text:
        router_example_from_forward(case_reference=case.reference, text=text, label=to_org_unit.function)


def case_forward(*, actor: Any, case: Case, to_org_unit: OrgUnit, reason: str, source: str = "") -> Forward:
    """Hand ``case`` to ``to_org_unit`` (of this or another authority), recording why.

    The actor must be allowed to work on the case where it is now; afterwards the case belongs to the
    new unit (the assignment is cleared) and the sending unit no longer sees it.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht weiterleiten."))
        if not case.is_open:
            raise ValidationError(_("Ein abgeschlossener Vorgang kann nicht weitergeleitet werden."))
        if not reason:
            raise ValidationError(_("Bitte geben Sie den Grund der Weiterleitung an."))
        if to_org_unit.pk == case.org_unit_id:
            raise ValidationError(_("Der Vorgang liegt schon bei dieser Stelle."))
        forward = Forward.objects.create(
            case=case,
            from_authority_id=case.authority_id,
            from_org_unit_id=case.org_unit_id,
            to_authority_id=to_org_unit.authority_id,
            to_org_unit=to_org_unit,
            reason=reason[:MAX_TEXT],
            actor=account(actor),
        )
        changes = {
            "from_authority": case.authority_id,
            "from_org_unit": case.org_unit_id,
            "to_authority": to_org_unit.authority_id,
            "to_org_unit": to_org_unit.pk,
        }
        case.authority_id = to_org_unit.authority_id
        case.org_unit = to_org_unit
        case.assignee = None
        case.save(update_fields=["authority", "org_unit", "assignee", "updated_at"])
        _event(case, CaseEvent.Type.FORWARDED, actor, text=reason, data=changes)
        _learn_from_forward(case, to_org_unit)
        audit_record(
            actor=actor,
            action="case.forwarded",
            obj=case,
            # The reason is free text about the person; it stays in the Forward row and the case history,
            # which the retention anonymises. The audit trail is kept for good and gets only the facts.
            changes=changes,
            authority_id=changes["from_authority"],
            source=source,
        )
    return forward


# ---- access links for applicants without an account ---------------------------------------------


def case_applicant_link_issue(*, case: Case) -> str:
    """A fresh access link (path) for the applicant of ``case``; every link sent before stops working,
    also in browser sessions opened with it (:mod:`amtsweg.cases.guest`). Called by the notification task."""
    from amtsweg.cases.guest import link_path

    return link_path(_link_generation_bump(case=case, actor=None, action="case.applicant_link.issued"))


def _link_generation_bump(*, case: Case, actor: Any, action: str, source: str = "") -> Case:
    """Invalidate every access link of ``case`` sent so far (one audit entry); returns the locked row."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        locked.applicant_link_generation += 1
        locked.save(update_fields=["applicant_link_generation", "updated_at"])
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            changes={"generation": locked.applicant_link_generation},
            authority_id=locked.authority_id,
            source=source,
        )
    case.applicant_link_generation = locked.applicant_link_generation
    return locked


def case_applicant_links_revoke(*, actor: Any, case: Case, source: str = "") -> None:
    """Block every access link of ``case`` sent so far (e.g. the applicant forwarded the e-mail by
    mistake); browser sessions opened with one lose the case at their next request. The next message
    sends a new link."""
    require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    if case.applicant_id is not None:
        raise ValidationError(_("Dieser Antrag gehört zu einem Konto; es gibt keine Zugangslinks."))
    _link_generation_bump(case=case, actor=actor, action="case.applicant_links.revoked", source=source)


# ---- notes, messages, documents ----------------------------------------------------------------


def case_note_add(*, actor: Any, case: Case, text: str, source: str = "") -> CaseNote:
    """An internal note (Vermerk) on ``case``; the applicant never sees it."""
    actor = as_actor(actor)
    text = (text or "").strip()
    require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    if not text:
        raise ValidationError(_("Bitte schreiben Sie einen Vermerk."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Der Text ist zu lang (höchstens 10.000 Zeichen)."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=account(actor), text=text)
        _event(case, CaseEvent.Type.NOTE, actor, data={"note": note.pk})
        audit_record(actor=actor, action="case.note", obj=case, authority_id=case.authority_id, source=source)
    return note


def document_check(file: Any) -> tuple[str, str, int, str]:
    """Check an uploaded file like the application uploads (content sniffing, PDF/PNG/JPEG, size).

    Returns (clean name, MIME type, size, SHA-256) or raises ``ValidationError`` with a German message.
    """
    name = clean_file_name(getattr(file, "name", ""))
    limit = max_file_bytes()
    digest = hashlib.sha256()
    head = b""
    size = 0
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    file.seek(0)
    if size == 0:
        raise ValidationError(_("Die Datei „%(name)s“ ist leer.") % {"name": name})
    if size > limit:
        raise ValidationError(
            _("Die Datei „%(name)s“ ist zu groß. Erlaubt sind höchstens %(limit)s MB je Datei.")
            % {"name": name, "limit": settings.AMTSWEG_UPLOAD_MAX_MB}
        )
    guessed = filetype.guess(head)
    kind = ALLOWED_KINDS.get(guessed.mime) if guessed is not None else None
    if kind is None:
        raise ValidationError(
            _("Die Datei „%(name)s“ ist keine %(types)s-Datei.")
            % {"name": name, "types": allowed_types_label()}
        )
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and ext.lower() in kind.extensions):
        raise ValidationError(
            _("Der Name der Datei „%(name)s“ passt nicht zu ihrem Inhalt (%(label)s).")
            % {"name": name, "label": kind.label}
        )
    return name, kind.mime, size, digest.hexdigest()


def _documents_store(
    *, case: Case, message: CaseMessage | None, actor: Any, files: list[tuple[Any, tuple[str, str, int, str]]]
) -> list[str]:
    stored: list[str] = []
    for file, (name, mime, size, sha256) in files:
        extension = ALLOWED_KINDS[mime].extension
        storage_name = f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"
        file.seek(0)
        saved = default_storage.save(storage_name, File(file, name=storage_name))
        stored.append(saved)
        document = CaseDocument(
            case=case,
            message=message,
            uploaded_by=account(actor),
            original_name=name,
            content_type=mime,
            size=size,
            sha256=sha256,
        )
        document.file.name = saved
        document.save()
    return stored


def _message_store(
    *, case: Case, actor: Any, text: str, direction: str, reply_due: datetime.date | None = None
) -> CaseMessage:
    """Store a message and its history entry; one to the applicant is announced by e-mail (a Rückfrage
    with its ``reply_due``)."""
    from amtsweg.cases.tasks import notify_applicant

    message = CaseMessage.objects.create(
        case=case,
        direction=direction,
        author=account(actor),
        text=text,
    )
    event = (
        CaseEvent.Type.MESSAGE_OUT
        if direction == CaseMessage.Direction.TO_APPLICANT
        else CaseEvent.Type.MESSAGE_IN
    )
    _event(case, event, actor, data={"message": message.pk})
    if direction == CaseMessage.Direction.TO_APPLICANT:
        notify_applicant.enqueue(message.pk, reply_due.isoformat() if reply_due else "")
    return message


def _message_with_files(
    *, case: Case, actor: Any, text: str, files: Iterable[Any], direction: str, action: str, source: str
) -> CaseMessage:
    text = (text or "").strip()
    files = list(files)
    if not text:
        raise ValidationError(_("Bitte schreiben Sie eine Nachricht."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Die Nachricht ist zu lang (höchstens 10.000 Zeichen)."))
    if len(files) > MAX_MESSAGE_FILES:
        raise ValidationError(
            _("Sie können höchstens %(count)s Dateien mitschicken.") % {"count": MAX_MESSAGE_FILES}
        )
    checked = [(file, document_check(file)) for file in files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            message = _message_store(case=case, actor=actor, text=text, direction=direction)
            stored = _documents_store(case=case, message=message, actor=actor, files=checked)
            if direction == CaseMessage.Direction.FROM_APPLICANT:
                _answer_ends_question(actor=actor, case=case, message=message, source=source)
            audit_record(
                actor=actor,
                action=action,
                obj=case,
                changes={"message": message.pk, "files": len(stored)},
                authority_id=case.authority_id,
                source=source,
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return message


def _answer_ends_question(*, actor: Actor, case: Case, message: CaseMessage, source: str) -> None:
    """The applicant's answer to a Rückfrage hands the case back to the review (in Prüfung, the reply
    deadline cleared): the applicant no longer reads "Bitte beantworten Sie die Rückfrage", the
    caseworker finds the case in the review with an unread answer. A message at any other time changes
    no status."""
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if locked.status != Status.RUECKFRAGE:
        return
    _status_change(
        actor=actor,
        case=locked,
        to=Status.IN_PRUEFUNG,
        source=source,
        check=False,
        event_data={"answer": message.pk},
    )


def case_message_send(
    *, actor: Any, case: Case, text: str, files: Iterable[Any] = (), source: str = ""
) -> CaseMessage:
    """A message from the caseworker to the applicant (who gets an e-mail without personal data)."""
    require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    return _message_with_files(
        case=case,
        actor=actor,
        text=text,
        files=files,
        direction=CaseMessage.Direction.TO_APPLICANT,
        action="case.message_sent",
        source=source,
    )


def case_reply(
    *, actor: Any, case: Case, text: str, files: Iterable[Any] = (), source: str = ""
) -> CaseMessage:
    """The applicant writes to the caseworker (with attachments) while the case is open; an answer to a
    Rückfrage also hands the case back to the review (:func:`_answer_ends_question`)."""
    actor = as_actor(actor)
    if not _is_applicant(actor, case):
        raise PermissionDenied(_("Dieser Antrag gehört zu einem anderen Konto."))
    if not case.is_open:
        raise ValidationError(
            _("Die Bearbeitung ist abgeschlossen. Sie können keine Nachricht mehr schreiben.")
        )
    return _message_with_files(
        case=case,
        actor=actor,
        text=text,
        files=files,
        direction=CaseMessage.Direction.FROM_APPLICANT,
        action="case.message_received",
        source=source,
    )


def case_messages_mark_read(*, actor: Any, case: Case) -> int:
    """Mark the messages addressed to ``actor`` as read (applicant: the staff's; staff: the applicant's)."""
    actor = as_actor(actor)
    if _is_applicant(actor, case):
        direction = CaseMessage.Direction.TO_APPLICANT
    elif can_view_case(actor, case.authority_id, case.org_unit_id):
        direction = CaseMessage.Direction.FROM_APPLICANT
    else:
        raise PermissionDenied(_("Sie dürfen diesen Vorgang nicht sehen."))
    return CaseMessage.objects.filter(case=case, direction=direction, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---- decision letters (rendered by the back-office pages) ------------------------------------------


def decision_letter_save(
    *,
    actor: Any,
    case: Case,
    subject: str,
    body: str,
    pdf: bytes,
    template: LetterTemplate | None = None,
    decision: str = "",
    source: str = "",
) -> DecisionLetter:
    """Store a rendered decision letter (PDF bytes) of ``case``."""
    require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    if decision and decision not in Decision.values:
        raise ValidationError(_("Unbekannte Entscheidung."))
    with transaction.atomic():
        letter = DecisionLetter(
            case=case,
            template=template,
            decision=decision or case.decision,
            subject=subject[:300],
            body=body,
            created_by=account(actor),
        )
        letter.pdf.save(f"bescheid-{case.reference}.pdf", ContentFile(pdf), save=False)
        letter.save()
        _event(case, CaseEvent.Type.LETTER, actor, data={"letter": str(letter.pk)}, text=subject[:300])
        audit_record(
            actor=actor,
            action="case.letter_created",
            obj=case,
            changes={"letter": str(letter.pk)},
            authority_id=case.authority_id,
            source=source,
        )
    return letter


def decision_letter_send(*, actor: Any, letter: DecisionLetter, source: str = "") -> DecisionLetter:
    """Release the letter to the applicant (download on their case page, e-mail notice without data)."""
    from amtsweg.cases.tasks import notify_applicant_letter

    case = letter.case
    require(can_work_case(actor, case), _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    if letter.sent_at is not None:
        return letter
    with transaction.atomic():
        letter.sent_at = timezone.now()
        letter.save(update_fields=["sent_at", "updated_at"])
        audit_record(
            actor=actor,
            action="case.letter_sent",
            obj=case,
            changes={"letter": str(letter.pk)},
            authority_id=case.authority_id,
            source=source,
        )
        notify_applicant_letter.enqueue(str(letter.pk))
    return letter


# ---- configuration: routing rules, case settings, letter templates (admin) ------------------------------


def _condition_problems(condition: Any) -> list[str]:
    if condition in (None, {}):
        return []
    if not isinstance(condition, dict) or not ({"field", "all", "any", "not"} & set(condition)):
        return [_("Die Bedingung muss ein Objekt mit „field“/„op“ oder „all“, „any“, „not“ sein.")]
    if "field" in condition and condition.get("op") not in CONDITION_OPS:
        return [_("Unbekannter Vergleich „%(op)s“.") % {"op": condition.get("op")}]
    for key in ("all", "any"):
        if key in condition:
            parts = condition[key]
            if not isinstance(parts, list):
                return [_("„%(key)s“ braucht eine Liste von Bedingungen.") % {"key": key}]
            return [problem for part in parts for problem in _condition_problems(part)]
    if "not" in condition:
        return _condition_problems(condition["not"])
    return []


def routing_rule_save(*, actor: Any, rule: RoutingRule, source: str = "") -> RoutingRule:
    """Create or change a routing rule of ``rule.authority`` (Fachadministration of that authority)."""
    require(
        can_manage_routing(actor, rule.authority_id),
        _("Sie dürfen die Verteilregeln dieser Behörde nicht ändern."),
    )
    problems = _condition_problems(rule.condition)
    if rule.target_org_unit is not None and rule.target_org_unit.authority_id != rule.target_authority_id:
        problems.append(_("Die Ziel-Organisationseinheit gehört nicht zur Ziel-Behörde."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        rule.full_clean()
        created = rule.pk is None
        rule.save()
        audit_record(
            actor=actor,
            action="routing_rule.created" if created else "routing_rule.changed",
            obj=rule,
            changes={
                "position": rule.position,
                "target_org_unit": rule.target_org_unit_id,
                "active": rule.is_active,
            },
            authority_id=rule.authority_id,
            source=source,
        )
        transaction.on_commit(rules_memo_clear)
    rules_memo_clear()
    return rule


def routing_rule_delete(*, actor: Any, rule: RoutingRule, source: str = "") -> None:
    require(
        can_manage_routing(actor, rule.authority_id),
        _("Sie dürfen die Verteilregeln dieser Behörde nicht ändern."),
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="routing_rule.deleted",
            obj=rule,
            authority_id=rule.authority_id,
            source=source,
        )
        rule.delete()
        transaction.on_commit(rules_memo_clear)
    rules_memo_clear()


def case_config_save(
    *, actor: Any, obj: ServiceCaseSettings | LetterTemplate | LegalRemedy, source: str = ""
) -> Any:
    """Save case settings of a service (owned by the service's authority), a letter template or a legal
    remedy (owned by their authority); the model's ``clean`` checks templates and remedies."""
    authority_id = obj.authority_id if isinstance(obj, LetterTemplate | LegalRemedy) else obj.service.owner_id
    require(can_manage_routing(actor, authority_id), _("Sie dürfen diese Einstellungen nicht ändern."))
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=f"{obj._meta.model_name}.saved",
            obj=obj,
            authority_id=authority_id,
            source=source,
        )
    _settings_memo.clear()
    return obj


def case_config_delete(
    *, actor: Any, obj: ServiceCaseSettings | LetterTemplate | LegalRemedy, source: str = ""
) -> None:
    authority_id = obj.authority_id if isinstance(obj, LetterTemplate | LegalRemedy) else obj.service.owner_id
    require(can_manage_routing(actor, authority_id), _("Sie dürfen diese Einstellungen nicht ändern."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"{obj._meta.model_name}.deleted",
            obj=obj,
            authority_id=authority_id,
            source=source,
        )
        obj.delete()
    _settings_memo.clear()
