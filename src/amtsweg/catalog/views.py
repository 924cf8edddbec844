"""Citizen-facing catalogue pages: browse, search, service details and the responsibility finder."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from amtsweg.catalog.forms import MunicipalityChoiceForm, SearchForm
from amtsweg.catalog.models import Lebenslage, Themenfeld
from amtsweg.catalog.search import search_services
from amtsweg.catalog.selectors import (
    lebenslagen_with_services,
    published_services,
    responsibility_resolve,
    service_for_portal,
    themenfelder_with_services,
)


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/service_list.html",
        {
            "services": published_services().only("name", "slug", "short_text"),
            "lebenslagen": lebenslagen_with_services(),
            "themenfelder": themenfelder_with_services(),
        },
    )


@require_GET
def lebenslage_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lebenslage = get_object_or_404(Lebenslage.objects.select_related("themenfeld"), slug=slug)
    services = published_services().filter(lebenslagen=lebenslage).only("name", "slug", "short_text")
    return render(request, "catalog/group_detail.html", {"group": lebenslage, "kind": "lebenslage", "services": services})


@require_GET
def themenfeld_detail(request: HttpRequest, slug: str) -> HttpResponse:
    themenfeld = get_object_or_404(Themenfeld, slug=slug)
    services = published_services().filter(themenfeld=themenfeld).only("name", "slug", "short_text")
    return render(request, "catalog/group_detail.html", {"group": themenfeld, "kind": "themenfeld", "services": services})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        hits = search_services(query, limit=settings.AMTSWEG_SEARCH_RESULTS) if query else []
    template = "catalog/_search_results.html" if request.headers.get("HX-Request") else "catalog/search.html"
    return render(request, template, {"form": form, "query": query, "hits": hits}, status=200 if form.is_valid() else 400)


@require_GET
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_portal(slug)
    if service is None:
        raise Http404
    resolved = None
    form = MunicipalityChoiceForm(request.GET if ("gemeinde" in request.GET or "plz" in request.GET) else None)
    status = 200
    if form.is_bound:
        if form.municipality is not None:
            resolved = responsibility_resolve(service, form.municipality)
        else:
            status = 400
    context = {"service": service, "form": form, "resolved": resolved}
    if request.headers.get("HX-Request") and form.is_bound:
        return render(request, "catalog/_responsibility.html", context, status=status)
    return render(request, "catalog/service_detail.html", context, status=status)
