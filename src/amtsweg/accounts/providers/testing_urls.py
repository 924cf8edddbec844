"""Root URLconf for tests while amtsweg/urls.py does not yet mount the login providers."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from amtsweg.urls import handler404, handler500
from amtsweg.urls import urlpatterns as project_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    *i18n_patterns(
        path("konto/anmelden/", include("amtsweg.accounts.providers.urls")), prefix_default_language=False
    ),
    *project_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
