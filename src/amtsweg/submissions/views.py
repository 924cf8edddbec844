"""The applicant's way through a form: start, steps, summary, submit, "Meine Anträge", resume link.

Every page works without JavaScript: each button is a submit button with an ``action`` value (see
:mod:`amtsweg.submissions.forms`). With htmx, adding or removing an entry of a repeating group and
answering a question that shows or hides others re-render only the fields of the step
(``HX-Request``); "Weiter" always loads the next page the ordinary way.

Who may open a draft: its account, or – without an account – the browser session that started it or
used its resume link. Anyone else gets 404, as if the draft did not exist.

Saving: every button of a step stores what could be read (valid-typed values), also when the step
has errors; the errors are shown and the step counts as not done until "Weiter" finds it complete.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtsweg.access.login import client_ip
from amtsweg.accounts.selectors import acting_for
from amtsweg.core.actors import ANONYMOUS_APPLICANT_LABEL, Actor
from amtsweg.core.text import is_index
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.selectors import published_versions
from amtsweg.forms.spec import FormSpec, StepSpec
from amtsweg.submissions import drafts
from amtsweg.submissions.forms import (
    Attached,
    StartForm,
    StepBuilder,
    StepReader,
    controlling_fields,
    rule_effects,
    visible_paths,
)
from amtsweg.submissions.hooks import submission_statuses, summary_notices
from amtsweg.submissions.models import Attachment, Draft, Submission
from amtsweg.submissions.paths import get_at, set_at, summary_sections
from amtsweg.submissions.uploads import attachment_add, attachment_remove
from amtsweg.submissions.views_receipt import SUBMITTED_SESSION_KEY

GET_POST = ["GET", "HEAD", "POST"]
SUMMARY = "zusammenfassung"


def _steps(spec: FormSpec) -> list[StepSpec]:
    from amtsweg.forms.steps import steps_for

    return list(steps_for(spec))


def _validate(
    version: FormVersion, data: dict[str, Any], paths: set[str] | None = None
) -> dict[str, list[str]]:
    """Errors by concrete path with dots only (``kinder.1.name``; the validator writes ``kinder[1].name``)."""
    from amtsweg.forms.validation import validate_version

    errors: dict[str, list[str]] = {}
    for error in validate_version(version, data, paths=paths):
        path = error.path.replace("[", ".").replace("]", "").strip(".")
        errors.setdefault(path, []).append(error.message)
    return errors


def _prune(spec: FormSpec, data: dict[str, Any]) -> dict[str, Any]:
    from amtsweg.forms.validation import prune_hidden

    return prune_hidden(spec, data)


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _citizen_or_anonymous(request: HttpRequest) -> Any:
    """The acting account (``None`` without login); staff accounts do not apply for themselves here."""
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "kind", "") != "buerger":
        raise PermissionDenied(_("Anträge stellen Sie mit einem Bürgerkonto oder ohne Anmeldung."))
    return user


# ---- access ------------------------------------------------------------------------------------------


class DraftExpired(Exception):
    def __init__(self, draft: Draft) -> None:
        self.draft = draft


def _session_drafts(request: HttpRequest) -> list[str]:
    return list(request.session.get(drafts.SESSION_KEY, []))


def _remember(request: HttpRequest, draft: Draft) -> None:
    ids = [i for i in _session_drafts(request) if i != str(draft.pk)]
    request.session[drafts.SESSION_KEY] = [*ids, str(draft.pk)][-drafts.SESSION_LIMIT :]


def _may_open(request: HttpRequest, draft: Draft) -> bool:
    if draft.applicant_id is not None:
        return bool(request.user.is_authenticated and request.user.pk == draft.applicant_id)
    return str(draft.pk) in _session_drafts(request)


def _draft_for(request: HttpRequest, draft_id: Any) -> Draft:
    draft = (
        Draft.objects.select_related("form_version", "form_version__form", "form_version__form__service")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or not _may_open(request, draft):
        raise Http404(_("Diesen Antrag gibt es nicht oder Sie haben keinen Zugriff darauf."))
    if drafts.draft_is_expired(draft):
        raise DraftExpired(draft)
    return draft


def _expired(request: HttpRequest, draft: Draft | None) -> HttpResponse:
    form = draft.form_version.form if draft is not None else None
    return render(
        request,
        "submissions/expired.html",
        {"form": form, "draft_days": settings.AMTSWEG_DRAFT_DAYS},
        status=410,
    )


def _with_draft(view: Any) -> Any:
    """Resolve ``draft_id`` to a draft the requester may open; expired drafts answer 410, submitted ones
    lead to their receipt."""

    def wrapped(request: HttpRequest, draft_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            draft = _draft_for(request, draft_id)
        except DraftExpired as expired:
            return _expired(request, expired.draft)
        except Http404:
            # The browser's Back button after submitting: the draft is gone, show the receipt instead.
            from amtsweg.submissions.services import submission_for_draft

            done = submission_for_draft(draft_id)
            if done is not None and _may_see_submission(request, done, draft_id):
                return redirect("submissions:receipt", done.pk)
            raise
        response: HttpResponse = view(request, draft, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _step_url(draft: Draft, key: str) -> str:
    return reverse("submissions:step", args=[draft.pk, key])


def _first_incomplete(draft: Draft, steps: list[StepSpec]) -> StepSpec | None:
    return next((step for step in steps if step.key not in draft.completed_steps), None)


def _redirect_to_incomplete(request: HttpRequest, draft: Draft, step: StepSpec) -> HttpResponse:
    messages.warning(
        request,
        _("Bitte füllen Sie zuerst den Schritt „%(title)s“ vollständig aus.") % {"title": step.title},
    )
    return redirect(_step_url(draft, step.key))


# ---- start ---------------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """``/antrag/``: every form that can be filled in online, by title, with its service."""
    versions = (
        published_versions().select_related("form__service__owner").order_by("form__title", "-published_at")
    )
    seen: set[int] = set()
    forms = []
    for version in versions:
        if version.form_id in seen:
            continue
        seen.add(version.form_id)
        forms.append({"form": version.form, "description": version.spec().description})
    return render(request, "submissions/index.html", {"forms": forms})


def _published(form_key: str) -> tuple[Form, FormVersion]:
    form = get_object_or_404(Form.objects.select_related("service"), key=form_key)
    version = form.published_version()
    if version is None:
        raise Http404(_("Dieses Formular ist nicht veröffentlicht."))
    return form, version


@never_cache
@require_http_methods(GET_POST)
def start(request: HttpRequest, form_key: str) -> HttpResponse:
    """What the form asks for, then: log in, or go on without an account (e-mail for the resume link)."""
    form, version = _published(form_key)
    actor = _citizen_or_anonymous(request)
    spec = version.spec()
    start_form = StartForm(
        request.POST if request.method == "POST" else None,
        anonymous=actor is None,
        initial={
            "gemeinde": request.GET.get("gemeinde", "")
            or (actor.municipality.slug if actor is not None and actor.municipality else ""),
            "frage": request.GET.get("frage", "")[:5000],
        },
    )
    if request.method == "POST" and start_form.is_valid():
        draft, _token = drafts.draft_start(
            form_version=version,
            actor=actor,
            municipality=start_form.cleaned_data["municipality"],
            email=start_form.cleaned_data.get("email", ""),
            organisation=acting_for(request) if actor is not None else None,
            text=start_form.cleaned_data.get("frage", ""),
        )
        _remember(request, draft)
        if draft.data:
            messages.info(
                request,
                _(
                    "Einige Angaben haben wir aus Ihrem Konto übernommen. "
                    "Bitte prüfen Sie sie und ändern Sie sie bei Bedarf."
                ),
            )
        steps = _steps(spec)
        return redirect(
            _step_url(draft, steps[0].key) if steps else reverse("submissions:summary", args=[draft.pk])
        )
    open_drafts = (
        Draft.objects.filter(applicant=actor, form_version__form=form, expires_at__gt=timezone.now())
        if actor is not None
        else Draft.objects.filter(
            pk__in=_session_drafts(request), form_version__form=form, expires_at__gt=timezone.now()
        )
    )
    steps = _steps(spec)
    files = [f for _path, f in spec.fields() if f.datatype == "file"]
    return render(
        request,
        "submissions/start.html",
        {
            "form": form,
            "version": version,
            "spec": spec,
            "steps": steps,
            "file_fields": files,
            "minutes": max(5, round(len(spec.fields()) / 3 / 5) * 5),
            "start_form": start_form,
            "open_drafts": list(open_drafts.order_by("-updated_at")[:3]),
            "draft_days": settings.AMTSWEG_DRAFT_DAYS,
            "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()}),
        },
        status=400 if start_form.errors else 200,
    )


# ---- steps ---------------------------------------------------------------------------------------------


def _attachments(draft: Draft) -> dict[str, Attached]:
    return {
        str(a.pk): Attached(id=str(a.pk), name=a.original_name, size=a.size)
        for a in draft.attachments.filter(submission__isnull=True)
    }


def _step_context(
    request: HttpRequest,
    draft: Draft,
    steps: list[StepSpec],
    index: int,
    data: dict[str, Any],
    *,
    raw: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    focus: str = "",
) -> dict[str, Any]:
    spec = draft.form_version.spec()
    step = steps[index]
    hidden, required = rule_effects(spec, data)
    errors = errors or {}
    nodes = StepBuilder(
        spec,
        data,
        raw=raw,
        errors=errors,
        hidden=hidden,
        required=required,
        controls=controlling_fields(spec),
        attachments=_attachments(draft),
    ).build(step.children)
    summary = _error_list(nodes, errors)
    return {
        "draft": draft,
        "form": draft.form_version.form,
        "spec": spec,
        "steps": steps,
        "step": step,
        "index": index,
        "number": index + 1,
        "nodes": nodes,
        "error_list": summary,
        "focus": focus,
        "step_url": _step_url(draft, step.key),
        "previous_url": _step_url(draft, steps[index - 1].key) if index > 0 else "",
        "is_last": index == len(steps) - 1,
        "has_files": any(f.datatype == "file" for _p, f in spec.fields()),
        "completed": set(draft.completed_steps),
    }


def _error_list(nodes: list[Any], errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(anchor id, message) in the order of the page; errors of fields not on the page come last."""
    listed: list[tuple[str, str]] = []
    seen: set[str] = set()

    def walk(items: list[Any]) -> None:
        for node in items:
            seen.add(node.path)
            for message in node.errors:
                target = node.options[0].id if getattr(node, "options", None) else node.id
                listed.append((target, message))
            if node.kind == "group":
                walk(node.children)
                for instance in node.instances:
                    walk(instance.children)

    walk(nodes)
    for path, path_errors in errors.items():
        if path not in seen:
            listed.extend(("schritt-felder", message) for message in path_errors)
    return listed


def _render_step(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = "submissions/_step_fields.html" if _wants_fragment(request) else "submissions/step.html"
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(GET_POST)
@_with_draft
def step(request: HttpRequest, draft: Draft, step_key: str) -> HttpResponse:
    spec = draft.form_version.spec()
    steps = _steps(spec)
    index = next((i for i, s in enumerate(steps) if s.key == step_key), None)
    if index is None:
        raise Http404(_("Diesen Schritt gibt es in diesem Formular nicht."))
    incomplete = _first_incomplete(draft, steps[:index])
    if incomplete is not None:
        return _redirect_to_incomplete(request, draft, incomplete)
    if request.method != "POST":
        return _render_step(request, _step_context(request, draft, steps, index, draft.data))
    return _step_post(request, draft, steps, index)


def _step_post(request: HttpRequest, draft: Draft, steps: list[StepSpec], index: int) -> HttpResponse:
    spec = draft.form_version.spec()
    current = steps[index]
    action = request.POST.get("action", "weiter")
    before = dict(draft.data)
    parsed = StepReader(spec, request.POST, request.FILES, before).read(current.children)
    data = {k: v for k, v in before.items() if k not in current.children}
    data.update(parsed.data)
    errors = parsed.errors
    actor = request.user if request.user.is_authenticated else None

    for path, upload in parsed.uploads:
        try:
            attachment = attachment_add(draft=draft, field_path=path, file=upload, actor=actor)
        except ValidationError as error:
            errors.setdefault(path, []).extend(error.messages)
            continue
        value = get_at(data, path)
        if _repeating_field(spec, path):
            set_at(data, path, [*(value or []), str(attachment.pk)])
        else:
            if value:
                _remove_attachment(draft, value, actor)
            set_at(data, path, str(attachment.pk))

    focus = ""
    if action.startswith("remove-file:"):
        path, _sep, file_id = action.removeprefix("remove-file:").partition("|")
        value = get_at(data, path)
        ids = value if isinstance(value, list) else [value]
        if file_id in ids:
            _remove_attachment(draft, file_id, actor)
            remaining = [i for i in ids if i != file_id]
            set_at(data, path, remaining if isinstance(value, list) else None)
    elif action.startswith("add:"):
        path = action.removeprefix("add:")
        items = get_at(data, path)
        items = items if isinstance(items, list) else []
        child = spec.element_at(_spec_path(path))
        if child is not None and child.repeating and len(items) < _bound(child):
            items.append({})
            set_at(data, path, items)
            focus = f"{path}.{len(items) - 1}"
    elif action.startswith("remove:"):
        path, _sep, position = action.removeprefix("remove:").rpartition(".")
        items = get_at(data, path)
        child = spec.element_at(_spec_path(path))
        in_range = isinstance(items, list) and is_index(position) and int(position) < len(items)
        if in_range and (child is None or len(items) > child.min):
            items.pop(int(position))  # its uploads go below, with the unreferenced ones
            set_at(data, path, items)
            focus = path

    data = _prune(spec, data)
    _drop_unreferenced_attachments(draft, data, actor)

    if action == "speichern":
        drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=None)
        return _save_for_later(request, draft)
    if action == "zurueck":
        drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=None)
        target = (
            _step_url(draft, steps[index - 1].key)
            if index > 0
            else reverse("submissions:start", args=[draft.form_version.form.key])
        )
        return redirect(target)
    if action != "weiter":
        # add / remove / refresh: show the step again with what changed, without judging it yet.
        drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=None)
        context = _step_context(
            request,
            draft,
            steps,
            index,
            data,
            raw=_raw_without_removed(parsed.raw, action),
            errors=errors,
            focus=focus,
        )
        return _render_step(request, context, status=400 if errors else 200)

    shown_before = visible_paths(spec, before, current.children)
    shown_now = visible_paths(spec, data, current.children)
    if shown_now - shown_before and not _wants_fragment(request):
        # The answers brought up new questions on this step: show them instead of moving on.
        drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=False)
        messages.info(
            request, _("Nach Ihren Angaben brauchen wir noch ein paar weitere Angaben auf dieser Seite.")
        )
        context = _step_context(request, draft, steps, index, data, raw=parsed.raw, errors=errors)
        return _render_step(request, context, status=400 if errors else 200)

    for path, path_errors in _validate(draft.form_version, data, paths=set(current.children)).items():
        if path not in errors:
            errors[path] = path_errors
    if errors:
        drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=False)
        context = _step_context(request, draft, steps, index, data, raw=parsed.raw, errors=errors)
        return _render_step(request, context, status=400)
    drafts.draft_save_step(draft=draft, data=data, step_key=current.key, complete=True)
    following = _first_incomplete(draft, steps[index + 1 :])
    if index + 1 < len(steps) and (following is not None or request.POST.get("zurueck_zur") != SUMMARY):
        return redirect(_step_url(draft, steps[index + 1].key))
    return redirect("submissions:summary", draft.pk)


def _raw_without_removed(raw: dict[str, str], action: str) -> dict[str, str]:
    """After removing entry ``kinder.1`` the typed texts of later entries moved up: drop them all."""
    if not action.startswith("remove:"):
        return raw
    path = action.removeprefix("remove:").rpartition(".")[0] + "."
    return {k: v for k, v in raw.items() if not k.startswith(path)}


def _spec_path(path: str) -> str:
    return ".".join(part for part in path.split(".") if not is_index(part))


def _bound(child: Any) -> int:
    from amtsweg.submissions.forms import upper_bound

    return upper_bound(child)


def _repeating_field(spec: FormSpec, path: str) -> bool:
    child = spec.element_at(_spec_path(path))
    return bool(child is not None and child.repeating)


def _remove_attachment(draft: Draft, value: Any, actor: Any) -> None:
    ids = [i for i in (value if isinstance(value, list) else [value]) if isinstance(i, str) and _is_uuid(i)]
    for attachment in Attachment.objects.filter(draft=draft, submission__isnull=True, pk__in=ids):
        attachment_remove(attachment=attachment, actor=actor)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _drop_unreferenced_attachments(draft: Draft, data: dict[str, Any], actor: Any) -> None:
    """Uploads whose field was hidden or whose entry was removed go with their answer."""
    referenced: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            referenced.add(value)

    collect(data)
    for attachment in Attachment.objects.filter(draft=draft, submission__isnull=True):
        if str(attachment.pk) not in referenced:
            attachment_remove(attachment=attachment, actor=actor)


def _save_for_later(request: HttpRequest, draft: Draft) -> HttpResponse:
    if draft.applicant_id is not None:
        messages.success(
            request,
            _(
                "Ihr Antrag ist gespeichert. Sie finden ihn unter „Meine Anträge“ "
                "und können ihn bis zum %(date)s fortsetzen."
            )
            % {"date": timezone.localtime(draft.expires_at).strftime("%d.%m.%Y")},
        )
        return redirect("submissions:mine")
    try:
        drafts.draft_resume_link_send(
            draft=draft, base_url=request.build_absolute_uri("/"), ip=client_ip(request)
        )
    except drafts.ResumeLinkThrottled:
        context = {
            "draft": draft,
            "form": draft.form_version.form,
            "throttled": True,
            "window_minutes": settings.AMTSWEG_LOGIN_WINDOW_MINUTES,
        }
        return render(request, "submissions/saved.html", context, status=429)
    return redirect("submissions:saved", draft.pk)


@never_cache
@require_http_methods(["GET", "HEAD"])
@_with_draft
def saved(request: HttpRequest, draft: Draft) -> HttpResponse:
    return render(request, "submissions/saved.html", {"draft": draft, "form": draft.form_version.form})


# ---- summary and submit --------------------------------------------------------------------------------


def _check_complete(request: HttpRequest, draft: Draft, steps: list[StepSpec]) -> HttpResponse | None:
    """A redirect to the first step that is not done (or no longer valid), or ``None`` when all are fine."""
    incomplete = _first_incomplete(draft, steps)
    if incomplete is not None:
        return _redirect_to_incomplete(request, draft, incomplete)
    errors = _validate(draft.form_version, draft.data)
    if not errors:
        return None
    for candidate in steps:
        if any(path.split(".")[0] in candidate.children for path in errors):
            drafts.draft_set_completed(
                draft=draft, completed=[k for k in draft.completed_steps if k != candidate.key]
            )
            return _redirect_to_incomplete(request, draft, candidate)
    messages.error(request, next(iter(errors.values()))[0])
    return redirect(_step_url(draft, steps[0].key)) if steps else None


@never_cache
@require_http_methods(["GET", "HEAD"])
@_with_draft
def summary(request: HttpRequest, draft: Draft) -> HttpResponse:
    spec = draft.form_version.spec()
    steps = _steps(spec)
    if (problem := _check_complete(request, draft, steps)) is not None:
        return problem
    hidden, _required = rule_effects(spec, draft.data)
    sections = summary_sections(spec, steps, draft.data, hidden, _attachments(draft))
    return render(
        request,
        "submissions/summary.html",
        {
            "draft": draft,
            "form": draft.form_version.form,
            "spec": spec,
            "sections": [(s, _step_url(draft, s.key), items) for s, items in sections],
            "steps": steps,
            "notices": summary_notices(draft),
        },
    )


@never_cache
@require_POST
def submit(request: HttpRequest, draft_id: Any) -> HttpResponse:
    """Submit the draft and show the receipt. A second click finds the submission made by the first."""
    from amtsweg.submissions.services import (
        SubmissionGateOpen,
        SubmissionInvalid,
        submission_for_draft,
        submission_submit,
    )

    try:
        draft = _draft_for(request, draft_id)
    except DraftExpired as expired:
        return _expired(request, expired.draft)
    except Http404:
        done = submission_for_draft(draft_id)
        if done is not None and _may_see_submission(request, done, draft_id):
            return _to_receipt(request, done)
        raise
    steps = _steps(draft.form_version.spec())
    if (problem := _check_complete(request, draft, steps)) is not None:
        return problem
    try:
        submission = submission_submit(draft=draft, actor=submitter(request), client=client_ip(request))
    except SubmissionGateOpen as gate:
        return redirect(gate.url)
    except SubmissionInvalid as invalid:
        messages.error(
            request, invalid.errors[0].message if invalid.errors else _("Bitte prüfen Sie Ihre Angaben.")
        )
        return redirect("submissions:summary", draft.pk)
    return _to_receipt(request, submission)


def submitter(request: HttpRequest) -> Any:
    """Who submits from this request: the account, or an applicant without one – anonymous, not the
    system (core.actors)."""
    return request.user if request.user.is_authenticated else Actor.anonymous(ANONYMOUS_APPLICANT_LABEL)


def _may_see_submission(request: HttpRequest, submission: Submission, draft_id: Any) -> bool:
    if submission.applicant_id is not None:
        return bool(request.user.is_authenticated and request.user.pk == submission.applicant_id)
    return str(draft_id) in _session_drafts(request)


def _to_receipt(request: HttpRequest, submission: Submission) -> HttpResponse:
    done = [i for i in request.session.get(SUBMITTED_SESSION_KEY, []) if i != str(submission.pk)]
    request.session[SUBMITTED_SESSION_KEY] = [*done, str(submission.pk)][-drafts.SESSION_LIMIT :]
    return redirect("submissions:receipt", submission.pk)


# ---- Meine Anträge, delete, resume -------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    user = _citizen_or_anonymous(request)
    now = timezone.now()
    open_drafts = (
        Draft.objects.filter(applicant=user, expires_at__gt=now)
        .select_related("form_version__form")
        .order_by("-updated_at")
    )
    entries = []
    for draft in open_drafts:
        steps = _steps(draft.form_version.spec())
        next_step = _first_incomplete(draft, steps)
        entries.append(
            {
                "draft": draft,
                "continue_url": _step_url(draft, next_step.key)
                if next_step
                else reverse("submissions:summary", args=[draft.pk]),
                "done": len([s for s in steps if s.key in draft.completed_steps]),
                "total": len(steps),
            }
        )
    submitted = list(
        Submission.objects.filter(applicant=user)
        .select_related("form_version__form")
        .order_by("-submitted_at")
    )
    # Case management (when installed) tells what happens to each application now.
    statuses = submission_statuses(submitted)
    rows = [{"submission": s, "status": statuses.get(str(s.pk))} for s in submitted]
    return render(request, "submissions/mine.html", {"drafts": entries, "submissions": rows})


@never_cache
@require_http_methods(GET_POST)
@_with_draft
def delete(request: HttpRequest, draft: Draft) -> HttpResponse:
    form = draft.form_version.form
    if request.method == "POST":
        drafts.draft_delete(draft=draft)
        messages.success(request, _("Der Entwurf „%(title)s“ ist gelöscht.") % {"title": form.title})
        if request.user.is_authenticated:
            return redirect("submissions:mine")
        return redirect("submissions:start", form.key)
    return render(request, "submissions/delete.html", {"draft": draft, "form": form})


@never_cache
@require_http_methods(["GET", "HEAD"])
def resume(request: HttpRequest, token: str) -> HttpResponse:
    draft = drafts.draft_resume(token=token)
    if draft is None:
        return render(request, "submissions/link_invalid.html", status=404)
    if drafts.draft_is_expired(draft):
        return _expired(request, draft)
    _remember(request, draft)
    steps = _steps(draft.form_version.spec())
    next_step = _first_incomplete(draft, steps)
    if next_step is None:
        return HttpResponseRedirect(reverse("submissions:summary", args=[draft.pk]))
    return HttpResponseRedirect(_step_url(draft, next_step.key))


# ---- for apps that add a step around submitting (online payment) -------------------------------------------

with_draft = _with_draft
"""Decorator: resolve ``draft_id`` to a draft this request may open (404/410 otherwise)."""


def draft_check_complete(request: HttpRequest, draft: Draft) -> HttpResponse | None:
    """A redirect to the first step of ``draft`` that is not done, or ``None`` when all are fine."""
    return _check_complete(request, draft, _steps(draft.form_version.spec()))


def receipt_redirect(request: HttpRequest, submission: Submission) -> HttpResponse:
    """Remember ``submission`` in this session and show its receipt."""
    return _to_receipt(request, submission)
