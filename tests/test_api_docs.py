"""The interactive API documentation at /api/v1/docs works under the portal's own CSP.

Its scripts and styles must come from our own static files: the CSP (``script-src 'self'``) blocks a CDN,
which left the page blank.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client


@pytest.fixture
def static_client(settings: Any) -> Client:
    """A client whose whitenoise serves the static files straight from the apps (no collectstatic)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


def test_api_docs_load_only_same_origin_assets_that_exist(static_client: Client) -> None:
    response = static_client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    styles = re.findall(
        r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"', html
    )
    style_urls = [a or b for a, b in styles]
    assert any("swagger-ui-bundle" in src for src in scripts), scripts
    # No inline script would run under the CSP either; the page's settings travel as JSON data.
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html)
    for url in scripts + style_urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), f"{url} kommt nicht vom eigenen Server"
        asset = static_client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])


def test_openapi_document_the_docs_page_reads_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Amtsweg API"
