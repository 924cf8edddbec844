"""Import of the official municipality register: the Kreis, its towns and municipalities, postcodes.

A new installation starts here (docs/first-run.md). The operator provides the register file; Amtsweg
reads it and never ships one. Four layouts are recognised by their content:

* **GV100AD** – the Gemeindeverzeichnis of Destatis as fixed-width text (Satzart, Gebietsstand,
  Amtlicher Gemeindeschlüssel, name, Textkennzeichen, population, postcode);
* **GV-ISys as CSV** – the Excel table of the Gemeindeverzeichnis-Informationssystem saved as CSV
  (columns found by their headings: Satzart, Textkennzeichen, Land, RB, Kreis, Gem, Gemeindename,
  Bevölkerung, Postleitzahl – title lines and two-line headings are fine);
* **KDN municipality list** (``name,url``) – it has no AGS, so it can only add the website of a town
  that already exists;
* **a postcode list** (columns ``plz`` and ``ags``) – adds further postcodes to existing towns.

Only records of the chosen Kreis are used; other Kreise in a nationwide file are counted and skipped.
Every record goes through :func:`amtsweg.tenants.services.organisation_save` (permission, validation,
audit). Bad rows are reported with their line and a German reason; the rest is imported in one
transaction. Running the import twice changes nothing the second time.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_edit_organisation, require
from amtsweg.core.importreport import ImportRejected, ImportReport, Outcome, line_list
from amtsweg.core.text import fold, slugify_de
from amtsweg.tenants.models import Authority, PostalCode
from amtsweg.tenants.register_formats import (
    FORMAT_GV100AD,
    FORMAT_GVISYS,
    FORMAT_KDN,
    FORMAT_LABELS,
    SATZART_GEMEINDE,
    SATZART_KREIS,
    RegisterEntry,
    csv_rows,
    decode_register,
    detect_format,
    find_header,
    only_digits,
    read_gv100ad,
    read_gvisys,
)
from amtsweg.tenants.services import organisation_save

ENTITY_AUTHORITIES = "Behörden"
ENTITY_POSTCODES = "Postleitzahlen"
ENTITY_WEBSITES = "Internetseiten"

# Textkennzeichen of the Gemeindeverzeichnis (Destatis).
KREIS_PREFIX = {"43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}
KREISFREI = {"41", "42", "61", "62"}
STADT = {"63", "67"}
GEMEINDE = {"60", "64"}
GEMEINDEFREI = {"65", "66"}
# "Billerbeck, Stadt" – the status after the comma becomes the prefix of the full name.
_STATUS_SUFFIX = re.compile(r"^(?P<base>.+?),\s*(?P<status>[^,]+)$")
_STADT_WORDS = ("stadt",)


@dataclass
class RegisterResult:
    """What an import did: the report, the recognised format and what was skipped on purpose."""

    report: ImportReport
    format: str
    kreis_ags: str
    skipped_other: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def format_label(self) -> str:
        return str(FORMAT_LABELS[self.format])


def kreis_key(value: str | None = None) -> str:
    """The 5-digit Kreisschlüssel from ``value`` (5 digits, or an 8-digit AGS ending in 000)."""
    raw = (value or settings.AMTSWEG_KREIS_AGS or "").strip().replace(" ", "")
    if re.fullmatch(r"\d{5}", raw):
        return raw
    if re.fullmatch(r"\d{5}000", raw):
        return raw[:5]
    raise ImportRejected(
        _(
            "„%(value)s“ ist kein Kreisschlüssel. Bitte die fünf Ziffern des Kreises angeben "
            "(z. B. 05554 für den Kreis Borken) oder seinen Amtlichen Gemeindeschlüssel (05554000)."
        )
        % {"value": raw}
    )


# --- checking ----------------------------------------------------------------------------------------


@dataclass
class _Planned:
    entry: RegisterEntry
    values: dict[str, Any]


def _population(value: str) -> int | None:
    digits = value.replace(".", "").replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits.isdigit() else None


def municipality_names(raw: str, kind: str) -> tuple[str, str]:
    """Full and short name from the register: "Billerbeck, Stadt" → ("Stadt Billerbeck", "Billerbeck")."""
    match = _STATUS_SUFFIX.match(raw)
    if match:
        base, status = match["base"].strip(), match["status"].strip()
        return f"{status} {base}", base
    prefix = _("Stadt") if kind == Authority.Kind.STADT else _("Gemeinde")
    return f"{prefix} {raw}", raw


def _kind_of(entry: RegisterEntry) -> tuple[str | None, str]:
    """The kind of a Satzart 60 record, or None and the reason why it cannot be a municipality here."""
    tkz = entry.textkennzeichen
    if tkz in STADT:
        return Authority.Kind.STADT, ""
    if tkz in GEMEINDE:
        return Authority.Kind.GEMEINDE, ""
    if tkz in KREISFREI:
        return None, _("Eine kreisfreie Stadt gehört zu keinem Kreis (Textkennzeichen %(tkz)s).") % {
            "tkz": tkz
        }
    if tkz in GEMEINDEFREI:
        return None, _("Ein gemeindefreies Gebiet ist keine Behörde (Textkennzeichen %(tkz)s).") % {
            "tkz": tkz
        }
    if not tkz:
        match = _STATUS_SUFFIX.match(entry.name)
        status = fold(match["status"]) if match else ""
        return (Authority.Kind.STADT if status.endswith(_STADT_WORDS) else Authority.Kind.GEMEINDE), ""
    return None, _("Unbekanntes Textkennzeichen „%(tkz)s“.") % {"tkz": tkz}


def _entry_problems(entry: RegisterEntry) -> list[str]:
    problems = []
    if not re.fullmatch(r"\d{8}", entry.ags):
        problems.append(
            _("„%(ags)s“ ist kein Amtlicher Gemeindeschlüssel (8 Ziffern).") % {"ags": entry.ags or "–"}
        )
    if not entry.name:
        problems.append(_("Der Name fehlt."))
    elif len(entry.name) > 150:
        problems.append(_("Der Name ist länger als 150 Zeichen."))
    return problems


class _Writer:
    """Compares planned records with the database and saves what differs, counting each outcome."""

    def __init__(self, report: ImportReport, actor: Any, source: str, file: str) -> None:
        self.report, self.actor, self.source, self.file = report, actor, source, file
        self.taken_slugs = set(Authority.objects.values_list("slug", flat=True))

    def slug(self, text: str) -> str:
        base = slugify_de(text, max_length=90)
        slug, n = base, 2
        while slug in self.taken_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.taken_slugs.add(slug)
        return slug

    def authority(self, planned: _Planned, *, slug_from: str) -> Authority | None:
        entry, values = planned.entry, planned.values
        existing = Authority.objects.filter(ags=entry.ags).first()
        if existing is None:
            obj = Authority(ags=entry.ags, slug=self.slug(slug_from), **values)
            changed = ["name", "short_name", "kind", "ags", "parent", "population"]
            outcome = Outcome.CREATED
        else:
            obj = existing
            changed = [
                name
                for name, value in values.items()
                if value is not None or name == "parent"
                if getattr(obj, name) != value
            ]
            if not changed:
                self.report.add(
                    entity=ENTITY_AUTHORITIES,
                    file=self.file,
                    line=entry.line,
                    key=entry.ags,
                    outcome=Outcome.UNCHANGED,
                )
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            outcome = Outcome.UPDATED
        try:
            organisation_save(actor=self.actor, obj=obj, changed=changed, source=self.source)
        except ValidationError as error:
            if existing is not None:
                existing.refresh_from_db()
            self.report.reject(
                entity=ENTITY_AUTHORITIES,
                file=self.file,
                line=entry.line,
                key=entry.ags,
                reason=" ".join(error.messages),
            )
            return existing
        self.report.add(
            entity=ENTITY_AUTHORITIES, file=self.file, line=entry.line, key=entry.ags, outcome=outcome
        )
        return obj

    def postcode(self, line: int, code: str, municipality: Authority) -> None:
        key = f"{code} {municipality.ags}"
        if not re.fullmatch(r"\d{5}", code):
            self.report.reject(
                entity=ENTITY_POSTCODES,
                file=self.file,
                line=line,
                key=key,
                reason=_("„%(code)s“ ist keine Postleitzahl (5 Ziffern).") % {"code": code},
            )
            return
        if PostalCode.objects.filter(code=code, municipality=municipality).exists():
            self.report.add(
                entity=ENTITY_POSTCODES, file=self.file, line=line, key=key, outcome=Outcome.UNCHANGED
            )
            return
        organisation_save(
            actor=self.actor,
            obj=PostalCode(code=code, municipality=municipality),
            changed=["code"],
            source=self.source,
        )
        self.report.add(entity=ENTITY_POSTCODES, file=self.file, line=line, key=key, outcome=Outcome.CREATED)


def _reject_duplicates(entries: list[RegisterEntry], report: ImportReport, file: str) -> list[RegisterEntry]:
    lines: dict[str, list[int]] = {}
    for entry in entries:
        lines.setdefault(entry.ags, []).append(entry.line)
    kept = []
    for entry in entries:
        if len(lines[entry.ags]) > 1:
            report.reject(
                entity=ENTITY_AUTHORITIES,
                file=file,
                line=entry.line,
                key=entry.ags,
                reason=_("Der Gemeindeschlüssel kommt mehrfach vor (Zeilen %(lines)s).")
                % {"lines": line_list(lines[entry.ags])},
            )
        else:
            kept.append(entry)
    return kept


def _import_register(
    entries: list[RegisterEntry], result: RegisterResult, writer: _Writer, kreis5: str
) -> None:
    report = result.report
    ours: list[RegisterEntry] = []
    for entry in entries:
        if entry.satzart not in (SATZART_KREIS, SATZART_GEMEINDE):
            continue  # Land, Regierungsbezirk, Region, Gemeindeverband: not authorities here
        if entry.ags[:5] != kreis5:
            result.skipped_other += 1
            continue
        problems = _entry_problems(entry)
        if problems:
            report.reject(
                entity=ENTITY_AUTHORITIES,
                file=writer.file,
                line=entry.line,
                key=entry.ags,
                reason=" ".join(problems),
            )
            continue
        ours.append(entry)
    ours = _reject_duplicates(ours, report, writer.file)
    kreis_entries = [e for e in ours if e.satzart == SATZART_KREIS]
    town_entries = [e for e in ours if e.satzart == SATZART_GEMEINDE]
    kreis_ags = f"{kreis5}000"
    kreis = Authority.objects.filter(ags=kreis_ags).first()
    if kreis_entries:
        entry = kreis_entries[0]
        if entry.textkennzeichen in KREISFREI:
            raise ImportRejected(
                _("%(name)s (%(ags)s) ist eine kreisfreie Stadt und hat keine kreisangehörigen Gemeinden.")
                % {"name": entry.name, "ags": entry.ags}
            )
        name = entry.name
        if not fold(name).startswith(("kreis ", "landkreis ", "regionalverband ")):
            name = f"{KREIS_PREFIX.get(entry.textkennzeichen, 'Kreis')} {name}"
        kreis = writer.authority(
            _Planned(
                entry,
                {
                    "name": name,
                    "short_name": name,
                    "kind": Authority.Kind.KREIS,
                    "parent": None,
                    "population": _population(entry.population),
                },
            ),
            slug_from=name,
        )
    if kreis is None:
        raise ImportRejected(
            _(
                "Die Datei enthält keinen Satz der Satzart 40 für den Kreis %(kreis)s, und der Kreis ist "
                "noch nicht angelegt. Bitte das vollständige Gemeindeverzeichnis verwenden."
            )
            % {"kreis": kreis5}
        )
    if not town_entries and not kreis_entries:
        raise ImportRejected(
            _("Die Datei enthält keine Gemeinden des Kreises %(kreis)s.") % {"kreis": kreis5}
        )
    for entry in town_entries:
        kind, reason = _kind_of(entry)
        if kind is None:
            report.reject(
                entity=ENTITY_AUTHORITIES, file=writer.file, line=entry.line, key=entry.ags, reason=reason
            )
            continue
        name, short_name = municipality_names(entry.name, kind)
        town = writer.authority(
            _Planned(
                entry,
                {
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "parent": kreis,
                    "population": _population(entry.population),
                },
            ),
            slug_from=short_name,
        )
        if town is not None and town.pk is not None and entry.postcode:
            writer.postcode(entry.line, entry.postcode, town)


def _kreis_towns(kreis5: str) -> list[Authority]:
    towns = list(
        Authority.objects.filter(
            parent__ags=f"{kreis5}000", kind__in=[Authority.Kind.STADT, Authority.Kind.GEMEINDE]
        )
    )
    if not towns:
        raise ImportRejected(
            _(
                "Der Kreis %(kreis)s hat noch keine Gemeinden. Bitte zuerst das Gemeindeverzeichnis "
                "(GV100AD oder GV-ISys) importieren; diese Liste enthält keine Gemeindeschlüssel."
            )
            % {"kreis": kreis5}
        )
    return towns


def _website(url: str) -> str:
    url = url.strip()
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        url = "https://" + url
    return url


def _import_kdn(text: str, result: RegisterResult, writer: _Writer, kreis5: str) -> None:
    towns = _kreis_towns(kreis5)
    by_name = {fold(t.short_name): t for t in towns}
    rows = csv_rows(text)
    start, columns = find_header(rows, ("name", "url"))
    report = result.report
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        name = row[columns["name"]].strip() if columns["name"] < len(row) else ""
        url = row[columns["url"]].strip() if columns["url"] < len(row) else ""
        town = by_name.get(fold(name))
        if town is None:
            close = difflib.get_close_matches(fold(name), list(by_name), n=1, cutoff=0.85)
            if close and name:
                report.reject(
                    entity=ENTITY_WEBSITES,
                    file=writer.file,
                    line=number,
                    key=name,
                    reason=_(
                        "Keine Gemeinde des Kreises heißt „%(name)s“ – gemeint ist vielleicht „%(match)s“? "
                        "Bitte den Namen in der Liste berichtigen."
                    )
                    % {"name": name, "match": by_name[close[0]].short_name},
                )
            else:
                result.skipped_other += 1
            continue
        website = _website(url)
        if not website:
            report.reject(
                entity=ENTITY_WEBSITES,
                file=writer.file,
                line=number,
                key=name,
                reason=_("Die Internetadresse fehlt."),
            )
            continue
        if town.website == website:
            report.add(
                entity=ENTITY_WEBSITES, file=writer.file, line=number, key=name, outcome=Outcome.UNCHANGED
            )
            continue
        previous = town.website
        town.website = website
        try:
            organisation_save(actor=writer.actor, obj=town, changed=["website"], source=writer.source)
        except ValidationError as error:
            town.website = previous
            report.reject(
                entity=ENTITY_WEBSITES,
                file=writer.file,
                line=number,
                key=name,
                reason=" ".join(error.messages),
            )
            continue
        report.add(
            entity=ENTITY_WEBSITES,
            file=writer.file,
            line=number,
            key=name,
            outcome=Outcome.UPDATED if previous else Outcome.CREATED,
        )


def _import_postcodes(text: str, result: RegisterResult, writer: _Writer, kreis5: str) -> None:
    towns = {t.ags: t for t in _kreis_towns(kreis5)}
    rows = csv_rows(text)
    start, columns = find_header(rows, ("plz", "ags"))
    plz_column = columns["plz"] if "plz" in columns else columns["postleitzahl"]
    seen: Counter[tuple[str, str]] = Counter()
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        ags = only_digits(row[columns["ags"]]) if columns["ags"] < len(row) else ""
        code = only_digits(row[plz_column]) if plz_column < len(row) else ""
        if len(ags) == 7 and ags.isdigit():
            ags = "0" + ags  # spreadsheet programs drop the leading zero of NRW and other Länder
        if ags[:5] != kreis5:
            result.skipped_other += 1
            continue
        town = towns.get(ags)
        if town is None:
            result.report.reject(
                entity=ENTITY_POSTCODES,
                file=writer.file,
                line=number,
                key=f"{code} {ags}",
                reason=_("Eine Gemeinde mit dem Schlüssel %(ags)s gibt es im Kreis nicht.") % {"ags": ags},
            )
            continue
        seen[(code, ags)] += 1
        if seen[(code, ags)] > 1:
            continue  # the same pair again (one row per district in many lists)
        writer.postcode(number, code, town)


def register_import(
    path: Path | str,
    *,
    kreis: str | None = None,
    actor: Any = None,
    dry_run: bool = False,
    data: bytes | None = None,
    source: str = "",
) -> RegisterResult:
    """Import the register file ``path`` (or its bytes in ``data``) for the Kreis ``kreis``.

    ``kreis`` is the 5-digit Kreisschlüssel or the Kreis's AGS; default: ``AMTSWEG_KREIS_AGS``.
    Creating authorities needs a platform-wide role (the system may). Raises :class:`ImportRejected`
    (nothing written) when the file as a whole cannot be used.
    """
    kreis5 = kreis_key(kreis)
    path = Path(path)
    if data is None:
        if not path.is_file():
            raise ImportRejected(_("Die Datei %(name)s gibt es nicht.") % {"name": path})
        if path.stat().st_size > int(settings.AMTSWEG_IMPORT_MAX_BYTES):
            raise ImportRejected(_("Die Datei %(name)s ist größer als erlaubt.") % {"name": path.name})
        data = path.read_bytes()
    elif len(data) > int(settings.AMTSWEG_IMPORT_MAX_BYTES):
        raise ImportRejected(_("Die Datei %(name)s ist größer als erlaubt.") % {"name": path.name})
    if not data.strip():
        raise ImportRejected(_("Die Datei %(name)s ist leer.") % {"name": path.name})
    notes: list[str] = []
    text = decode_register(data, path.name, notes)
    fmt = detect_format(text)
    if fmt in (FORMAT_GV100AD, FORMAT_GVISYS) and not Authority.objects.filter(ags=f"{kreis5}000").exists():
        require(can_edit_organisation(actor, None))  # a new Kreis: platform business
    report = ImportReport(source=str(path), dry_run=dry_run)
    result = RegisterResult(report=report, format=fmt, kreis_ags=f"{kreis5}000", notes=notes)
    writer = _Writer(report, actor, source or f"import-municipalities {path.name}", path.name)
    with transaction.atomic():
        if fmt == FORMAT_GV100AD:
            _import_register(read_gv100ad(text), result, writer, kreis5)
        elif fmt == FORMAT_GVISYS:
            _import_register(read_gvisys(text), result, writer, kreis5)
        elif fmt == FORMAT_KDN:
            _import_kdn(text, result, writer, kreis5)
        else:
            _import_postcodes(text, result, writer, kreis5)
        if dry_run:
            transaction.set_rollback(True)
    if result.kreis_ags != settings.AMTSWEG_KREIS_AGS:
        result.notes.append(
            _(
                "Diese Installation zeigt den Kreis mit dem Schlüssel %(configured)s. Für den importierten "
                "Kreis bitte AMTSWEG_KREIS_AGS=%(kreis)s setzen und Amtsweg neu starten."
            )
            % {"configured": settings.AMTSWEG_KREIS_AGS, "kreis": result.kreis_ags}
        )
    return result
