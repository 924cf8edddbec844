"""The REST API (django-ninja, OpenAPI at /api/v1/docs). Each app contributes a router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Amtsweg API",
    version="1",
    description="Schnittstelle für Anträge und Daten von Amtsweg.",
    urls_namespace="api",
)
