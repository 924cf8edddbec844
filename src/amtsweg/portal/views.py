"""General portal pages: start page, legal pages, accessibility statement with feedback, errors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsweg.catalog.forms import MunicipalityChoiceForm, SearchForm
from amtsweg.catalog.selectors import lebenslagen_with_services, municipalities, themenfelder_with_services
from amtsweg.portal.forms import AccessibilityFeedbackForm
from amtsweg.portal.services import feedback_submit


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "search_form": SearchForm(),
            "lebenslagen": lebenslagen_with_services(),
            "themenfelder": themenfelder_with_services(),
            "municipalities": municipalities(),
            "municipality_form": MunicipalityChoiceForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page_url": request.GET.get("seite", "")})
    if request.method == "POST":
        if form.is_valid():
            feedback_submit(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen."))
            return redirect("portal:accessibility")
        return render(request, "portal/accessibility.html", {"form": form}, status=400)
    return render(request, "portal/accessibility.html", {"form": form})


@require_GET
def easy_language(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/easy_language.html")


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/imprint.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
