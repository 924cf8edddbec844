"""Import of the KDN OZG catalogue CSVs: Themenfelder, Lebenslagen, OZG-Leistungen, LeiKa entries.

The import runs in two phases. First all four files are read and every row is checked (encoding,
columns, keys, placeholder text, references between the files); a file rejected as a whole stops
the run before anything is written. Then the accepted rows are compared with the database and
written in one transaction through :func:`amtsweg.catalog.reference.reference_data_save`.
Running the import twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from amtsweg.access.permissions import require
from amtsweg.catalog.importers.files import CsvRow, read_csv
from amtsweg.catalog.importers.report import ImportRejected, ImportReport, Outcome, line_list
from amtsweg.catalog.importers.text import normalize_plain
from amtsweg.catalog.models import Lebenslage, LeikaEntry, OzgLeistung, Themenfeld
from amtsweg.catalog.reference import ReferenceChanges, can_edit_reference, reference_data_save
from amtsweg.catalog.validators import normalize_leika_key, validate_leika_key
from amtsweg.core.text import slugify_de

THEMENFELDER_CSV = "themenfelder.csv"
LEBENSLAGEN_CSV = "lebenslagen.csv"
OZG_CSV = "ozg_leistungen.csv"
LEIKA_CSV = "leika_leistungen.csv"
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    THEMENFELDER_CSV: ("themenfeld_id", "themenfeld"),
    LEBENSLAGEN_CSV: ("lebenslage_id", "lebenslage", "themenfeld_id"),
    OZG_CSV: ("ozg_id", "ozg_leistung", "lebenslage", "themenfeld"),
    LEIKA_CSV: ("leika_schluessel", "leistung", "ozg_id"),
}

ENTITY_THEMENFELD = "Themenfelder"
ENTITY_LEBENSLAGE = "Lebenslagen"
ENTITY_OZG = "OZG-Leistungen"
ENTITY_LEIKA = "LeiKa-Einträge"

# The KDN data does not say whether a Lebenslage addresses citizens or businesses. Without a
# column "zielgruppe" in lebenslagen.csv the importer guesses from these names, for new rows only.
BUSINESS_THEMENFELDER = frozenset({"Unternehmensführung & -entwicklung"})
BUSINESS_LEBENSLAGEN = frozenset({"Querschnitt Unternehmen"})

NOT_IN_LEIKA = "nicht im leika"
# Placeholders left by people testing the KDN database: "Test", "Test 124", "asdf" …
_PLACEHOLDER = re.compile(r"^(test|asdf\w*|dummy|todo|xxx+|lorem ipsum)\b[\s\d]*$", re.IGNORECASE)
# A single short lower-case word ("sdesf", "wqfwe") is never a real service name or legal basis.
_KEYBOARD_MASH = re.compile(r"^[a-z]{3,8}$")
_TYPISIERUNG = re.compile(r"^[1-6](/[1-6])?(\s*,\s*[1-6](/[1-6])?)*$")
_CODE = re.compile(r"^[0-9A-Za-z_.-]+$")


def junk_reason(column: str, value: str) -> str | None:
    """Why ``value`` in ``column`` looks like a test entry, or None when it looks real."""
    if _PLACEHOLDER.match(value) or _KEYBOARD_MASH.match(value):
        return _("Platzhalter statt Inhalt in Spalte „%(column)s“: „%(value)s“.") % {
            "column": column,
            "value": value,
        }
    return None


def lebenslage_audience(name: str, themenfeld_name: str, explicit: str = "") -> str:
    """Audience of a Lebenslage: the explicit column value when valid, else the documented guess."""
    if explicit in Lebenslage.Audience.values:
        return explicit
    if name in BUSINESS_LEBENSLAGEN or themenfeld_name in BUSINESS_THEMENFELDER:
        return Lebenslage.Audience.BUSINESSES.value
    return Lebenslage.Audience.CITIZENS.value


def _line(value: str) -> str:
    return " ".join(normalize_plain(value).split())


def _max_length(model: type[models.Model], field: str) -> int:
    return int(model._meta.get_field(field).max_length or 0)  # type: ignore[union-attr]


# A checked text column: the model field it goes to, and whether it is free text (checked for placeholders).
_Column = tuple[type[models.Model], str, bool]


@dataclass
class _Row:
    file: str
    line: int
    key: str
    values: dict[str, str]
    reasons: list[str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


class _Checker:
    """Streams one CSV file: rows with problems are reported at once, only accepted rows are kept."""

    def __init__(self, report: ImportReport, entity: str, file: str) -> None:
        self.report, self.entity, self.file = report, entity, file

    def read(
        self,
        path: Path,
        key_column: str,
        text_columns: dict[str, _Column],
        check: Callable[[_Row], None],
        unique: Sequence[tuple[Callable[[_Row], str], str]],
    ) -> list[_Row]:
        """Accepted rows of ``path``; ``check`` adds reasons, ``unique`` names values that must not repeat."""
        kept: list[_Row] = []
        for csv_row in read_csv(path, required=REQUIRED_COLUMNS[self.file]):
            row = self._row(csv_row, key_column, text_columns)
            if row.values:
                check(row)
            if row.reasons:
                self._reject(row)
            else:
                kept.append(row)
        for key, label in unique:
            self._mark_duplicates(kept, key, label)
        accepted = []
        for row in kept:
            if row.reasons:
                self._reject(row)
            else:
                accepted.append(row)
        return accepted

    def _reject(self, row: _Row) -> None:
        self.report.reject(
            entity=self.entity, file=self.file, line=row.line, key=row.key, reason=" ".join(row.reasons)
        )

    def _row(self, csv_row: CsvRow, key_column: str, text_columns: dict[str, _Column]) -> _Row:
        if csv_row.error:
            return _Row(self.file, csv_row.line, "", {}, [csv_row.error])
        values = {column: _line(value) for column, value in csv_row.values.items()}
        row = _Row(self.file, csv_row.line, values.get(key_column, ""), values, [])
        for column, (model, field, free_text) in text_columns.items():
            value = values.get(column, "")
            if not value:
                if field == "name":
                    row.reasons.append(_("Pflichtangabe „%(column)s“ fehlt.") % {"column": column})
                continue
            if free_text and (junk := junk_reason(column, value)) is not None:
                row.reasons.append(junk)
            limit = _max_length(model, field)
            if limit and len(value) > limit:
                row.reasons.append(
                    _("Spalte „%(column)s“ ist länger als %(limit)d Zeichen.")
                    % {"column": column, "limit": limit}
                )
        return row

    @staticmethod
    def _mark_duplicates(rows: Iterable[_Row], key: Callable[[_Row], str], label: str) -> None:
        """Every row whose value repeats is rejected: which of them is right cannot be known."""
        lines: dict[str, list[int]] = defaultdict(list)
        candidates = [row for row in rows if key(row)]
        for row in candidates:
            lines[key(row)].append(row.line)
        for row in candidates:
            found = lines[key(row)]
            if len(found) > 1:
                row.reasons.append(
                    _("%(label)s „%(value)s“ kommt mehrfach vor (Zeilen %(lines)s).")
                    % {"label": label, "value": key(row), "lines": line_list(found)}
                )


def _check_code(row: _Row, column: str, model: type[models.Model]) -> None:
    value = row.get(column)
    if not value:
        row.reasons.append(_("Pflichtangabe „%(column)s“ fehlt.") % {"column": column})
    elif not _CODE.match(value) or len(value) > _max_length(
        model, "code" if model is not OzgLeistung else "ozg_id"
    ):
        row.reasons.append(_("„%(value)s“ ist keine gültige Kennung.") % {"value": value})


class _Plan:
    """Compares accepted rows with the database and collects what to create and update."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.changes: list[ReferenceChanges] = []

    def apply[M: models.Model](
        self,
        *,
        entity: str,
        model: type[M],
        rows: Sequence[tuple[_Row, M | None, dict[str, Any]]],
        fields: Sequence[str],
        new: Callable[[_Row, dict[str, Any]], M],
    ) -> dict[str, M]:
        """``rows`` pairs each accepted row with its existing object (or None) and target values."""
        change = ReferenceChanges(model=model, fields=fields)
        targets: dict[str, M] = {}
        for row, existing, values in rows:
            if existing is None:
                obj = new(row, values)
                change.create.append(obj)
                outcome = Outcome.CREATED
            else:
                obj = existing
                changed = [f for f, v in values.items() if _differs(obj, f, v)]
                for f in changed:
                    setattr(obj, f, values[f])
                outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
                if changed:
                    change.update.append(obj)
            targets[row.key] = obj
            self.report.add(entity=entity, file=row.file, line=row.line, key=row.key, outcome=outcome)
        self.changes.append(change)
        return targets


def _differs(obj: models.Model, field: str, value: Any) -> bool:
    if isinstance(value, models.Model) or (value is None and obj._meta.get_field(field).is_relation):
        return getattr(obj, f"{field}_id") != (value.pk if value is not None else None)
    return bool(getattr(obj, field) != value)


class _Slugs:
    def __init__(self, model: type[models.Model]) -> None:
        self.taken = set(model._default_manager.values_list("slug", flat=True))

    def __call__(self, name: str) -> str:
        base = slugify_de(name)
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


def _match_by_code_or_name[M: models.Model](
    rows: Sequence[_Row], existing: Sequence[M], name_column: str
) -> list[M | None]:
    """Existing object for each row: same code, else same name when that object is not claimed by code."""
    by_code = {getattr(obj, "code"): obj for obj in existing}  # noqa: B009
    by_name: dict[str, list[M]] = defaultdict(list)
    for obj in existing:
        by_name[getattr(obj, "name")].append(obj)  # noqa: B009
    matches: list[M | None] = [by_code.get(row.key) for row in rows]
    claimed = {obj.pk for obj in matches if obj is not None}
    for index, row in enumerate(rows):
        if matches[index] is None:
            candidates = [obj for obj in by_name.get(row.get(name_column), []) if obj.pk not in claimed]
            if len(candidates) == 1:
                matches[index] = candidates[0]
                claimed.add(candidates[0].pk)
    return matches


@dataclass
class OzgCatalogue:
    """The rows of the four files that passed all checks."""

    themenfelder: list[_Row]
    lebenslagen: list[_Row]
    ozg: list[_Row]
    leika: list[_Row]


def _read_themenfelder(directory: Path, report: ImportReport) -> list[_Row]:
    def check(row: _Row) -> None:
        _check_code(row, "themenfeld_id", Themenfeld)

    return _Checker(report, ENTITY_THEMENFELD, THEMENFELDER_CSV).read(
        directory / THEMENFELDER_CSV,
        "themenfeld_id",
        {"themenfeld": (Themenfeld, "name", True)},
        check,
        unique=[(lambda r: r.key, _("Die Kennung")), (lambda r: r.get("themenfeld"), _("Der Name"))],
    )


def _read_lebenslagen(directory: Path, report: ImportReport, themenfeld_codes: set[str]) -> list[_Row]:
    def check(row: _Row) -> None:
        _check_code(row, "lebenslage_id", Lebenslage)
        code = row.get("themenfeld_id")
        if code not in themenfeld_codes:
            row.reasons.append(
                _("Das Themenfeld mit der Kennung „%(code)s“ fehlt oder wurde abgelehnt.") % {"code": code}
            )
        explicit = row.get("zielgruppe")
        if explicit and explicit not in Lebenslage.Audience.values:
            row.reasons.append(
                _("Zielgruppe „%(value)s“ ist unbekannt (erlaubt: %(allowed)s).")
                % {"value": explicit, "allowed": ", ".join(Lebenslage.Audience.values)}
            )

    return _Checker(report, ENTITY_LEBENSLAGE, LEBENSLAGEN_CSV).read(
        directory / LEBENSLAGEN_CSV,
        "lebenslage_id",
        {"lebenslage": (Lebenslage, "name", True)},
        check,
        unique=[(lambda r: r.key, _("Die Kennung")), (lambda r: r.get("lebenslage"), _("Der Name"))],
    )


def _read_ozg(
    directory: Path, report: ImportReport, lebenslagen: set[str], themenfelder: set[str]
) -> list[_Row]:
    def check(row: _Row) -> None:
        _check_code(row, "ozg_id", OzgLeistung)
        for column, known, label in (
            ("lebenslage", lebenslagen, _("Lebenslage")),
            ("themenfeld", themenfelder, _("Themenfeld")),
        ):
            value = row.get(column)
            if value and value not in known:
                row.reasons.append(
                    _("%(label)s „%(value)s“ gibt es weder in der Datei noch im Katalog.")
                    % {"label": label, "value": value}
                )

    return _Checker(report, ENTITY_OZG, OZG_CSV).read(
        directory / OZG_CSV,
        "ozg_id",
        {
            "ozg_leistung": (OzgLeistung, "name", True),
            # Short status words such as "offen" are real values here.
            "prioritaet": (OzgLeistung, "priority", False),
            "status_nrw": (OzgLeistung, "status_nrw", False),
        },
        check,
        unique=[(lambda r: r.key, _("Die OZG-ID"))],
    )


def _check_leika_key(row: _Row) -> None:
    raw_key = row.get("leika_schluessel")
    if not raw_key:
        row.reasons.insert(0, _("Der LeiKa-Schlüssel fehlt."))
    elif raw_key.lower() == NOT_IN_LEIKA:
        row.reasons.insert(0, _("Kein LeiKa-Schlüssel („nicht im LeiKa“)."))
    else:
        try:
            validate_leika_key(normalize_leika_key(raw_key))
        except ValidationError as error:
            row.reasons.insert(0, " ".join(error.messages))
        else:
            row.key = normalize_leika_key(raw_key)


def _read_leika(directory: Path, report: ImportReport, ozg_ids: set[str]) -> list[_Row]:
    def check(row: _Row) -> None:
        _check_leika_key(row)
        typisierung = row.get("typisierung")
        if typisierung and not _TYPISIERUNG.match(typisierung):
            row.reasons.append(
                _("Typisierung „%(value)s“ ist ungültig (erlaubt: 1 bis 6, z. B. „2/3“ oder „1, 2/3“).")
                % {"value": typisierung}
            )
        ozg_id = row.get("ozg_id")
        if ozg_id and ozg_id not in ozg_ids:
            row.reasons.append(
                _("Die OZG-Leistung mit der ID „%(value)s“ gibt es weder in %(file)s noch im Katalog.")
                % {"value": ozg_id, "file": OZG_CSV}
            )

    return _Checker(report, ENTITY_LEIKA, LEIKA_CSV).read(
        directory / LEIKA_CSV,
        "leika_schluessel",
        {
            "leistung": (LeikaEntry, "name", True),
            "rechtsgrundlage": (LeikaEntry, "legal_basis", True),
            "gesetze": (LeikaEntry, "legal_basis", True),
        },
        check,
        unique=[(lambda r: r.key, _("Der LeiKa-Schlüssel"))],
    )


def read_ozg_catalogue(directory: Path, report: ImportReport) -> OzgCatalogue:
    """Phase one: read and check all files. Raises :class:`ImportRejected` for a file rejected as a whole."""
    if not directory.is_dir():
        raise ImportRejected(_("Das Verzeichnis %(name)s gibt es nicht.") % {"name": directory})
    missing = [name for name in REQUIRED_COLUMNS if not (directory / name).is_file()]
    if missing:
        raise ImportRejected(
            _("Im Verzeichnis %(dir)s fehlen die Dateien: %(files)s.")
            % {"dir": directory, "files": ", ".join(missing)}
        )
    themenfelder = _read_themenfelder(directory, report)
    themenfeld_codes = {r.key for r in themenfelder} | set(Themenfeld.objects.values_list("code", flat=True))
    lebenslagen = _read_lebenslagen(directory, report, themenfeld_codes)
    ozg = _read_ozg(
        directory,
        report,
        {r.get("lebenslage") for r in lebenslagen} | set(Lebenslage.objects.values_list("name", flat=True)),
        {r.get("themenfeld") for r in themenfelder} | set(Themenfeld.objects.values_list("name", flat=True)),
    )
    ozg_ids = {r.key for r in ozg} | set(OzgLeistung.objects.values_list("ozg_id", flat=True))
    leika = _read_leika(directory, report, ozg_ids)
    return OzgCatalogue(themenfelder, lebenslagen, ozg, leika)


def _plan_themenfelder(plan: _Plan, rows: list[_Row]) -> dict[str, Themenfeld]:
    existing = list(Themenfeld.objects.all())
    matches = _match_by_code_or_name(rows, existing, "themenfeld")
    # The name is unique: a row must not take the name another existing Themenfeld keeps.
    kept_names = {obj.name: obj for obj in existing if obj not in matches}
    planned: list[tuple[_Row, Themenfeld | None, dict[str, Any]]] = []
    for row, match in zip(rows, matches, strict=True):
        holder = kept_names.get(row.get("themenfeld"))
        if holder is not None and holder != match:
            plan.report.reject(
                entity=ENTITY_THEMENFELD,
                file=row.file,
                line=row.line,
                key=row.key,
                reason=_("Der Name ist schon an das Themenfeld mit der Kennung „%(code)s“ vergeben.")
                % {"code": holder.code},
            )
            continue
        planned.append((row, match, {"code": row.key, "name": row.get("themenfeld")}))
    slugs = _Slugs(Themenfeld)
    return plan.apply(
        entity=ENTITY_THEMENFELD,
        model=Themenfeld,
        rows=planned,
        fields=("code", "name"),
        new=lambda row, values: Themenfeld(slug=slugs(values["name"]), **values),
    )


def _plan_lebenslagen(
    plan: _Plan, rows: list[_Row], themenfelder: dict[str, Themenfeld]
) -> dict[str, Lebenslage]:
    existing = list(Lebenslage.objects.all())
    matches = _match_by_code_or_name(rows, existing, "lebenslage")
    db_themenfelder = {t.code: t for t in Themenfeld.objects.all()}
    has_audience_column = any("zielgruppe" in row.values for row in rows)
    planned = []
    for row, match in zip(rows, matches, strict=True):
        code = row.get("themenfeld_id")
        themenfeld = themenfelder.get(code) or db_themenfelder.get(code)
        if themenfeld is None:  # its Themenfeld row was rejected in the second check
            plan.report.reject(
                entity=ENTITY_LEBENSLAGE,
                file=row.file,
                line=row.line,
                key=row.key,
                reason=_("Das Themenfeld mit der Kennung „%(code)s“ wurde abgelehnt.") % {"code": code},
            )
            continue
        values: dict[str, Any] = {"code": row.key, "name": row.get("lebenslage"), "themenfeld": themenfeld}
        if has_audience_column or match is None:
            # The guess only fills new rows; an audience maintained by hand stays.
            values["audience"] = lebenslage_audience(values["name"], themenfeld.name, row.get("zielgruppe"))
        planned.append((row, match, values))
    slugs = _Slugs(Lebenslage)
    return plan.apply(
        entity=ENTITY_LEBENSLAGE,
        model=Lebenslage,
        rows=planned,
        fields=("code", "name", "themenfeld", "audience"),
        new=lambda row, values: Lebenslage(slug=slugs(values["name"]), **values),
    )


def _by_unique_name[M: models.Model](objects: Iterable[M]) -> dict[str, M]:
    found: dict[str, list[M]] = defaultdict(list)
    for obj in objects:
        found[str(getattr(obj, "name"))].append(obj)  # noqa: B009
    return {name: objs[0] for name, objs in found.items() if len(objs) == 1}


def _unresolved(plan: _Plan, entity: str, row: _Row, values: dict[str, Any], columns: dict[str, str]) -> bool:
    """Reject a row whose reference was accepted in phase one but whose target was rejected since."""
    for field, column in columns.items():
        if row.get(column) and values[field] is None:
            plan.report.reject(
                entity=entity,
                file=row.file,
                line=row.line,
                key=row.key,
                reason=_("„%(value)s“ in Spalte „%(column)s“ wurde abgelehnt oder ist nicht eindeutig.")
                % {"value": row.get(column), "column": column},
            )
            return True
    return False


def _plan_ozg(
    plan: _Plan, rows: list[_Row], themenfelder: dict[str, Themenfeld], lebenslagen: dict[str, Lebenslage]
) -> dict[str, OzgLeistung]:
    existing = OzgLeistung.objects.in_bulk([row.key for row in rows], field_name="ozg_id")
    themenfeld_by_name = _by_unique_name(Themenfeld.objects.all()) | {
        t.name: t for t in themenfelder.values()
    }
    lebenslage_by_name = _by_unique_name(Lebenslage.objects.all()) | {
        lb.name: lb for lb in lebenslagen.values()
    }
    planned = []
    for row in rows:
        values = {
            "name": row.get("ozg_leistung"),
            "themenfeld": themenfeld_by_name.get(row.get("themenfeld")),
            "lebenslage": lebenslage_by_name.get(row.get("lebenslage")),
            "priority": row.get("prioritaet"),
            "status_nrw": row.get("status_nrw"),
        }
        if _unresolved(
            plan, ENTITY_OZG, row, values, {"themenfeld": "themenfeld", "lebenslage": "lebenslage"}
        ):
            continue
        planned.append((row, existing.get(row.key), values))
    return plan.apply(
        entity=ENTITY_OZG,
        model=OzgLeistung,
        rows=planned,
        fields=("name", "themenfeld", "lebenslage", "priority", "status_nrw"),
        new=lambda row, values: OzgLeistung(ozg_id=row.key, **values),
    )


def _plan_leika(plan: _Plan, rows: list[_Row], ozg: dict[str, OzgLeistung]) -> None:
    existing = {entry.key: entry for entry in LeikaEntry.objects.all()}
    needed = {row.get("ozg_id") for row in rows} - set(ozg)
    ozg = ozg | OzgLeistung.objects.in_bulk([i for i in needed if i], field_name="ozg_id")
    planned = []
    for row in rows:
        values = {
            "name": row.get("leistung"),
            "typisierung": row.get("typisierung"),
            "ozg_leistung": ozg.get(row.get("ozg_id")),
            # "gesetze" names the law of "rechtsgrundlage"; it stands in when the paragraph is missing.
            "legal_basis": row.get("rechtsgrundlage") or row.get("gesetze"),
        }
        if _unresolved(plan, ENTITY_LEIKA, row, values, {"ozg_leistung": "ozg_id"}):
            continue
        planned.append((row, existing.get(row.key), values))
    plan.apply(
        entity=ENTITY_LEIKA,
        model=LeikaEntry,
        rows=planned,
        fields=("name", "typisierung", "ozg_leistung", "legal_basis"),
        new=lambda row, values: LeikaEntry(key=row.key, **values),
    )


def import_ozg_catalogue(
    directory: Path, *, actor: Any = None, dry_run: bool = False, source: str = ""
) -> ImportReport:
    """Import the KDN OZG catalogue from ``directory``; see ``docs/formats/catalogue.md``.

    ``source`` names the caller in the audit trail (the command, or the upload in the administration).
    Raises :class:`ImportRejected` (nothing written) when a file is rejected as a whole. With
    ``dry_run`` everything is checked and counted, then rolled back.
    """
    require(can_edit_reference(actor))
    directory = Path(directory)
    report = ImportReport(source=str(directory), dry_run=dry_run)
    for entity in (ENTITY_THEMENFELD, ENTITY_LEBENSLAGE, ENTITY_OZG, ENTITY_LEIKA):
        report.entity(entity)
    catalogue = read_ozg_catalogue(directory, report)
    try:
        with transaction.atomic():
            plan = _Plan(report)
            themenfelder = _plan_themenfelder(plan, catalogue.themenfelder)
            lebenslagen = _plan_lebenslagen(plan, catalogue.lebenslagen, themenfelder)
            ozg = _plan_ozg(plan, catalogue.ozg, themenfelder, lebenslagen)
            _plan_leika(plan, catalogue.leika, ozg)
            reference_data_save(
                actor=actor,
                changes=plan.changes,
                summary=report.as_dict(),
                source=source or f"import-ozg-catalogue {directory}",
            )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        # E.g. two Themenfelder swapping their names in one file; the checks above catch the usual cases.
        raise ImportRejected(
            _("Die Dateien widersprechen dem vorhandenen Katalog (%(error)s); es wurde nichts gespeichert.")
            % {"error": error}
        ) from error
    return report
