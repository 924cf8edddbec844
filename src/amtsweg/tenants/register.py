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

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Sequence
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
from amtsweg.tenants.services import organisation_save

ENTITY_AUTHORITIES = "Behörden"
ENTITY_POSTCODES = "Postleitzahlen"
ENTITY_WEBSITES = "Internetseiten"

FORMAT_GV100AD = "GV100AD"
FORMAT_GVISYS = "GV-ISys"
FORMAT_KDN = "KDN"
FORMAT_POSTCODES = "PLZ"
FORMAT_LABELS = {
    FORMAT_GV100AD: "Gemeindeverzeichnis GV100AD (Destatis, feste Spaltenbreiten)",
    FORMAT_GVISYS: "Gemeindeverzeichnis GV-ISys (Destatis, Tabelle als CSV)",
    FORMAT_KDN: "Kommunenliste der KDN (name,url)",
    FORMAT_POSTCODES: "Postleitzahlenliste (plz, ags)",
}

SATZART_KREIS = "40"
SATZART_GEMEINDE = "60"
# Textkennzeichen of the Gemeindeverzeichnis (Destatis).
KREIS_PREFIX = {"43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}
KREISFREI = {"41", "42", "61", "62"}
STADT = {"63", "67"}
GEMEINDE = {"60", "64"}
GEMEINDEFREI = {"65", "66"}
# "Billerbeck, Stadt" – the status after the comma becomes the prefix of the full name.
_STATUS_SUFFIX = re.compile(r"^(?P<base>.+?),\s*(?P<status>[^,]+)$")
_STADT_WORDS = ("stadt",)
_GV100AD_START = re.compile(r"^\d{2}\d{8}\d{2}")


@dataclass
class RegisterEntry:
    """One record of the register, as read (before any check)."""

    line: int
    satzart: str
    ags: str
    name: str
    textkennzeichen: str = ""
    postcode: str = ""
    population: str = ""


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
        return FORMAT_LABELS[self.format]


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


# --- reading -----------------------------------------------------------------------------------------


def _decode(data: bytes, name: str, notes: list[str]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(
            _("Die Datei %(name)s ist UTF-16-kodiert. Bitte als UTF-8 oder Windows-1252 speichern.")
            % {"name": name}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Destatis delivers older editions in ISO-8859-1, and spreadsheet programs save CSV in
        # Windows-1252: both decode here (Windows-1252 is a superset for printable characters).
        notes.append(_("Die Datei ist nicht UTF-8-kodiert und wurde als Windows-1252 (Latin-1) gelesen."))
        return data.decode("cp1252", errors="replace")


def _heading(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _sniff(lines: Sequence[str]) -> str:
    sample = "\n".join(lines[:20])
    counts = {delimiter: sample.count(delimiter) for delimiter in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _cells(text: str) -> list[list[str]]:
    lines = text.splitlines()
    return list(csv.reader(io.StringIO(text), delimiter=_sniff(lines)))


def detect_format(text: str) -> str:
    """Which of the supported layouts ``text`` has; :class:`ImportRejected` when none."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if _GV100AD_START.match(line) and len(line) >= 72:
            return FORMAT_GV100AD
        break
    rows = _cells(text)
    for row in rows[:20]:
        headings = {_heading(cell) for cell in row}
        if "satzart" in headings:
            return FORMAT_GVISYS
        if {"name", "url"} <= headings:
            return FORMAT_KDN
        if {"plz", "ags"} <= headings or {"postleitzahl", "ags"} <= headings:
            return FORMAT_POSTCODES
    raise ImportRejected(
        _(
            "Das Format der Datei ist unbekannt. Erwartet wird das Gemeindeverzeichnis von Destatis "
            "(GV100AD oder die GV-ISys-Tabelle als CSV mit der Spalte „Satzart“), die KDN-Kommunenliste "
            "(Spalten „name“ und „url“) oder eine Postleitzahlenliste (Spalten „plz“ und „ags“)."
        )
    )


def _digits(value: str) -> str:
    return value.strip().replace(" ", "")


def read_gv100ad(text: str) -> list[RegisterEntry]:
    """Fixed-width records: Satzart 1–2, Gebietsstand 3–10, AGS 11–18, name 23–72, Textkennzeichen
    123–124; for Satzart 60 also population 140–150 and postcode 166–170 (positions count characters)."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        satzart = line[0:2]
        key = line[10:18].strip()
        if satzart == SATZART_KREIS:
            key = key[:5] + "000" if len(key) >= 5 else key
        entries.append(
            RegisterEntry(
                line=number,
                satzart=satzart,
                ags=key,
                name=line[22:72].strip(),
                textkennzeichen=line[122:124].strip(),
                population=line[139:150].strip() if satzart == SATZART_GEMEINDE else "",
                postcode=line[165:170].strip() if satzart == SATZART_GEMEINDE else "",
            )
        )
    return entries


_GVISYS_COLUMNS = {
    "satzart": ("satzart",),
    "textkennzeichen": ("textkennzeichen", "tkz"),
    "land": ("land",),
    "rb": ("rb", "regierungsbezirk"),
    "kreis": ("kreis",),
    "gem": ("gem", "gemeinde"),
    "name": ("gemeindename", "name", "amtlichername"),
    "postcode": ("postleitzahl", "plz"),
    "population": ("bevolkerunginsgesamt", "bevolkerung", "insgesamt", "einwohner"),
}


def _column_map(header_rows: list[list[str]]) -> dict[str, int]:
    width = max((len(row) for row in header_rows), default=0)
    headings = [
        [_heading(row[index]) for row in header_rows if index < len(row) and row[index].strip()]
        for index in range(width)
    ]
    found: dict[str, int] = {}
    for column, names in _GVISYS_COLUMNS.items():
        for name in names:  # the first name that matches wins, in the order given
            for index, texts in enumerate(headings):
                if name in texts and index not in found.values():
                    found[column] = index
                    break
            if column in found:
                break
    return found


def read_gvisys(text: str) -> list[RegisterEntry]:
    rows = _cells(text)
    first_data = next(
        (i for i, row in enumerate(rows) if row and re.fullmatch(r"\d{2}", row[0].strip()) and len(row) > 4),
        None,
    )
    if first_data is None:
        raise ImportRejected(_("Die Tabelle enthält keine Datensätze (keine Zeile mit einer Satzart)."))
    start = max(
        (i for i, row in enumerate(rows[:first_data]) if "satzart" in {_heading(c) for c in row}), default=0
    )
    columns = _column_map(rows[start:first_data])
    missing = [c for c in ("satzart", "land", "rb", "kreis", "gem", "name") if c not in columns]
    if missing:
        raise ImportRejected(
            _("In der Tabelle fehlen die Spalten: %(missing)s.") % {"missing": ", ".join(missing)}
        )

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    entries = []
    for number, row in enumerate(rows[first_data:], start=first_data + 1):
        if not any(c.strip() for c in row):
            continue
        satzart = cell(row, "satzart")
        ags = (cell(row, "land") + cell(row, "rb") + cell(row, "kreis") + cell(row, "gem")).replace(" ", "")
        if satzart == SATZART_KREIS and len(ags) == 5:
            ags += "000"
        entries.append(
            RegisterEntry(
                line=number,
                satzart=satzart,
                ags=ags,
                name=cell(row, "name"),
                textkennzeichen=cell(row, "textkennzeichen"),
                postcode=_digits(cell(row, "postcode")),
                population=cell(row, "population"),
            )
        )
    return entries


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


def _header_index(rows: list[list[str]], needed: Sequence[str]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:20]):
        headings = [_heading(c) for c in row]
        if all(any(h == n for h in headings) for n in needed) or (
            "plz" in needed and "postleitzahl" in headings and "ags" in headings
        ):
            return i, {h: j for j, h in enumerate(headings) if h}
    raise ImportRejected(_("Die Kopfzeile der Liste fehlt."))


def _website(url: str) -> str:
    url = url.strip()
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        url = "https://" + url
    return url


def _import_kdn(text: str, result: RegisterResult, writer: _Writer, kreis5: str) -> None:
    towns = _kreis_towns(kreis5)
    by_name = {fold(t.short_name): t for t in towns}
    rows = _cells(text)
    start, columns = _header_index(rows, ("name", "url"))
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
    rows = _cells(text)
    start, columns = _header_index(rows, ("plz", "ags"))
    plz_column = columns["plz"] if "plz" in columns else columns["postleitzahl"]
    seen: Counter[tuple[str, str]] = Counter()
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        ags = _digits(row[columns["ags"]]) if columns["ags"] < len(row) else ""
        code = _digits(row[plz_column]) if plz_column < len(row) else ""
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
    text = _decode(data, path.name, notes)
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
