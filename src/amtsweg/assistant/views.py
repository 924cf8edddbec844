"""Pages of the assistant: "Frag den Kreis", "Anliegen schildern" and the quality page for staff."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from amtsweg.access.permissions import Perm, has_any
from amtsweg.assistant.feedback import query_outcome_record
from amtsweg.assistant.forms import QUESTION_MAX, QuestionForm, RequestForm
from amtsweg.assistant.llm import Source, configured_provider
from amtsweg.assistant.models import QueryFeedback
from amtsweg.assistant.portal_search import answer_question
from amtsweg.assistant.selectors import quality_overview
from amtsweg.assistant.services import route_request
from amtsweg.catalog.selectors import kreis

CONTACT_FORM_KEY = "anliegen"


def contact_url(question: str, municipality: Any = None) -> str:
    """The general contact form ("Anliegen an die Verwaltung") with ``question`` filled in; where that
    form is not published, the "Anliegen schildern" page with the question in its text box."""
    from amtsweg.forms.models import Form

    params = {"frage": question[:QUESTION_MAX]}
    if municipality is not None:
        params["gemeinde"] = municipality.slug
    form = Form.objects.filter(key=CONTACT_FORM_KEY).first()
    if form is not None and form.published_version() is not None:
        return reverse("submissions:start", args=[CONTACT_FORM_KEY]) + "?" + urlencode(params)
    return reverse("assistant:request") + "?" + urlencode(params)


@require_safe
def ask(request: HttpRequest) -> HttpResponse:
    """The answer to a question from the start page's box; works without JavaScript."""
    form = QuestionForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "answer": None, "llm": None}
    status = 200
    if form.is_bound:
        if form.is_valid():
            answer = answer_question(form.cleaned_data["frage"], municipality=form.municipality())
            context["answer"] = answer
            # Never a dead end: when nothing fits, the contact form (question filled in) and the phone
            # number of the Kreis's service centre (tenant data) are on the page.
            context["contact_url"] = contact_url(answer.question, form.municipality())
            context["service_centre"] = kreis()
            query_outcome_record(
                kind=QueryFeedback.Kind.ASK,
                query=answer.question,
                answered=bool((answer.confident and answer.hits) or answer.bundle),
            )
            provider = configured_provider()
            if provider is not None and answer.confident and answer.hits:
                sources = [
                    Source(
                        hit.service.name,
                        hit.passage.text,
                        reverse("catalog:service_detail", args=[hit.service.slug]),
                    )
                    for hit in answer.hits
                    if hit.passage is not None
                ]
                context["llm"] = provider.answer(answer.question, sources)
                context["sources"] = sources
        else:
            status = 400
    return render(request, "assistant/ask.html", context, status=status)


@require_http_methods(["GET", "POST"])
def request_route(request: HttpRequest) -> HttpResponse:
    """Describe a request in your own words; the router names the office that handles it."""
    form = RequestForm(
        request.POST or None,
        initial={
            "frage": request.GET.get("frage", "")[:QUESTION_MAX],
            "gemeinde": request.GET.get("gemeinde"),
        },
    )
    context: dict[str, Any] = {"form": form, "route": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            context["route"] = route_request(
                text=form.cleaned_data["frage"], municipality=form.municipality()
            )
            context["municipality"] = form.municipality()
            context["contact_url"] = contact_url(form.cleaned_data["frage"], form.municipality())
            context["service_centre"] = kreis()
        else:
            status = 400
    return render(request, "assistant/request.html", context, status=status)


@require_safe
def quality(request: HttpRequest) -> HttpResponse:
    """Current figures of every model (Digitalisierungsteam and others with the strategy view)."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if not has_any(user, Perm.STRATEGY_VIEW):
        raise PermissionDenied(_("Sie dürfen die Qualität der KI-Modelle nicht einsehen."))
    return render(request, "assistant/quality.html", quality_overview())
