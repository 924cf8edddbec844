"""General portal pages: start page, legal pages, accessibility statement with feedback, errors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from amtsweg.catalog.pagecache import portal_page
from amtsweg.catalog.selectors import lebenslagen_with_services, municipalities, themenfelder_with_services
from amtsweg.portal.forms import AccessibilityFeedbackForm
from amtsweg.portal.services import feedback_submit

# Date of the last review of the accessibility statement (BITV NRW asks for it on the page).
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 11, 23)


@require_safe
@portal_page()
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "lebenslagen": lebenslagen_with_services(),
            "themenfelder": themenfelder_with_services(),
            "municipalities": municipalities(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            feedback_submit(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen."))
            return redirect("portal:accessibility")
        status = 400
    else:
        form = AccessibilityFeedbackForm(initial={"page_url": request.GET.get("seite", "")[:500]})
        status = 200
    context = {"form": form, "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return render(request, "portal/accessibility.html", context, status=status)


@require_safe
def easy_language(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/easy_language.html")


@require_safe
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/imprint.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal in German with ways on: the reason the check gave (German text), else a general one."""
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: context processors might need the database that just failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
