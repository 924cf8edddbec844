"""Writes to forms. The FIM importer, the definition loader, the admin and commands all call these.

A published version is immutable: changing a form means creating a new version and publishing it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_edit_catalog, require
from amtsweg.catalog.models import Service
from amtsweg.core.audit import audit_record
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.persons import is_group_path
from amtsweg.forms.schema import compile_json_schema
from amtsweg.forms.spec import FormSpec
from amtsweg.tenants.models import Authority


def form_version_create(
    *,
    actor: Any,
    spec: FormSpec,
    owner: Authority,
    source: str,
    service: Service | None = None,
    source_name: str = "",
    source_sha256: str = "",
    publish: bool = False,
    audit_source: str = "",
    notes: list[str] | tuple[str, ...] = (),
) -> FormVersion:
    """Store ``spec`` as a new version of the form ``spec.key`` (created on first use).

    The same version number cannot be stored twice: a published version never changes. With
    ``publish=True`` the version is published at once (older published versions are retired).
    Everything happens in one transaction; on error nothing is stored. A linked ``service`` must be one
    the actor may edit (a Fachadmin links forms only to services of their authority). ``notes`` are the
    importer's remarks, kept with the version for its import report.
    """
    require(can_edit_catalog(actor, owner))
    if service is not None:
        require(can_edit_catalog(actor, service.owner))
    with transaction.atomic():
        form, created = Form.objects.get_or_create(
            key=spec.key,
            defaults={"title": spec.title, "owner": owner, "service": service, "source": source},
        )
        if not created:
            require(can_edit_catalog(actor, form.owner))
            changed = False
            if service is not None and form.service_id != service.pk:
                form.service = service
                changed = True
            if form.title != spec.title:
                form.title = spec.title
                changed = True
            if changed:
                form.save(update_fields=["service", "title", "updated_at"])
        if form.versions.filter(version=spec.version).exists():
            raise ValidationError(
                _(
                    "Das Formular %(key)s gibt es in Version %(version)s schon. "
                    "Eine neue Version braucht eine neue Nummer."
                )
                % {"key": spec.key, "version": spec.version}
            )
        version = FormVersion.objects.create(
            form=form,
            version=spec.version,
            definition=spec.to_dict(),
            json_schema=compile_json_schema(spec),
            fim_id=spec.fim.id,
            fim_version=spec.fim.version,
            fim_standard=spec.fim_standard,
            source_name=source_name[:300],
            source_sha256=source_sha256,
            import_notes=[str(note)[:2000] for note in notes][:500],
        )
        audit_record(
            actor=actor,
            action="form.version_created",
            obj=version,
            changes={"form": form.key, "version": spec.version, "source": source_name or source},
            authority_id=form.owner_id,
            source=audit_source,
        )
        if publish:
            form_version_publish(actor=actor, version=version, audit_source=audit_source)
    return version


def form_version_publish(*, actor: Any, version: FormVersion, audit_source: str = "") -> FormVersion:
    """Publish ``version``; the previously published version of the form is retired."""
    require(can_edit_catalog(actor, version.form.owner))
    if version.status == FormVersion.Status.PUBLISHED:
        return version
    with transaction.atomic():
        FormVersion.objects.filter(form=version.form, status=FormVersion.Status.PUBLISHED).update(
            status=FormVersion.Status.RETIRED
        )
        version.status = FormVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action="form.version_published",
            obj=version,
            changes={"form": version.form.key, "version": version.version},
            authority_id=version.form.owner_id,
            source=audit_source,
        )
    return version


def form_person_groups_set(
    *, actor: Any, form: Form, applicant_group: str, addressee_group: str, audit_source: str = ""
) -> Form:
    """Set which group of the form holds the applicant and which the addressee of letters ("" = as in
    the form definition). Each must be a group of the form's newest version; new submissions use it."""
    require(can_edit_catalog(actor, form.owner))
    version = form.published_version() or form.versions.order_by("-created_at", "-pk").first()
    spec = version.spec() if version is not None else None
    for label, path in ((_("antragstellende Person"), applicant_group), (_("Empfänger"), addressee_group)):
        if path and (spec is None or not is_group_path(spec, path)):
            raise ValidationError(
                _("Die Gruppe „%(group)s“ (%(role)s) gibt es in diesem Formular nicht.")
                % {"group": path, "role": label}
            )
    changes = {
        field: [getattr(form, field), value]
        for field, value in (("applicant_group", applicant_group), ("addressee_group", addressee_group))
        if getattr(form, field) != value
    }
    if not changes:
        return form
    with transaction.atomic():
        form.applicant_group = applicant_group
        form.addressee_group = addressee_group
        form.save(update_fields=["applicant_group", "addressee_group", "updated_at"])
        audit_record(
            actor=actor,
            action="form.person_groups_set",
            obj=form,
            changes=changes,
            authority_id=form.owner_id,
            source=audit_source,
        )
    return form


def form_service_set(*, actor: Any, form: Form, service: Service | None, audit_source: str = "") -> Form:
    """Link ``form`` to ``service`` (``None``: no service). The service page then offers the form's
    published version. Both the form and the service must belong to authorities the actor may edit."""
    require(can_edit_catalog(actor, form.owner))
    if service is not None:
        require(can_edit_catalog(actor, service.owner))
    if form.service_id == (service.pk if service is not None else None):
        return form
    with transaction.atomic():
        before = form.service_id
        form.service = service
        form.save(update_fields=["service", "updated_at"])
        audit_record(
            actor=actor,
            action="form.service_set",
            obj=form,
            changes={"service": [before, service.pk if service is not None else None]},
            authority_id=form.owner_id,
            source=audit_source,
        )
    return form
