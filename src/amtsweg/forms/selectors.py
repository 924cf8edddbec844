"""Reads of forms: the published version of a form or service, and service lookup for imports."""

from __future__ import annotations

from django.db.models import QuerySet

from amtsweg.catalog.models import Service
from amtsweg.forms.models import Form, FormVersion


def published_versions() -> QuerySet[FormVersion]:
    return FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).select_related(
        "form", "form__service"
    )


def published_version(form_key: str) -> FormVersion | None:
    """The version of the form ``form_key`` that applicants fill in, or ``None``."""
    return published_versions().filter(form__key=form_key).order_by("-published_at", "-pk").first()


def published_versions_for_service(service: Service) -> list[FormVersion]:
    """The published form versions of a service, one per form, by form title."""
    return list(published_versions().filter(form__service=service).order_by("form__title", "-published_at"))


def form_version_get(form_key: str, version: str) -> FormVersion | None:
    return FormVersion.objects.filter(form__key=form_key, version=version).select_related("form").first()


def form_version_exists(form_key: str, version: str) -> bool:
    return FormVersion.objects.filter(form__key=form_key, version=version).exists()


def version_from_file_exists(sha256: str) -> bool:
    """Was a version stored from a source file with this SHA-256 (definition or FIM file)?"""
    return FormVersion.objects.filter(source_sha256=sha256).exists()


def forms_with_versions() -> QuerySet[Form]:
    return Form.objects.select_related("owner", "service").prefetch_related("versions")


def service_by_reference(reference: str) -> Service | None:
    """A service by its slug, its exchange id (``external_id``) or its LeiKa key.

    Several services can share one LeiKa key (e.g. the town's and the Kreis's part of a service); then the
    published one with the lowest id is taken.
    """
    reference = reference.strip()
    if not reference:
        return None
    found = (
        Service.objects.filter(slug=reference).first()
        or Service.objects.filter(external_id=reference).first()
    )
    if found is not None:
        return found
    compact = reference.replace(" ", "")
    if compact.isdigit():
        return Service.objects.filter(leika_key=compact).order_by("-is_published", "pk").first()
    return None
