"""Citizen-facing catalogue pages: browse, search, service details and the responsibility finder.

Every page is complete without JavaScript. With htmx, the search and the responsibility finder ask
for the same URL with an ``HX-Request`` header and receive only the part of the page that changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from amtsweg.catalog.forms import MunicipalityChoiceForm, SearchForm
from amtsweg.catalog.hooks import search_backends, search_done
from amtsweg.catalog.models import Lebenslage, Service, Themenfeld
from amtsweg.catalog.pagecache import SEARCH_TIMEOUT, portal_page, set_page_meta, wants_fragment
from amtsweg.catalog.search import search_services
from amtsweg.catalog.selectors import (
    lebenslagen_with_services,
    published_services,
    responsibility_resolve,
    service_for_portal,
    themenfelder_with_services,
)
from amtsweg.core.text import fold

_LIST_FIELDS = ("name", "slug", "short_text")


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The same URL answers with a fragment or a whole page; caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (``p``) or a list (``ul``/``ol``) of a catalogue text, for readable pages."""

    kind: str
    lines: list[str]


_BULLET = re.compile(r"^(?:[-•*–])\s+(?P<text>.+)$")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(?P<text>.+)$")


def text_blocks(text: str) -> list[TextBlock]:
    """Split plain catalogue text into paragraphs and lists ("- …" bullets, "1. …" steps).

    A blank line starts a new block; lines of one paragraph stay together (shown with line breaks).
    """
    blocks: list[TextBlock] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        current: TextBlock | None = None
        for raw in chunk.splitlines():
            line = raw.strip()
            if not line:
                continue
            kind, content = "p", line
            if match := _BULLET.match(line):
                kind, content = "ul", match["text"]
            elif match := _NUMBERED.match(line):
                kind, content = "ol", match["text"]
            if current is not None and current.kind == kind:
                current.lines.append(content)
            else:
                current = TextBlock(kind, [content])
                blocks.append(current)
    return blocks


def service_sections(service: Service) -> list[dict[str, Any]]:
    """The texts of a service in reading order, without the empty ones."""
    texts = [
        ("beschreibung", _("Beschreibung"), service.full_text),
        ("voraussetzungen", _("Voraussetzungen"), service.prerequisites),
        ("unterlagen", _("Erforderliche Unterlagen"), service.required_documents),
        ("gebuehren", _("Gebühren"), service.fees),
        ("fristen", _("Fristen"), service.deadlines),
        ("bearbeitungsdauer", _("Bearbeitungsdauer"), service.processing_time),
        ("ablauf", _("Verfahrensablauf"), service.procedure),
        ("rechtsgrundlage", _("Rechtsgrundlage"), service.legal_basis),
    ]
    return [
        {"id": anchor, "title": title, "blocks": text_blocks(text)}
        for anchor, title, text in texts
        if text.strip()
    ]


def _letter(name: str) -> str:
    first = fold(name.strip()[:1]).upper()[:1]
    return first if first.isalpha() else "#"


@require_safe
@portal_page()
def service_list(request: HttpRequest) -> HttpResponse:
    services = sorted(published_services().only(*_LIST_FIELDS), key=lambda service: fold(service.name))
    by_letter: dict[str, list[Service]] = defaultdict(list)
    for service in services:
        by_letter[_letter(service.name)].append(service)
    return _render(
        request,
        "catalog/service_list.html",
        {
            "letters": sorted(by_letter.items()),
            "service_count": len(services),
            "lebenslagen": lebenslagen_with_services(),
            "themenfelder": themenfelder_with_services(),
        },
    )


@require_safe
@portal_page()
def lebenslage_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lebenslage = get_object_or_404(Lebenslage.objects.select_related("themenfeld"), slug=slug)
    services = published_services().filter(lebenslagen=lebenslage).only(*_LIST_FIELDS)
    return _render(
        request,
        "catalog/group_detail.html",
        {"group": lebenslage, "kind": "lebenslage", "services": services},
    )


@require_safe
@portal_page()
def themenfeld_detail(request: HttpRequest, slug: str) -> HttpResponse:
    themenfeld = get_object_or_404(Themenfeld, slug=slug)
    services = published_services().filter(themenfeld=themenfeld).only(*_LIST_FIELDS)
    return _render(
        request,
        "catalog/group_detail.html",
        {
            "group": themenfeld,
            "kind": "themenfeld",
            "services": services,
            "lebenslagen": lebenslagen_with_services().filter(themenfeld=themenfeld),
        },
    )


def _search_replay(request: HttpRequest, meta: dict[str, Any]) -> None:
    """A search answered from the cache still counts for the Fachadmin's list of searches without hits."""
    search_done(meta["query"], meta["hits"])


@require_safe
@portal_page(params=("q",), timeout=SEARCH_TIMEOUT, replay=_search_replay)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits: list[Any] = []
    query = ""
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        query = form.cleaned_data["q"].strip()
        if query:
            # The AI assistant registers its hybrid search here; without it, the simple index answers.
            backend: Any = search_services
            if "portal" in search_backends:
                backend = search_backends["portal"]
            hits = backend(query, limit=settings.AMTSWEG_SEARCH_RESULTS)
    # A backend may mark hits as not sure ("nothing fits well enough; these come closest"): the page says
    # so, and for the Fachadmin's list of searches without good results the query found nothing.
    unsure = bool(hits) and not getattr(hits[0], "sure", True)
    found = 0 if unsure else len(hits)
    if query and not wants_fragment(request):  # as-you-type fragments are half-typed words
        search_done(query, found)
    template = "catalog/_search_results.html" if wants_fragment(request) else "catalog/search.html"
    context = {"form": form, "query": query, "hits": hits, "unsure": unsure}
    response = _render(request, template, context, status=200 if valid else 400)
    if query and not wants_fragment(request):
        set_page_meta(response, {"query": query, "hits": found})
    return response


@require_safe
@portal_page(params=("gemeinde", "plz"))
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_portal(slug)
    if service is None:
        raise Http404(_("Diese Leistung gibt es nicht oder nicht mehr."))
    asked = "gemeinde" in request.GET or "plz" in request.GET
    form = MunicipalityChoiceForm(request.GET if asked else None)
    municipality = form.municipality if asked else None
    resolved = responsibility_resolve(service, municipality) if municipality is not None else None
    status = 400 if asked and municipality is None else 200
    context = {
        "service": service,
        "form": form,
        "municipality": municipality,
        "resolved": resolved,
    }
    if asked and wants_fragment(request):
        return _render(request, "catalog/_responsibility.html", context, status=status)
    context["sections"] = service_sections(service)
    return _render(request, "catalog/service_detail.html", context, status=status)
