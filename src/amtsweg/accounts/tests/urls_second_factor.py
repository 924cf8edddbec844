"""URLs for the login tests: the portal and accounts, with or without a second-factor page.

The real ``access:otp_verify`` belongs to the access app; the login view must send staff there and
must refuse staff when that page does not exist. Both cases are tested with these URL sets.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def second_factor_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Zweiter Faktor")


base: list[URLPattern | URLResolver] = [
    path("konto/", include("amtsweg.accounts.urls")),
    path("", include("amtsweg.catalog.urls")),
    path("", include("amtsweg.portal.urls")),
]
access_patterns = ([path("zweiter-faktor/", second_factor_page, name="otp_verify")], "access")
with_second_factor = [path("personal/", include(access_patterns)), *base]

urlpatterns = with_second_factor
