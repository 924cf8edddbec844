"""The caseworker's back office: inbox, "Meine Vorgänge", the case page and the actions on a case.

Every page needs a staff login with the verified second factor of this session and a role with cases
(like the admin and the strategy cockpit). Views parse input, call selectors (:mod:`amtsweg.cases.inbox`,
:mod:`amtsweg.cases.selectors`) and the domain functions of :mod:`amtsweg.cases.services` (one per
action: ``case_decide``, ``case_ask`` …) with a typed :class:`~amtsweg.core.actors.Actor`, and render;
who may do what is decided in :mod:`amtsweg.access.permissions` only. A case the actor may not see answers
404, so a guessed reference reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtsweg.access.permissions import Perm, can_assign_cases, can_view_case, can_work_case, has_any
from amtsweg.access.twofactor import needs_second_factor
from amtsweg.cases import hooks, selectors, services, states, views_letters
from amtsweg.cases import inbox as inbox_selectors
from amtsweg.cases.forms import (
    AssignForm,
    BulkAssignForm,
    ForwardForm,
    InboxFilterForm,
    MessageForm,
    NoteForm,
    TransitionForm,
)
from amtsweg.cases.letters import LetterTemplateError, letter_templates_for
from amtsweg.cases.models import Case, CaseDocument, DecisionLetter, Status
from amtsweg.core.actors import Actor
from amtsweg.core.audit import request_source
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec
from amtsweg.payments.selectors import payment_summary
from amtsweg.submissions.models import Attachment
from amtsweg.submissions.receipts import format_value
from amtsweg.tenants.models import OrgUnit

View = Callable[..., HttpResponseBase]
PREVIEW_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def staff_case_view(view: View) -> View:
    """Staff with a verified second factor and a role with cases; login first, never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        verified = needs_second_factor(user) and user.is_verified()
        if not verified or not has_any(user, Perm.CASE_VIEW):
            raise PermissionDenied(
                _(
                    "Die Vorgangsbearbeitung ist nur für Beschäftigte mit einer Rolle der "
                    "Sachbearbeitung zugänglich."
                )
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


_person = inbox_selectors.person_name


# ---- inbox --------------------------------------------------------------------------------------


def _inbox(request: HttpRequest, *, mine: bool) -> HttpResponse:
    form = InboxFilterForm(
        request.GET or None,
        services=inbox_selectors.service_choices(request.user),
        municipalities=inbox_selectors.municipality_choices(request.user),
    )
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = inbox_selectors.InboxFilters(
            status=data["status"] or "",
            service=data["leistung"],
            municipality=data["gemeinde"],
            due=data["frist"] or "",
            query=data["q"] or "",
            mine=mine,
            sort=data["sortierung"] or "frist",
        )
    else:
        if form.is_bound:
            status = 400
        filters = inbox_selectors.InboxFilters(mine=mine)
    today = timezone.localdate()
    page = inbox_selectors.inbox_page(
        actor=request.user,
        filters=filters,
        after=request.GET.get("nach", "")[:200],
        before=request.GET.get("vor", "")[:200],
        today=today,
    )
    user: Any = request.user
    may_assign = has_any(user, Perm.CASE_ASSIGN)
    params = filters.params()
    here = reverse("cases:mine" if mine else "cases:inbox")
    unread = selectors.cases_with_unread_reply([case.pk for case in page.cases])
    rows = [
        (case, selectors.deadline_flags(case, today) | {"unread_reply": case.pk in unread})
        for case in page.cases
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "mine": mine,
        "may_assign": may_assign,
        "assign_form": BulkAssignForm(
            references=[c.reference for c in page.cases],
            colleagues=inbox_selectors.team_colleagues(user) if may_assign else [],
        )
        if may_assign
        else None,
        "next_url": f"{here}?{urlencode({**params, 'nach': page.next_cursor})}" if page.next_cursor else "",
        "previous_url": f"{here}?{urlencode({**params, 'vor': page.previous_cursor})}"
        if page.previous_cursor
        else "",
        "first_url": f"{here}?{urlencode(params)}" if params else here,
        "filtered": bool(params),
        "back": request.get_full_path(),
    }
    return render(request, "cases/inbox.html", context, status=status)


@staff_case_view
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """Posteingang: the open cases of the actor's units, by deadline."""
    return _inbox(request, mine=False)


@staff_case_view
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """Meine Vorgänge: the cases assigned to the actor."""
    return _inbox(request, mine=True)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("zurueck", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@staff_case_view
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Teamleitung: assign the ticked cases to one colleague (each through ``case_assign``)."""
    user: Any = request.user
    if not has_any(user, Perm.CASE_ASSIGN):
        raise PermissionDenied(_("Nur die Teamleitung weist Vorgänge zu."))
    references = [r[:32] for r in request.POST.getlist("vorgang")][:100]
    form = BulkAssignForm(
        request.POST, references=references, colleagues=inbox_selectors.team_colleagues(user)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(request, reverse("cases:inbox"))
    assignee = get_user_model()._default_manager.get(pk=int(form.cleaned_data["bearbeitung"]))
    done, refused = 0, []
    for case in selectors.cases_visible(user).filter(reference__in=form.cleaned_data["vorgang"]):
        try:
            services.case_assign(
                actor=Actor.of_user(user), case=case, assignee=assignee, source=request_source(request, "web")
            )
            done += 1
        except (PermissionDenied, ValidationError):
            refused.append(case.reference)
    if done:
        messages.success(
            request,
            _("%(count)d Vorgänge an %(name)s zugewiesen.") % {"count": done, "name": _person(assignee)}
            if done != 1
            else _("Ein Vorgang an %(name)s zugewiesen.") % {"name": _person(assignee)},
        )
    if refused:
        messages.error(
            request, _("Nicht zugewiesen (keine Berechtigung): %(list)s") % {"list": ", ".join(refused)}
        )
    return _back(request, reverse("cases:inbox"))


# ---- the case page ------------------------------------------------------------------------------


@dataclass
class DataItem:
    """One answer (``kind == "field"``) or group of answers as the form showed them."""

    label: str
    kind: str = "field"
    value: str = ""
    files: list[Attachment] = field(default_factory=list)
    items: list[DataItem] = field(default_factory=list)


def data_items(spec: FormSpec, data: Any, attachments: dict[str, Attachment]) -> list[DataItem]:
    """The submitted answers in the order, groups and repetitions of the form version they were made in."""

    def walk(group: GroupSpec, values: Any) -> list[DataItem]:
        values = values if isinstance(values, dict) else {}
        items: list[DataItem] = []
        for child in group.children:
            element, value = child.element, values.get(child.key)
            if isinstance(element, GroupSpec):
                label = element.label or element.name
                if child.repeating:
                    for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
                        items.append(DataItem(f"{label} {number}", "group", items=walk(element, entry)))
                elif inner := walk(element, value):
                    items.append(DataItem(label, "group", items=inner))
                continue
            if not isinstance(element, FieldSpec) or element.datatype == "label":
                continue
            if value is None or value == "" or value == []:
                continue
            item = DataItem(element.label or element.name)
            if element.datatype == "file":
                ids = value if isinstance(value, list) else [value]
                item.files = [attachments[str(i)] for i in ids if str(i) in attachments]
            else:
                item.value = format_value(value, element, spec, attachments)
            items.append(item)
        return items

    return walk(spec.root, data)


def _case_for(request: HttpRequest, reference: str) -> Case:
    case = (
        selectors.cases_visible(request.user)
        .select_related("submission__form_version__form", "submission__municipality", "applicant")
        .filter(reference=reference[:32])
        .first()
    )
    if case is None or not can_view_case(request.user, case.authority_id, case.org_unit_id):
        raise Http404(_("Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return case


def _forward_units(case: Case) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    units = OrgUnit.objects.select_related("authority")
    if case.org_unit_id is not None:
        units = units.exclude(pk=case.org_unit_id)
    for unit in units.order_by("authority__name", "number", "name"):
        label = f"{unit.number} {unit.name}".strip()
        groups.setdefault(unit.authority.name, []).append((unit.pk, label))
    return list(groups.items())


def _case_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user: Any = request.user
    submission = case.submission
    spec = submission.form_version.spec()
    attachments = list(submission.attachments.all())
    may_work = can_work_case(user, case)
    may_assign = can_assign_cases(user, case.authority_id, case.org_unit_id)
    steps = services.allowed_steps(user, case) if may_work else []
    labels = dict(Status.choices)
    events = list(case.events.select_related("actor").order_by("-at", "-id"))
    for event in events:
        event.to_label = labels.get(event.to_status, "")  # type: ignore[attr-defined]
    context = {
        "case": case,
        "submission": submission,
        "spec": spec,
        "items": data_items(spec, submission.data, {str(a.pk): a for a in attachments}),
        "attachments": attachments,
        "documents": list(case.documents.select_related("message").all()),
        "events": events,
        "notes": list(case.notes.select_related("author").all()),
        "thread": list(case.messages.select_related("author").prefetch_related("documents").all()),
        "letters": list(case.letters.all()),
        "payment": payment_summary(submission),
        "flags": selectors.deadline_flags(case),
        "channel_details": hooks.channel_details(case),
        "applicant_reachable": bool(selectors.applicant_email(case)),
        "steps": [s for s in steps if states.STAFF in s.by],
        "may_work": may_work,
        "may_assign": may_assign,
        "assigned_to_me": case.assignee_id == user.pk,
        "preview_types": PREVIEW_TYPES,
        "note_form": NoteForm(),
        "message_form": MessageForm(),
        "assign_form": AssignForm(colleagues=inbox_selectors.colleagues(case.authority_id, case.org_unit_id))
        if may_assign
        else None,
    }
    context.update(extra)
    return context


@staff_case_view
@require_safe
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    services.case_messages_mark_read(actor=Actor.of_user(request.user), case=case)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _rerender(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(request, "cases/case_detail.html", _case_context(request, case, **forms), status=400)


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:case", args=[case.reference]) + (f"#{anchor}" if anchor else "")


@staff_case_view
@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, note_form=form)
    try:
        services.case_note_add(
            actor=Actor.of_user(request.user),
            case=case,
            text=form.cleaned_data["text"],
            source=request_source(request, "web"),
        )
    except ValidationError as error:
        form.add_error("text", error)
        return _rerender(request, case, note_form=form)
    messages.success(request, _("Der Vermerk ist gespeichert."))
    return redirect(_case_url(case, "vermerke"))


@staff_case_view
@require_POST
def case_links_revoke(request: HttpRequest, reference: str) -> HttpResponse:
    """Block the applicant's access links (applicants without an account)."""
    case = _case_for(request, reference)
    try:
        services.case_applicant_links_revoke(
            actor=Actor.of_user(request.user), case=case, source=request_source(request, "web")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Die bisherigen Zugangslinks sind gesperrt. Mit der nächsten Nachricht erhält die "
                "antragstellende Person einen neuen Link."
            ),
        )
    return redirect(_case_url(case))


@staff_case_view
@require_POST
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, message_form=form)
    try:
        services.case_message_send(
            actor=Actor.of_user(request.user),
            case=case,
            text=form.cleaned_data["text"],
            files=request.FILES.getlist("nachricht-dateien"),
            source=request_source(request, "web"),
        )
    except ValidationError as error:
        form.add_error("text", error)
        return _rerender(request, case, message_form=form)
    if not _warn_if_unreachable(
        request,
        case,
        _("Die Nachricht ist gespeichert, erreicht die antragstellende Person aber nicht elektronisch."),
    ):
        messages.success(request, _("Die Nachricht ist gesendet."))
    return redirect(_case_url(case, "nachrichten"))


def _warn_if_unreachable(request: HttpRequest, case: Case, what: str) -> bool:
    """No silent drop: when no e-mail address of the applicant is known (e.g. a FIT-Connect reply channel
    Amtsweg cannot use), nobody is told about a message, Rückfrage or decision – the caseworker is told
    instead, with the reply channel the case names, and asked to send it by post."""
    if selectors.applicant_email(case):
        return False
    notes = [d.reply_note for d in hooks.channel_details(case) if d.reply_note]
    messages.warning(
        request,
        _("%(what)s Für diesen Antrag ist keine E-Mail-Adresse bekannt. %(hint)s")
        % {"what": what, "hint": " ".join(notes) or _("Bitte senden Sie das Schreiben per Post.")},
    )
    return True


@staff_case_view
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    """ "Mir zuweisen", "Zuweisung aufheben" or (Teamleitung) assign to a colleague."""
    case = _case_for(request, reference)
    user: Any = request.user
    action = request.POST.get("aktion", "")
    assignee: Any
    if action == "mir":
        assignee = user
    elif action == "aufheben":
        assignee = None
    else:
        form = AssignForm(
            request.POST, colleagues=inbox_selectors.colleagues(case.authority_id, case.org_unit_id)
        )
        if not form.is_valid():
            return _rerender(request, case, assign_form=form)
        assignee = get_user_model()._default_manager.get(pk=int(form.cleaned_data["bearbeitung"]))
    try:
        services.case_assign(
            actor=Actor.of_user(user), case=case, assignee=assignee, source=request_source(request, "web")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_case_url(case))
    if assignee is None:
        messages.success(request, _("Die Zuweisung ist aufgehoben."))
    else:
        messages.success(request, _("Der Vorgang ist %(name)s zugewiesen.") % {"name": _person(assignee)})
    return redirect(_case_url(case))


@staff_case_view
@require_http_methods(["GET", "HEAD", "POST"])
def case_transition(request: HttpRequest, reference: str, target: str) -> HttpResponse:
    """A status change: simple steps post straight from the case page; a Rückfrage and a decision
    show a form first (question; decision, reasons, letter template and a confirmation)."""
    case = _case_for(request, reference)
    step = next((s for s in services.allowed_steps(request.user, case) if s.target == target), None)
    if step is None or states.STAFF not in step.by:
        raise Http404(_("Diesen Schritt gibt es für diesen Vorgang gerade nicht."))
    templates = letter_templates_for(case) if step.needs_decision else []
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        needs_text=step.needs_text,
        needs_decision=step.needs_decision,
        templates=[(t.pk, t.name) for t in templates],
        confirm=views_letters.action(request) == views_letters.SEND,
    )
    simple = not (step.needs_text or step.needs_decision)
    if step.needs_decision and request.method == "POST":
        # A decision is sent only after its letter was previewed and confirmed (views_letters).
        preview = views_letters.decision_preview(
            request, case=case, step=step, form=form, templates=templates
        )
        if preview is not None:
            return preview
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor, source = Actor.of_user(request.user), request_source(request, "web")
        try:
            if step.needs_decision:
                services.case_decide(
                    actor=actor,
                    case=case,
                    decision=data["entscheidung"],
                    reasons=data.get("begruendung") or "",
                    template=next((t for t in templates if t.pk == data.get("vorlage")), None),
                    source=source,
                )
                if not _warn_if_unreachable(
                    request,
                    case,
                    _(
                        "Die Entscheidung ist gespeichert; der Bescheid erreicht die antragstellende Person "
                        "aber nicht elektronisch."
                    ),
                ):
                    messages.success(
                        request, _("Die Entscheidung ist gespeichert und der Bescheid zugestellt.")
                    )
            else:
                if step.needs_text:
                    services.case_ask(
                        actor=actor,
                        case=case,
                        question=data.get("text") or "",
                        reply_due=data.get("antwort_bis"),
                        source=source,
                    )
                    _warn_if_unreachable(
                        request,
                        case,
                        _(
                            "Die Rückfrage ist gespeichert, erreicht die antragstellende Person aber nicht "
                            "elektronisch."
                        ),
                    )
                elif target == Status.IN_PRUEFUNG:
                    services.case_review_start(actor=actor, case=case, source=source)
                elif target == Status.ABGESCHLOSSEN:
                    services.case_close(actor=actor, case=case, source=source)
                else:
                    services.case_transition(actor=actor, case=case, to=target, source=source)
                messages.success(
                    request, _("Der Status ist jetzt „%(status)s“.") % {"status": Status(target).label}
                )
            return redirect(_case_url(case))
        except (services.TransitionNotAllowed, LetterTemplateError, ValidationError) as error:
            message = getattr(error, "message", None) or " ".join(getattr(error, "messages", [str(error)]))
            # A ValidationError of a Rückfrage concerns the reply deadline the caseworker chose.
            field_name = "antwort_bis" if step.needs_text and isinstance(error, ValidationError) else None
            form.add_error(field_name, message)
    if simple and request.method == "POST":
        return _rerender(request, case)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/case_transition.html", {"case": case, "step": step, "form": form}, status=status
    )


@staff_case_view
@require_http_methods(["GET", "HEAD", "POST"])
def case_forward(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for(request, reference)
    if not can_work_case(request.user, case):
        raise PermissionDenied(_("Sie dürfen diesen Vorgang nicht weiterleiten."))
    groups = _forward_units(case)
    form = ForwardForm(
        request.POST if request.method == "POST" else None,
        units=list(groups),
    )
    if request.method == "POST" and form.is_valid():
        unit = OrgUnit.objects.filter(pk=form.cleaned_data["stelle"]).first()
        try:
            if unit is None:
                raise ValidationError(_("Diese Stelle gibt es nicht."))
            services.case_forward(
                actor=Actor.of_user(request.user),
                case=case,
                to_org_unit=unit,
                reason=form.cleaned_data["grund"],
                source=request_source(request, "web"),
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Der Vorgang %(reference)s ist an %(unit)s weitergeleitet.")
                % {"reference": case.reference, "unit": unit.name},
            )
            return redirect("cases:inbox")
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/case_forward.html", {"case": case, "form": form}, status=status)


# ---- files ------------------------------------------------------------------------------------------


def _file_response(file: Any, name: str, content_type: str, download: bool) -> FileResponse:
    inline = not download and content_type in PREVIEW_TYPES
    # Only types sniffed from the content are shown inline (PDF, PNG, JPEG); nosniff is set site-wide.
    return FileResponse(file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type)


@staff_case_view
@require_safe
def case_file(request: HttpRequest, reference: str, file_id: Any) -> FileResponse:
    """An uploaded file of the case (application attachment or message document): inline preview for
    PDF and images, download with ``?herunterladen=1``."""
    case = _case_for(request, reference)
    download = request.GET.get("herunterladen") == "1"
    attachment = Attachment.objects.filter(pk=file_id, submission_id=case.submission_id).first()
    if attachment is not None:
        return _file_response(attachment.file, attachment.original_name, attachment.content_type, download)
    document = CaseDocument.objects.filter(pk=file_id, case=case).first()
    if document is None:
        raise Http404(_("Diese Datei gibt es in diesem Vorgang nicht."))
    return _file_response(document.file, document.original_name, document.content_type, download)


@staff_case_view
@require_safe
def case_letter(request: HttpRequest, reference: str, letter_id: Any) -> FileResponse:
    case = _case_for(request, reference)
    letter = DecisionLetter.objects.filter(pk=letter_id, case=case).exclude(pdf="").first()
    if letter is None:
        raise Http404(_("Diesen Bescheid gibt es nicht."))
    return _file_response(
        letter.pdf,
        f"Bescheid-{case.reference}.pdf",
        "application/pdf",
        request.GET.get("herunterladen") == "1",
    )
