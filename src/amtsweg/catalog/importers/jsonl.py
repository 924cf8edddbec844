"""The JSON Lines exchange format of the catalogue: one service per line (docs/formats/catalogue.md).

Import reads the file twice. The first pass checks encoding and every line (JSON, types, LeiKa
key, references, duplicate ids) without writing; a file rejected as a whole stops there. The
second pass, in one transaction, creates or updates the accepted services through
:func:`~amtsweg.catalog.services.service_create` and :func:`~amtsweg.catalog.services.service_update`,
matched by ``external_id``. Neither pass holds the whole file in memory.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_edit_catalog, require
from amtsweg.catalog.importers.files import MAX_LINE_BYTES, check_file, read_lines
from amtsweg.catalog.importers.report import ImportRejected, ImportReport, Outcome, line_list
from amtsweg.catalog.importers.text import html_to_text, single_line
from amtsweg.catalog.models import Lebenslage, MaturityLevel, MaturityModel, OzgLeistung, Service, Themenfeld
from amtsweg.catalog.services import search_reindex_enqueue, service_create, service_update
from amtsweg.catalog.validators import normalize_leika_key, validate_leika_key
from amtsweg.core.parseerrors import json_problem
from amtsweg.tenants.models import Authority

ENTITY = "Leistungen"
# Optional text fields (plain text or HTML) and the model field each one fills.
TEXT_FIELDS: dict[str, str] = {
    "short_text": "short_text",
    "full_text": "full_text",
    "prerequisites": "prerequisites",
    "required_documents": "required_documents",
    "fees": "fees",
    "deadlines": "deadlines",
    "legal_basis": "legal_basis",
    "processing_time": "processing_time",
    "procedure": "procedure",
}
SHORT_TEXT_LENGTH = 300
_ID_CHARACTERS = re.compile(r"^[^\x00-\x1f\x7f]+$")
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def derive_short_text(text: str, limit: int = SHORT_TEXT_LENGTH) -> str:
    """The first paragraph of ``text``, cut after a sentence (or a word) when longer than ``limit``."""
    first = text.strip().split("\n\n", 1)[0].replace("\n", " ").strip()
    if len(first) <= limit:
        return first
    ends = [m.end() for m in _SENTENCE_END.finditer(first) if m.end() <= limit]
    if ends:
        return first[: ends[-1]]
    return first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def catalogue_owner(ags: str | None = None) -> Authority:
    """The authority that maintains imported services: ``ags`` or the Kreis of this installation."""
    ags = (ags or settings.AMTSWEG_KREIS_AGS).strip()
    owner = Authority.objects.filter(ags=ags).first()
    if owner is None:
        raise ImportRejected(
            _(
                "Die Behörde mit dem Amtlichen Gemeindeschlüssel %(ags)s gibt es nicht. Bitte zuerst den "
                "Kreis und seine Gemeinden aus dem Gemeindeverzeichnis anlegen (amtsweg "
                "import-municipalities, siehe docs/first-run.md) oder mit --owner eine vorhandene Behörde "
                "angeben."
            )
            % {"ags": ags}
        )
    return owner


@dataclass
class _Line:
    """One checked line: the exchange id and the model field values it sets."""

    external_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


class _References:
    """Looks up Lebenslagen, Themenfelder, OZG-Leistungen, reifegrade and owners once per import."""

    def __init__(self) -> None:
        self.lebenslagen = _by_code_or_name(Lebenslage.objects.all())
        self.themenfelder = _by_code_or_name(Themenfeld.objects.all())
        self.ozg = {o.ozg_id: o for o in OzgLeistung.objects.all()}
        self.authorities: dict[str, Authority | None] = {}
        self.levels: dict[tuple[str | None, int], MaturityLevel | None] = {}

    def authority(self, ags: str) -> Authority | None:
        if ags not in self.authorities:
            self.authorities[ags] = Authority.objects.filter(ags=ags).first()
        return self.authorities[ags]

    def level(self, model_name: str | None, level: int) -> MaturityLevel | None:
        key = (model_name, level)
        if key not in self.levels:
            models = (
                MaturityModel.objects.filter(name=model_name)
                if model_name
                else MaturityModel.objects.filter(is_default=True)
            )
            self.levels[key] = MaturityLevel.objects.filter(model__in=models, level=level).first()
        return self.levels[key]


def _by_code_or_name[T: (Lebenslage, Themenfeld)](objects: Any) -> dict[str, T]:
    """Map codes and unambiguous names to objects; codes win."""
    by_name: dict[str, list[T]] = defaultdict(list)
    found: dict[str, T] = {}
    for obj in objects:
        by_name[obj.name].append(obj)
    for name, objs in by_name.items():
        if len(objs) == 1:
            found[name] = objs[0]
    for objs in by_name.values():
        for obj in objs:
            found[obj.code] = obj
    return found


def _type_error(key: str, expected: str) -> str:
    return _("„%(key)s“ muss %(expected)s sein.") % {"key": key, "expected": expected}


class _LineParser:
    def __init__(self, references: _References) -> None:
        self.refs = references

    def parse(self, text: str) -> _Line:
        result = _Line()
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            result.reasons.append(
                _("Kein gültiges JSON (Spalte %(col)d: %(msg)s).")
                % {"col": error.colno, "msg": json_problem(error)}
            )
            return result
        except RecursionError:
            result.reasons.append(_("Kein gültiges JSON (zu tief verschachtelt)."))
            return result
        if not isinstance(obj, dict):
            result.reasons.append(_("Jede Zeile muss ein JSON-Objekt {…} sein."))
            return result
        self._identity(obj, result)
        self._texts(obj, result)
        self._keys_and_links(obj, result)
        self._flags(obj, result)
        if not result.reasons:
            result.reasons.extend(_field_errors(result.data))
        return result

    def _identity(self, obj: dict[str, Any], result: _Line) -> None:
        raw_id = obj.get("id")
        if raw_id is None:
            result.reasons.append(_("Pflichtfeld „id“ fehlt."))
        elif not isinstance(raw_id, str):
            result.reasons.append(_type_error("id", _("ein Text")))
        elif not raw_id.strip():
            result.reasons.append(_("Pflichtfeld „id“ ist leer."))
        elif len(raw_id.strip()) > 100 or not _ID_CHARACTERS.match(raw_id.strip()):
            result.reasons.append(_("„id“ darf höchstens 100 Zeichen ohne Steuerzeichen haben."))
        else:
            result.external_id = raw_id.strip()
        name = obj.get("name")
        if name is None:
            result.reasons.append(_("Pflichtfeld „name“ fehlt."))
        elif not isinstance(name, str):
            result.reasons.append(_type_error("name", _("ein Text")))
        elif not single_line(name):
            result.reasons.append(_("Pflichtfeld „name“ ist leer."))
        else:
            result.data["name"] = single_line(name)

    def _texts(self, obj: dict[str, Any], result: _Line) -> None:
        description = obj.get("description")
        if "description" not in obj:
            result.reasons.append(_("Pflichtfeld „description“ fehlt."))
        elif not isinstance(description, str):
            result.reasons.append(_type_error("description", _("ein Text (Klartext oder HTML)")))
        texts: dict[str, str] = {}
        for key, model_field in TEXT_FIELDS.items():
            value = obj.get(key)
            if key not in obj:
                continue
            if value is None:
                texts[model_field] = ""
            elif isinstance(value, str):
                texts[model_field] = html_to_text(value)
            else:
                result.reasons.append(_type_error(key, _("ein Text oder null")))
        if isinstance(description, str):
            plain = html_to_text(description)
            texts.setdefault("full_text", plain)
            if "short_text" not in texts:
                texts["short_text"] = derive_short_text(plain)
        if "short_text" in texts and not texts["short_text"]:
            result.reasons.append(
                _("Der Kurztext ist leer: „short_text“ oder „description“ muss Text enthalten.")
            )
        result.data.update(texts)
        keywords = obj.get("keywords", [])
        if keywords is None:
            keywords = []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            result.reasons.append(_type_error("keywords", _("eine Liste von Texten")))
        elif "keywords" in obj:
            cleaned = [single_line(k) for k in keywords]
            result.data["keywords"] = list(dict.fromkeys(k for k in cleaned if k))

    def _keys_and_links(self, obj: dict[str, Any], result: _Line) -> None:
        if "leika" in obj:
            leika = obj["leika"]
            if leika is None:
                result.data["leika_key"] = ""
            elif not isinstance(leika, str):
                result.reasons.append(_type_error("leika", _("ein Text (14 Ziffern) oder null")))
            else:
                key = normalize_leika_key(leika)
                try:
                    if key:
                        validate_leika_key(key)
                except ValidationError as error:
                    result.reasons.extend(error.messages)
                else:
                    result.data["leika_key"] = key
        if "lebenslagen" in obj:
            values = obj["lebenslagen"] if obj["lebenslagen"] is not None else []
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                result.reasons.append(_type_error("lebenslagen", _("eine Liste von Kennungen oder Namen")))
            else:
                unknown = [v for v in values if v.strip() not in self.refs.lebenslagen]
                if unknown:
                    result.reasons.append(
                        _("Unbekannte Lebenslage: %(values)s.")
                        % {"values": ", ".join(f"„{v}“" for v in unknown)}
                    )
                else:
                    found = {
                        self.refs.lebenslagen[v.strip()].pk: self.refs.lebenslagen[v.strip()] for v in values
                    }
                    result.data["lebenslagen"] = list(found.values())
        if "themenfeld" in obj:
            value = obj["themenfeld"]
            if value is None or value == "":
                result.data["themenfeld"] = None
            elif not isinstance(value, str):
                result.reasons.append(_type_error("themenfeld", _("eine Kennung, ein Name oder null")))
            elif value.strip() not in self.refs.themenfelder:
                result.reasons.append(_("Unbekanntes Themenfeld „%(value)s“.") % {"value": value})
            else:
                result.data["themenfeld"] = self.refs.themenfelder[value.strip()]
        if "ozg_id" in obj:
            value = obj["ozg_id"]
            if value is None or value == "":
                result.data["ozg_leistung"] = None
            elif isinstance(value, bool) or not isinstance(value, str | int):
                result.reasons.append(_type_error("ozg_id", _("ein Text, eine Zahl oder null")))
            elif str(value).strip() not in self.refs.ozg:
                result.reasons.append(
                    _("Die OZG-Leistung „%(value)s“ ist unbekannt (zuerst den OZG-Katalog importieren).")
                    % {"value": value}
                )
            else:
                result.data["ozg_leistung"] = self.refs.ozg[str(value).strip()]

    def _flags(self, obj: dict[str, Any], result: _Line) -> None:
        if "url" in obj:
            url = obj["url"]
            if url is not None and not isinstance(url, str):
                result.reasons.append(_type_error("url", _("ein Text oder null")))
            else:
                result.data["online_url"] = (url or "").strip()
        if "audience" in obj:
            audience = obj["audience"]
            if audience not in Service.Audience.values:
                result.reasons.append(
                    _("„audience“ muss einer dieser Werte sein: %(values)s.")
                    % {"values": ", ".join(Service.Audience.values)}
                )
            else:
                result.data["audience"] = audience
        if "published" in obj:
            if not isinstance(obj["published"], bool):
                result.reasons.append(_type_error("published", _("true oder false")))
            else:
                result.data["is_published"] = obj["published"]
        if "owner" in obj:
            ags = obj["owner"]
            if not isinstance(ags, str):
                result.reasons.append(_type_error("owner", _("ein Amtlicher Gemeindeschlüssel (Text)")))
            elif (authority := self.refs.authority(ags.strip())) is None:
                result.reasons.append(_("Die Behörde mit dem AGS „%(ags)s“ gibt es nicht.") % {"ags": ags})
            else:
                result.data["owner"] = authority
        if "maturity_level" in obj:
            self._maturity(obj, result)

    def _maturity(self, obj: dict[str, Any], result: _Line) -> None:
        level, model_name = obj["maturity_level"], obj.get("maturity_model")
        if level is None:
            result.data["maturity_level"] = None
        elif isinstance(level, bool) or not isinstance(level, int):
            result.reasons.append(_type_error("maturity_level", _("eine ganze Zahl oder null")))
        elif model_name is not None and not isinstance(model_name, str):
            result.reasons.append(_type_error("maturity_model", _("ein Text")))
        elif (found := self.refs.level(model_name, level)) is None:
            result.reasons.append(
                _("Reifegrad %(level)d gibt es im Modell „%(model)s“ nicht.")
                % {"level": level, "model": model_name or _("Standardmodell")}
            )
        else:
            result.data["maturity_level"] = found


_SKIP_CLEAN = ["owner", "slug", "external_id", "ozg_leistung", "themenfeld", "maturity_level", "version"]


def _field_errors(data: dict[str, Any]) -> list[str]:
    """Django's own field checks (length, URL) for the fields the line sets, with German labels."""
    probe = Service(**{k: v for k, v in data.items() if k != "lebenslagen" and k not in _SKIP_CLEAN})
    exclude = [f.name for f in Service._meta.concrete_fields if f.name not in data] + _SKIP_CLEAN
    try:
        probe.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{getattr(Service._meta.get_field(name), 'verbose_name', name)}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        ]
    return []


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    for raw in read_lines(path):
        if raw.text is None or raw.text.strip():
            yield raw.number, raw.text


def _too_long() -> str:
    return _("Die Zeile ist länger als %(mb)d MB und wurde übersprungen.") % {
        "mb": MAX_LINE_BYTES // 1024 // 1024
    }


def _check_file_lines(path: Path, parser: _LineParser) -> dict[int, tuple[str, str]]:
    """First pass: every rejected line (file line number → id, reason)."""
    rejected: dict[int, tuple[str, str]] = {}
    lines_by_id: dict[str, list[int]] = defaultdict(list)
    count = 0
    for number, text in _lines(path):
        count += 1
        if text is None:
            rejected[number] = ("", _too_long())
            continue
        line = parser.parse(text)
        if line.external_id is not None:
            lines_by_id[line.external_id].append(number)
        if line.reasons:
            rejected[number] = (line.external_id or "", " ".join(line.reasons))
    if count == 0:
        raise ImportRejected(_("Die Datei %(name)s enthält keine Zeilen.") % {"name": path.name})
    for external_id, numbers in lines_by_id.items():
        if len(numbers) > 1:
            reason = _("Die ID „%(id)s“ kommt mehrfach vor (Zeilen %(lines)s).") % {
                "id": external_id,
                "lines": line_list(numbers),
            }
            for number in numbers:
                earlier = rejected[number][1] + " " if number in rejected else ""
                rejected[number] = (external_id, earlier + reason)
    return rejected


def _write_line(line: _Line, *, actor: Any, owner: Authority, source: str, written: list[int]) -> Outcome:
    existing = Service.objects.filter(external_id=line.external_id).first()
    if existing is None:
        data = {"owner": owner, **line.data, "external_id": line.external_id}
        written.append(service_create(actor=actor, data=data, source=source, reindex=False).pk)
        return Outcome.CREATED
    changed = service_update(actor=actor, service=existing, data=line.data, source=source, reindex=False)
    if changed:
        written.append(existing.pk)
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


def import_catalogue_jsonl(
    path: Path,
    *,
    owner: Authority | None = None,
    actor: Any = None,
    dry_run: bool = False,
    source: str = "",
) -> ImportReport:
    """Import services from a JSON Lines file; see ``docs/formats/catalogue.md``.

    ``owner`` maintains newly created services (default: the Kreis). Raises :class:`ImportRejected`
    (nothing written) when the file is rejected as a whole, ``PermissionDenied`` when ``actor`` may
    not edit the owner's catalogue. A line for a service of another authority the actor may not edit
    is rejected on its own.
    """
    path = Path(path)
    owner = owner or catalogue_owner()
    require(can_edit_catalog(actor, owner))
    check_file(path)
    report = ImportReport(source=str(path), dry_run=dry_run)
    report.entity(ENTITY)
    parser = _LineParser(_References())
    rejected = _check_file_lines(path, parser)
    source = source or f"import-catalogue {path.name}"
    written: list[int] = []
    with transaction.atomic():
        for number, text in _lines(path):
            if number in rejected or text is None:
                continue
            line = parser.parse(text)
            try:
                outcome = _write_line(line, actor=actor, owner=owner, source=source, written=written)
            except ValidationError as error:
                rejected[number] = (line.external_id or "", " ".join(error.messages))
            except IntegrityError:
                # Only a concurrent change of the same service gets here; its savepoint was rolled back.
                rejected[number] = (
                    line.external_id or "",
                    _("Die Leistung wurde gleichzeitig anderweitig geändert; bitte erneut importieren."),
                )
            except PermissionDenied:
                rejected[number] = (
                    line.external_id or "",
                    _("Keine Berechtigung, Leistungen dieser Behörde zu ändern."),
                )
            else:
                report.add(
                    entity=ENTITY, file=path.name, line=number, key=line.external_id or "", outcome=outcome
                )
        if dry_run:
            transaction.set_rollback(True)
        elif written:
            # One index rebuild for the whole import instead of one task per service.
            search_reindex_enqueue(written)
    for number, (key, reason) in sorted(rejected.items()):
        report.reject(entity=ENTITY, file=path.name, line=number, key=key, reason=reason)
    return report


def catalogue_file_services(
    path: Path,
) -> tuple[list[tuple[str, dict[str, Any]]], dict[int, tuple[str, str]]]:
    """What a first import of ``path`` would create, without writing anything.

    Returns the accepted lines as (id, field values) in file order, and the rejected lines (line number →
    id, reason), checked exactly as :func:`import_catalogue_jsonl` checks them against the database's
    reference data. ``amtsweg search-eval`` builds its index from this, so that it measures the catalogue
    an operator's import produces. Raises :class:`ImportRejected` for a file rejected as a whole.
    """
    path = Path(path)
    check_file(path)
    parser = _LineParser(_References())
    rejected = _check_file_lines(path, parser)
    accepted: list[tuple[str, dict[str, Any]]] = []
    for number, text in _lines(path):
        if number in rejected or text is None:
            continue
        line = parser.parse(text)
        if line.external_id is not None:
            accepted.append((line.external_id, line.data))
    return accepted, rejected


# Export ---------------------------------------------------------------------------------------


def service_record(service: Service) -> dict[str, Any]:
    """One service in the exchange format, with every field, in a fixed key order."""
    level = service.maturity_level
    return {
        "id": service.external_id,
        "name": service.name,
        "description": service.full_text or service.short_text,
        "leika": service.leika_key or None,
        "keywords": list(service.keywords or []),
        **{key: getattr(service, model_field) for key, model_field in TEXT_FIELDS.items()},
        "lebenslagen": sorted(lebenslage.code for lebenslage in service.lebenslagen.all()),
        "themenfeld": service.themenfeld.code if service.themenfeld else None,
        "ozg_id": service.ozg_leistung.ozg_id if service.ozg_leistung else None,
        "url": service.online_url or None,
        "audience": service.audience,
        "maturity_level": level.level if level else None,
        "maturity_model": level.model.name if level else None,
        "owner": service.owner.ags,
        "published": service.is_published,
    }


class TextSink(Protocol):
    """Anything with ``write(str)``: an open text file, ``sys.stdout``, a command's ``self.stdout``."""

    def write(self, text: str, /) -> object: ...


def export_catalogue_jsonl(stream: TextSink, *, include_unpublished: bool = False) -> int:
    """Write the catalogue (published services, or all) to ``stream``, sorted by id. Returns the count."""
    services = Service.objects.select_related(
        "owner", "themenfeld", "ozg_leistung", "maturity_level", "maturity_level__model"
    ).prefetch_related("lebenslagen")
    if not include_unpublished:
        services = services.filter(is_published=True)
    count = 0
    for service in services.order_by("external_id").iterator(chunk_size=500):
        stream.write(json.dumps(service_record(service), ensure_ascii=False) + "\n")
        count += 1
    return count
