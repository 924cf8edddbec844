"""Cached citizen portal pages, keyed on the catalogue version (decision 0021).

The portal's pages (start page, lists, service pages with the responsibility finder, Lebenslagen, search
results) are the same for every visitor who is not logged in, until something they show changes. So:

* **Catalogue version.** A random token, replaced after every committed change of a model the portal
  shows (signals of the models registered with :func:`watch_models`, plus explicit
  :func:`catalogue_changed` calls where rows are written in bulk and Django sends no signals). With a
  shared cache (``AMTSWEG_CACHE_URL``, Redis) the token lives there; without one (local memory in each
  process) it lives in the database (:class:`~amtsweg.catalog.models.CatalogVersion`). Either way every
  app server reads the same token on every request, so a change is visible on the next request
  everywhere; old pages are never deleted, they are simply no longer asked for and expire.
* **Page key.** Token + path + the query parameters the view reads (nothing else: a request with other
  parameters is rendered, not cached) + language + whole page or htmx fragment.
* **Per-user content.** Only requests of visitors who are not logged in and have no pending messages are
  served from or stored in the cache; logged-in users always get a freshly rendered page. A page is only
  stored when its rendering used no CSP nonce, set no cookie and answered 200. A CSRF token in the page
  ("Hat Ihnen das geholfen?") is stored as a placeholder and replaced with the visitor's own token.
* **Conditional requests.** Cached pages carry an ``ETag`` (token + page key, plus the visitor's CSRF
  cookie when the page holds a form) and ``Last-Modified`` (time of the last change); a matching
  ``If-None-Match``/``If-Modified-Since`` gets ``304 Not Modified``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

VERSION_KEY = "catalog:version"
PAGE_TIMEOUT = 24 * 3600  # a page nobody asks for leaves the cache after a day (or earlier: LRU)
SEARCH_TIMEOUT = 3600  # search pages are many and rarely repeated after an hour
CSRF_PLACEHOLDER = "\x00amtsweg-csrf\x00"
_CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{32,64})(")')
_META_ATTRIBUTE = "_amtsweg_page_meta"
logger = logging.getLogger("amtsweg.catalog")


@dataclass(frozen=True)
class CatalogueVersion:
    token: str
    changed_at: float  # seconds since the epoch


def _new_version() -> CatalogueVersion:
    now = time.time()
    return CatalogueVersion(f"{int(now * 1000):x}{secrets.token_hex(6)}", now)


def shared_cache() -> bool:
    """True when every app server shares the cache (Redis); then the version lives there too."""
    return bool(settings.AMTSWEG_CACHE_URL)


# The version a cached portal page is being rendered for: what the page shows is read for that version
# (search engine, responsibilities, the Kreis in the header), with one read of the version per request.
_rendering: ContextVar[CatalogueVersion | None] = ContextVar("amtsweg_catalogue_version", default=None)


def catalogue_version() -> CatalogueVersion:
    """The current catalogue version, as every app server sees it now (while a portal page is rendered:
    the version it is rendered and cached for)."""
    rendering = _rendering.get()
    if rendering is not None:
        return rendering
    if shared_cache():
        found = cache.get(VERSION_KEY)
        if found is None:
            cache.add(VERSION_KEY, _new_version(), timeout=None)
            found = cache.get(VERSION_KEY) or _new_version()
        return found
    from amtsweg.catalog.models import CatalogVersion

    row = CatalogVersion.objects.filter(pk=1).values_list("token", "changed_at").first()
    if row is None:
        fresh = _new_version()
        stored, _created = CatalogVersion.objects.get_or_create(
            pk=1,
            defaults={
                "token": fresh.token,
                "changed_at": dt.datetime.fromtimestamp(fresh.changed_at, dt.UTC),
            },
        )
        row = (stored.token, stored.changed_at)
    return CatalogueVersion(row[0], row[1].timestamp())


def _bump_shared() -> None:
    try:
        cache.set(VERSION_KEY, _new_version(), timeout=None)
    except Exception:
        # The change is committed; only the cache did not hear of it. Pages may be old until the next
        # change or until an operator renews the version (``amtsweg migrate`` does, or FLUSHDB).
        logger.exception(
            "Katalogstand konnte im Cache nicht erneuert werden: Portalseiten können veraltet sein"
        )


def _bump_database(using: str) -> None:
    from amtsweg.catalog.models import CatalogVersion

    fresh = _new_version()
    changed_at = dt.datetime.fromtimestamp(fresh.changed_at, dt.UTC)
    CatalogVersion.objects.using(using).update_or_create(
        pk=1, defaults={"token": fresh.token, "changed_at": changed_at}
    )


def _bumped_in_this_transaction() -> None:
    """Marker in the transaction's commit hooks: the database version was already replaced in it."""


def catalogue_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Something the portal shows changed: make a new catalogue version.

    With a shared cache the new token is written there once the transaction commits (at once without
    one): a request in between would otherwise store the old data under the new token. Without a shared
    cache the token row is written in the same transaction as the data, so both become visible together.
    Many changes in one transaction (an import) give one new version.
    """
    connection = connections[using]
    if shared_cache():
        if not any(entry[1] is _bump_shared for entry in connection.run_on_commit):
            transaction.on_commit(_bump_shared, using=using)
        return
    # Once per (nested) atomic block: reads later in the same transaction (tests) see each change.
    current = set(connection.savepoint_ids)
    if connection.in_atomic_block and any(
        entry[1] is _bumped_in_this_transaction and entry[0] == current for entry in connection.run_on_commit
    ):
        return
    _bump_database(using)
    if connection.in_atomic_block:
        transaction.on_commit(_bumped_in_this_transaction, using=using)


def _changed(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    catalogue_changed(using)


def watch_models(*model_classes: type[models.Model]) -> None:
    """Every save, delete and many-to-many change of these models makes a new catalogue version.

    Apps whose data the portal pages show register their models here from ``AppConfig.ready()``.
    Writes that send no signals (``QuerySet.update``, ``bulk_create``) call :func:`catalogue_changed`.
    """
    for model in model_classes:
        uid = f"amtsweg.pagecache.{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_changed, sender=through, dispatch_uid=f"{uid}.{field.name}")


def set_page_meta(response: HttpResponse, meta: dict[str, Any]) -> None:
    """Data stored with a cached page and handed to the view's ``replay`` on every hit."""
    setattr(response, _META_ATTRIBUTE, meta)


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page; history restores need the whole page."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _shareable_request(request: HttpRequest) -> bool:
    """A visitor whose page is the same as everyone's: not logged in, no message waiting to be shown."""
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or len(storage) == 0


def _page_key(request: HttpRequest, params: tuple[str, ...], token: str) -> str | None:
    query = request.GET
    if any(name not in params or len(query.getlist(name)) != 1 for name in query):
        return None
    identity = json.dumps(
        [
            request.path,
            sorted((name, query[name]) for name in query),
            get_language(),
            wants_fragment(request),
        ],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"page:{token}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | None:
    """What to keep of a freshly rendered page, or None when it must not be shared."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # a LazyNonce is true once it was put into the page
        return None
    content = response.content.decode(response.charset)
    csrf = False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        tokens = {match[2] for match in _CSRF_INPUT.finditer(content)}
        content = _CSRF_INPUT.sub(lambda m: m[1] + CSRF_PLACEHOLDER + m[3], content)
        if not tokens or any(token in content for token in tokens):
            return None  # the token is used somewhere we cannot replace it safely
        csrf = True
    return {
        "content": content,
        "content_type": response["Content-Type"],
        "vary": response.get("Vary", ""),
        "csrf": csrf,
        "meta": getattr(response, _META_ATTRIBUTE, None),
    }


def _etag(request: HttpRequest, key: str, csrf: bool) -> str:
    tag = key.removeprefix("page:")
    if csrf:  # the browser's copy holds a token that is valid only with its current CSRF cookie
        secret = request.META.get("CSRF_COOKIE", "")
        tag += "-" + hashlib.sha256(f"amtsweg.etag:{secret}".encode()).hexdigest()[:12]
    return quote_etag(tag)


def _finish(
    request: HttpRequest, response: HttpResponse, key: str, csrf: bool, changed_at: float
) -> HttpResponse:
    etag = _etag(request, key, csrf)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(changed_at))
    # Browsers keep the page but ask every time (cheap: 304 while the catalogue is unchanged).
    patch_cache_control(response, no_cache=True)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(changed_at), response=response
    )
    return conditional if conditional is not None else response


def portal_page(
    *,
    params: tuple[str, ...] = (),
    timeout: int = PAGE_TIMEOUT,
    replay: Callable[[HttpRequest, dict[str, Any]], None] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the view's page from the shared cache for visitors who are not logged in (see module).

    ``params`` are the query parameters the view reads; ``replay`` is called on a cache hit with the
    page's meta data (:func:`set_page_meta`), for work the view does on every request (search statistics).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _shareable_request(request):
                return view(request, *args, **kwargs)
            try:
                version = catalogue_version()
                key = _page_key(request, params, version.token)
                entry = cache.get(key) if key is not None else None
            except Exception:  # the cache is an aid: without it (Redis down) the page is rendered
                logger.exception("Seiten-Cache nicht erreichbar; die Seite wird ohne Cache erzeugt")
                return view(request, *args, **kwargs)
            if key is None:
                return view(request, *args, **kwargs)
            if entry is None:
                token = _rendering.set(version)
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    _rendering.reset(token)
                stored = _storable(request, response)
                if stored is None:
                    return response
                try:
                    cache.set(key, stored, timeout)
                except Exception:
                    logger.exception("Seite konnte nicht im Cache abgelegt werden")
                    return response
                return _finish(request, response, key, stored["csrf"], version.changed_at)
            if replay is not None and entry["meta"] is not None:
                replay(request, entry["meta"])
            content = entry["content"]
            if entry["csrf"]:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request))
            response = HttpResponse(content, content_type=entry["content_type"])
            if entry["vary"]:
                response["Vary"] = entry["vary"]
            return _finish(request, response, key, entry["csrf"], version.changed_at)

        return wrapper

    return decorator
