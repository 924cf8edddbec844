"""Learning from use: the citizens' "Hat Ihnen das geholfen?" and the Fachadmin's list of queries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amtsweg.assistant.feedback import (
    editable_services,
    may_review_queries,
    queries_for_review,
    query_dismiss,
    query_feedback_record,
    query_for_review,
    query_keyword_add,
)
from amtsweg.assistant.forms import FeedbackForm, KeywordForm
from amtsweg.assistant.models import QueryFeedback
from amtsweg.catalog.selectors import kreis
from amtsweg.core.clients import client_address


def _throttled(request: HttpRequest) -> int:
    """Seconds to wait when this client sent too many answers (the anonymous limit of the portal)."""
    from amtsweg.accounts.models import LoginAttempt
    from amtsweg.accounts.services import client_allowance_take, rate_parse

    rate = rate_parse(settings.AMTSWEG_FEEDBACK_RATE)
    if rate is None:
        return 0
    return client_allowance_take(
        scope=LoginAttempt.Scope.FEEDBACK_IP, value=client_address(request), limit=rate[0], seconds=rate[1]
    )


@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    """Store one "helped / did not help" for a query; answers with a thank-you page and ways on."""
    from amtsweg.assistant.views import contact_url

    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "assistant/feedback_thanks.html", {"form": form, "invalid": True}, status=400)
    kind, query = form.cleaned_data["art"], form.cleaned_data["anfrage"]
    helpful = form.cleaned_data["hilfreich"] == "ja"
    back = reverse("catalog:search" if kind == QueryFeedback.Kind.SEARCH else "assistant:ask")
    back += "?" + ("q=" if kind == QueryFeedback.Kind.SEARCH else "frage=")
    from urllib.parse import quote

    context: dict[str, Any] = {
        "helpful": helpful,
        "back_url": back + quote(query),
        "contact_url": contact_url(query),
        "service_centre": kreis(),
    }
    wait = _throttled(request)
    if wait:
        context["wait"] = wait
        response = render(request, "assistant/feedback_thanks.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    query_feedback_record(kind=kind, query=query, helpful=helpful)
    return render(request, "assistant/feedback_thanks.html", context)


def _reviewer(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if not may_review_queries(user):
        raise PermissionDenied(_("Nur die Fachadministration des Leistungskatalogs sieht die Suchanfragen."))
    return user


def queries(request: HttpRequest) -> HttpResponse:
    """The Fachadmin's list: searches and questions without a good result, or found not helpful."""
    user = _reviewer(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    return render(request, "assistant/queries.html", {"queries": list(queries_for_review(user))})


@require_http_methods(["GET", "HEAD", "POST"])
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One query: add it (or a synonym) as a keyword to a service, or mark it done without a change."""
    user = _reviewer(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    item = query_for_review(user, pk)
    if item is None:
        raise Http404(_("Diese Suchanfrage gibt es nicht mehr."))
    services = list(editable_services(user))
    by_pk = {service.pk: service for service in services}
    suggested = _suggestions(item.query, by_pk)
    form = KeywordForm(
        request.POST if request.method == "POST" and "erledigt" not in request.POST else None,
        initial={"suchbegriff": item.query[:100]},
        suggested=suggested,
        others=services,
    )
    status = 200
    if request.method == "POST":
        if "erledigt" in request.POST:
            query_dismiss(actor=user, feedback=item, source="web")
            messages.success(request, _("„%(query)s“ ist als erledigt markiert.") % {"query": item.query})
            return redirect("assistant:queries")
        if form.is_valid():
            service = by_pk[form.cleaned_data["leistung"]]
            try:
                added = query_keyword_add(
                    actor=user,
                    feedback=item,
                    service=service,
                    keyword=form.cleaned_data["suchbegriff"],
                    source="web",
                )
            except ValidationError as error:
                form.add_error("suchbegriff", error)
            else:
                text = (
                    _("„%(keyword)s“ ist jetzt ein Suchbegriff von „%(service)s“.")
                    if added
                    else _("„%(keyword)s“ war schon ein Suchbegriff von „%(service)s“.")
                )
                messages.success(
                    request, text % {"keyword": form.cleaned_data["suchbegriff"], "service": service.name}
                )
                return redirect("assistant:queries")
        status = 400
    return render(request, "assistant/query_detail.html", {"item": item, "form": form}, status=status)


def _suggestions(query: str, editable: dict[int, Any]) -> list[Any]:
    """The services the search ranks highest for the query (even when none fits well), editable ones."""
    from amtsweg.assistant.index import catalogue_engine

    try:
        result = catalogue_engine().search(query, limit=10)
    except Exception:  # a suggestion is an aid; the full list is always there
        return []
    return [editable[hit.document.pk] for hit in result.hits if hit.document.pk in editable][:8]
