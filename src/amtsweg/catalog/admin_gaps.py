"""The administration's report "Leistungen ohne zuständige Stelle je Gemeinde" and the button that adds
default rules from the LeiKa type – the operator's way without a terminal (docs/first-run.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amtsweg.access.permissions import Perm, authorities_with, has_any
from amtsweg.catalog.defaults import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LEVEL_LABELS,
    LevelsInvalid,
    configured_levels,
    editable_services,
    responsibility_defaults_apply,
    responsibility_gaps,
)
from amtsweg.catalog.models import Responsibility, Service
from amtsweg.catalog.selectors import kreis, municipalities


def gaps_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    """Per town, the services nobody serves."""
    if not has_any(request.user, Perm.CATALOG_EDIT):
        raise PermissionDenied(_("Den Bericht sehen Beschäftigte mit Fachadministration."))
    scope = authorities_with(request.user, Perm.CATALOG_EDIT)
    towns = municipalities()
    if scope is not None:
        # The Kreis's Fachadmins see every town, a town's Fachadmins their own. The catalogue is public,
        # so every service is listed.
        towns = towns.filter(Q(pk__in=scope) | Q(parent_id__in=scope))
    services = Service.objects.all()
    if request.GET.get("veroeffentlicht"):
        services = services.filter(is_published=True)
    report = responsibility_gaps(municipalities=towns, services=services)
    try:
        levels = [(typ, LEVEL_LABELS[level]) for typ, level in configured_levels().items()]
    except LevelsInvalid as error:
        levels = []
        messages.error(request, str(error))
    context = {
        "levels": levels,
        **site.each_context(request),
        "opts": Responsibility._meta,
        "title": _("Leistungen ohne zuständige Stelle je Gemeinde"),
        "report": report,
        "total": sum(len(town.gaps) for town in report),
        "published_only": bool(request.GET.get("veroeffentlicht")),
        "can_apply": editable_services(request.user).exists() and kreis() is not None,
    }
    return TemplateResponse(request, "admin/catalog/responsibility/gaps.html", context)


def apply_defaults_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    """POST: add default rules from the LeiKa type to the services of this user that have none."""
    target = reverse("admin:catalog_responsibility_gaps")
    if request.method != "POST":
        return HttpResponseRedirect(target)
    if not has_any(request.user, Perm.CATALOG_EDIT):
        raise PermissionDenied(_("Zuständigkeiten legen Beschäftigte mit Fachadministration an."))
    the_kreis = kreis()
    if the_kreis is None:
        messages.error(request, _("Der Kreis dieser Installation ist noch nicht angelegt."))
        return HttpResponseRedirect(target)
    try:
        result = responsibility_defaults_apply(actor=request.user, kreis=the_kreis)
    except LevelsInvalid as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(target)
    counts = result.counts()
    messages.success(
        request,
        ngettext(
            "%(count)d Regel aus dem LeiKa-Typ angelegt (Kreis: %(kreis)d, eigene Gemeinde: %(town)d).",
            "%(count)d Regeln aus dem LeiKa-Typ angelegt (Kreis: %(kreis)d, eigene Gemeinde: %(town)d).",
            len(result.created),
        )
        % {
            "count": len(result.created),
            "kreis": counts.get(LEVEL_KREIS, 0),
            "town": counts.get(LEVEL_GEMEINDE, 0),
        },
    )
    if result.without:
        messages.warning(
            request,
            ngettext(
                "%(count)d Leistung bekam keinen Vorschlag; der Bericht nennt den Grund.",
                "%(count)d Leistungen bekamen keinen Vorschlag; der Bericht nennt den Grund.",
                len(result.without),
            )
            % {"count": len(result.without)},
        )
    return HttpResponseRedirect(target)


def changelist_extra(request: HttpRequest) -> dict[str, Any]:
    return {"can_see_gaps": has_any(request.user, Perm.CATALOG_EDIT)}
