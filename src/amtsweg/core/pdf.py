"""Every PDF of the platform is made here: tagged and accessible (PDF/UA-1), German, with a title, and
without fetching anything from outside.

Receipts, decision letters, the DSGVO export and the strategy report are rendered from HTML that
contains what applicants and staff typed. WeasyPrint would load every URL such HTML names (``<img
src="http://…">``, ``url(file:///etc/…)``, a style sheet of another host) – a request from our worker to
wherever an attacker points, and a way to read local files into a PDF. The fetcher below refuses every
URL except ``data:`` URLs and the project's own static files (``/static/…``, found by Django's static
file finders), so a document can embed a logo but nothing else.

PDF/UA-1 (``pdf_variant="pdf/ua-1"``) makes WeasyPrint write the structure tree (headings,
paragraphs, lists, tables as tags), mark the document as tagged and record its language; screen
readers then read the document in order. The title shown by a PDF reader is the document's
``<title>`` or the ``title`` given here.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"
# Relative URLs in a document resolve against this base, so "/static/x.svg" becomes "file:///static/x.svg";
# the fetcher maps that path to the static file and never opens the file system path itself.
_BASE_URL = "file:///"


class UnsafeURLError(ValueError):
    """A document named a URL that a PDF may not load."""


def static_file_path(url: str) -> Path | None:
    """The file behind ``url`` when it names one of the project's static files, else ``None``."""
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    if parts.scheme not in ("file", "") or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    prefix = "/" + str(settings.STATIC_URL).strip("/") + "/"
    if not path.startswith(prefix):
        return None
    relative = path.removeprefix(prefix)
    if not relative or relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
        return None
    found = finders.find(relative)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    root = getattr(settings, "STATIC_ROOT", None)
    if root:
        candidate = (Path(root) / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(Path(root).resolve()):
            return candidate
    return None


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """``data:`` URLs and the project's static files; everything else is refused."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file_path(url)
            if path is None:
                raise UnsafeURLError(f"not fetched: {url[:80]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def pdf_render(html: str, *, title: str = "", lang: str = "de") -> bytes:
    """``html`` as a tagged PDF/UA-1 document in ``lang``; ``title`` replaces the ``<title>`` if given.

    A document without any title gets the site name, so that a PDF reader never shows a file name.
    """
    from weasyprint import HTML  # late: loading WeasyPrint costs time every process would pay

    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=_fetcher()).render()
    metadata = document.metadata
    metadata.title = title or metadata.title or str(settings.AMTSWEG_SITE_NAME)
    metadata.lang = lang
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
