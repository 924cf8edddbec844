"""The REST API (django-ninja, OpenAPI at /api/v1/docs). Each app contributes a router."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from amtsweg.core.safeinput import json_loads


class LimitedJsonParser(Parser):
    """Bodies parsed with size, depth and character limits (:func:`amtsweg.core.safeinput.json_loads`)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], json_loads(request.body))


api = NinjaAPI(
    title="Amtsweg API",
    version="1",
    description="Schnittstelle für Anträge und Daten von Amtsweg.",
    urls_namespace="api",
    parser=LimitedJsonParser(),
)
