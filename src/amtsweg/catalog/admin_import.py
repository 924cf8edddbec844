"""The catalogue imports in the administration, without a terminal (docs/first-run.md, steps 4 and 5).

Upload → dry run with the report (rows kept, changed, rejected and why) → confirm. The uploaded files wait
in a staging folder below ``AMTSWEG_DATA_DIR`` between the dry run and the confirmation, under a random
token kept in the user's session; nothing is written to the catalogue before the confirmation. Both steps
call the same domain functions as the commands (:func:`~amtsweg.catalog.importers.ozg.import_ozg_catalogue`,
:func:`~amtsweg.catalog.importers.jsonl.import_catalogue_jsonl`), which check the permission and write the
audit trail; new and changed services reach the search index and the assistant's embeddings through the
worker as with the command.
"""

from __future__ import annotations

import datetime
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm, authorities_with, can_edit_reference, has_any
from amtsweg.catalog.importers.jsonl import import_catalogue_jsonl
from amtsweg.catalog.importers.ozg import REQUIRED_COLUMNS, import_ozg_catalogue
from amtsweg.catalog.importers.report import ImportRejected, ImportReport
from amtsweg.core.audit import request_source
from amtsweg.core.formfields import MultipleFileField, MultipleFileInput
from amtsweg.tenants.models import Authority

OZG_FILES = tuple(REQUIRED_COLUMNS)
SERVICES_FILE = "leistungen.jsonl"
_SAFE_NAME = re.compile(r"^[\w.-]{1,100}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_SESSION_KEY = "amtsweg_catalogue_import"
# How long an unconfirmed dry run's files are kept (see staging_prune).
STAGING_KEEP = datetime.timedelta(days=1)


def staging_root() -> Path:
    return Path(settings.DATA_DIR) / "import-staging"


def _file_name(upload: Any, default: str) -> str:
    """The uploaded file's own name (it appears in the report), when it is a plain file name."""
    name = Path(str(upload.name or "")).name
    return name if _SAFE_NAME.match(name) and not name.startswith(".") else default


def _check_size(upload: Any) -> None:
    if upload.size > int(settings.AMTSWEG_IMPORT_MAX_BYTES):
        raise ValidationError(_("Die Datei %(name)s ist größer als erlaubt.") % {"name": upload.name})


class OzgUploadForm(forms.Form):
    csv_files = MultipleFileField(
        label=gettext_lazy("CSV-Dateien"),
        help_text=gettext_lazy(
            "Die vier CSV-Dateien der KDN-OZG-Datenbank auf einmal auswählen: themenfelder.csv, "
            "lebenslagen.csv, ozg_leistungen.csv und leika_leistungen.csv (UTF-8, mit Kopfzeile)."
        ),
        widget=MultipleFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_csv_files(self) -> dict[str, Any]:
        by_name: dict[str, Any] = {}
        for upload in self.cleaned_data["csv_files"]:
            name = Path(upload.name).name.lower()
            if name not in OZG_FILES:
                raise ValidationError(
                    _("Die Datei %(name)s gehört nicht zum OZG-Katalog; erwartet: %(files)s.")
                    % {"name": Path(upload.name).name, "files": ", ".join(OZG_FILES)}
                )
            if name in by_name:
                raise ValidationError(_("Die Datei %(name)s ist doppelt ausgewählt.") % {"name": name})
            _check_size(upload)
            by_name[name] = upload
        missing = [name for name in OZG_FILES if name not in by_name]
        if missing:
            raise ValidationError(
                _("Es fehlen die Dateien: %(files)s. Bitte alle vier CSV-Dateien zusammen auswählen.")
                % {"files": ", ".join(missing)}
            )
        return by_name


def catalogue_owners(request: HttpRequest) -> QuerySet[Authority]:
    """Authorities whose services this user may import."""
    ids = authorities_with(request.user, Perm.CATALOG_EDIT)
    authorities = Authority.objects.order_by("name")
    return authorities if ids is None else authorities.filter(pk__in=ids)


class ServicesUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("JSON-Lines-Datei"),
        help_text=gettext_lazy(
            "Eine Leistung je Zeile im Austauschformat von Amtsweg (UTF-8), z. B. ein Export einer anderen "
            "Installation. Vorhandene Leistungen werden über ihre ID gefunden und aktualisiert."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".jsonl,.json,application/jsonl,text/plain"}),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Gepflegt von"),
        queryset=Authority.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Die Behörde, die neue Leistungen pflegt."),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Bitte eine Behörde auswählen, deren Leistungen Sie pflegen dürfen."
            )
        },
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = catalogue_owners(request)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        kreis = owners.filter(ags=settings.AMTSWEG_KREIS_AGS).first()
        if kreis is not None:
            self.fields["owner"].initial = kreis.pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        _check_size(upload)
        return upload


# --- staging between dry run and confirmation ---------------------------------------------------------


def _stage(request: HttpRequest, kind: str, uploads: dict[str, Any], extra: dict[str, Any]) -> str:
    token = secrets.token_urlsafe(24)
    folder = staging_root() / token
    folder.mkdir(parents=True, mode=0o700)
    for name, upload in uploads.items():
        with (folder / name).open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
    staged = dict(request.session.get(_SESSION_KEY) or {})
    old = staged.pop(kind, None)
    if old:
        _discard(old["token"])
    staged[kind] = {"token": token, **extra}
    request.session[_SESSION_KEY] = staged
    return token


def _staged(request: HttpRequest, kind: str, token: str) -> dict[str, Any] | None:
    entry = (request.session.get(_SESSION_KEY) or {}).get(kind)
    if not entry or entry.get("token") != token or not _TOKEN.match(token):
        return None
    if not (staging_root() / token).is_dir():
        return None
    return dict(entry)


def _unstage(request: HttpRequest, kind: str) -> None:
    staged = dict(request.session.get(_SESSION_KEY) or {})
    entry = staged.pop(kind, None)
    request.session[_SESSION_KEY] = staged
    if entry:
        _discard(entry["token"])


def _discard(token: str) -> None:
    if _TOKEN.match(token):
        shutil.rmtree(staging_root() / token, ignore_errors=True)


def staging_prune(*, older_than: datetime.timedelta = STAGING_KEEP) -> int:
    """Delete the files of dry runs nobody confirmed (closed tab, logged out); return how many.

    A dry run stays confirmable for :data:`STAGING_KEEP`; the daily job ``catalog.import-staging-prune``
    removes what is older, so uploaded catalogue files do not pile up on the server.
    """
    root = staging_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and _TOKEN.match(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


# --- the two pages ------------------------------------------------------------------------------------


@dataclass
class _Page:
    kind: str
    title: str
    template_intro: str
    model_opts: Any


def _render(
    site: AdminSite,
    request: HttpRequest,
    page: _Page,
    *,
    form: forms.Form,
    report: ImportReport | None = None,
    token: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        **site.each_context(request),
        "opts": page.model_opts,
        "title": page.title,
        "kind": page.kind,
        "form": form,
        "report": report,
        "token": token,
        "error": error,
    }
    return TemplateResponse(request, page.template_intro, context, status=status)


def _rejected(error: ImportRejected) -> str:
    return _("Import abgelehnt, nichts gespeichert: %s") % error.message


def ozg_import_view(site: AdminSite, request: HttpRequest, opts: Any) -> HttpResponse:
    """The OZG/LeiKa catalogue (shared reference data): platform administrators only."""
    if not can_edit_reference(request.user):
        raise PermissionDenied(_("Den OZG-Katalog importieren nur Plattform-Admins."))
    page = _Page("ozg", _("OZG-Katalog importieren"), "admin/catalog/import.html", opts)
    source = request_source(request, "admin")
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        if _staged(request, "ozg", token) is None:
            return _render(
                site,
                request,
                page,
                form=OzgUploadForm(),
                error=_("Der Probelauf ist abgelaufen. Bitte die Dateien erneut hochladen."),
                status=400,
            )
        try:
            report = import_ozg_catalogue(staging_root() / token, actor=request.user, source=source)
        except ImportRejected as error:
            _unstage(request, "ozg")
            return _render(site, request, page, form=OzgUploadForm(), error=_rejected(error), status=400)
        _unstage(request, "ozg")
        return _render(site, request, page, form=OzgUploadForm(), report=report)
    form = OzgUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(site, request, page, form=form)
    if not form.is_valid():
        return _render(site, request, page, form=form, status=400)
    token = _stage(request, "ozg", form.cleaned_data["csv_files"], {})
    try:
        report = import_ozg_catalogue(staging_root() / token, actor=request.user, dry_run=True, source=source)
    except ImportRejected as error:
        _unstage(request, "ozg")
        form.add_error("csv_files", _rejected(error))
        return _render(site, request, page, form=form, status=400)
    return _render(site, request, page, form=OzgUploadForm(), report=report, token=token)


def services_import_view(site: AdminSite, request: HttpRequest, opts: Any) -> HttpResponse:
    """Services from a JSON Lines file, for an authority whose catalogue the user maintains."""
    if not has_any(request.user, Perm.CATALOG_EDIT):
        raise PermissionDenied(_("Leistungen importieren nur Fachadministratorinnen und -administratoren."))
    page = _Page("services", _("Leistungen importieren"), "admin/catalog/import.html", opts)
    source = request_source(request, "admin")
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        entry = _staged(request, "services", token) or {}
        owner = catalogue_owners(request).filter(pk=int(entry.get("owner") or 0)).first()
        name = str(entry.get("file", ""))
        if owner is None or not _SAFE_NAME.match(name):
            return _render(
                site,
                request,
                page,
                form=ServicesUploadForm(request=request),
                error=_("Der Probelauf ist abgelaufen. Bitte die Datei erneut hochladen."),
                status=400,
            )
        try:
            report = import_catalogue_jsonl(
                staging_root() / token / name, owner=owner, actor=request.user, source=source
            )
        except ImportRejected as error:
            _unstage(request, "services")
            form = ServicesUploadForm(request=request)
            return _render(site, request, page, form=form, error=_rejected(error), status=400)
        _unstage(request, "services")
        return _render(site, request, page, form=ServicesUploadForm(request=request), report=report)
    form = ServicesUploadForm(request.POST or None, request.FILES or None, request=request)
    if request.method != "POST":
        return _render(site, request, page, form=form)
    if not form.is_valid():
        return _render(site, request, page, form=form, status=400)
    owner = form.cleaned_data["owner"]
    upload = form.cleaned_data["file"]
    name = _file_name(upload, SERVICES_FILE)
    token = _stage(request, "services", {name: upload}, {"owner": owner.pk, "file": name})
    try:
        report = import_catalogue_jsonl(
            staging_root() / token / name, owner=owner, actor=request.user, dry_run=True, source=source
        )
    except ImportRejected as error:
        _unstage(request, "services")
        form.add_error("file", _rejected(error))
        return _render(site, request, page, form=form, status=400)
    return _render(site, request, page, form=ServicesUploadForm(request=request), report=report, token=token)
