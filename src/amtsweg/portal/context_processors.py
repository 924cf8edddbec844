from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from amtsweg.catalog.pagecache import catalogue_version
from amtsweg.catalog.selectors import kreis as kreis_selector
from amtsweg.tenants.models import Authority

_KREIS_CACHE_SECONDS = 60


def _kreis() -> Authority | None:
    """The Kreis this installation serves (header, Impressum, Datenschutz), cached for a minute.

    Keyed on the catalogue version: a cached portal page rendered after a change of the Kreis must not
    show its old name.
    """
    key = f"amtsweg:kreis:{settings.AMTSWEG_KREIS_AGS}:{catalogue_version().token}"
    found = cache.get(key)
    if found is None:
        found = kreis_selector() or False
        cache.set(key, found, _KREIS_CACHE_SECONDS)
    return found or None


def site(request: HttpRequest) -> dict[str, Any]:
    # Catalogue content is written in German. On pages in another language, elements that show it
    # carry lang="de" (WCAG 3.1.2, language of parts) so screen readers pronounce it correctly.
    content_lang = "" if get_language() == "de" else mark_safe(' lang="de"')
    return {
        "site_name": settings.AMTSWEG_SITE_NAME,
        "kreis": SimpleLazyObject(_kreis),
        "content_lang": content_lang,
    }
