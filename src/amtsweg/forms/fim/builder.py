"""Turn a validated XDatenfelder document into a :class:`~amtsweg.forms.spec.FormSpec`.

xdf 2 and xdf 3 share the tree (Stammdatenschema → Struktur(anzahl) → Datenfeld | Datenfeldgruppe,
Regel at every level); they differ in details (``praezisierung`` as JSON text vs. attributes, code list
references, rule text elements). :class:`Builder` holds the shared part, ``xdf2.py`` and ``xdf3.py`` the
differences. The input has passed the XSD, so only what the XSD cannot say is checked here (empty ids,
cardinalities like ``3:1``, code lists that cannot be found).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.genericode import CodeListFolder
from amtsweg.forms.fim.resolve import RuleSite, build_rules
from amtsweg.forms.persons import guess_applicant_group
from amtsweg.forms.spec import (
    ChildSpec,
    CodeEntry,
    CodeListSpec,
    Datatype,
    FieldSpec,
    FimRef,
    FormSpec,
    GroupSpec,
    InputKind,
)

DATATYPES: dict[str, Datatype] = {
    "text": "text",
    "text_latin": "text",
    "string": "text",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "bool": "bool",
    "num": "number",
    "num_int": "integer",
    "num_currency": "currency",
    "file": "file",
    "obj": "file",
}
FIELD_KINDS: dict[str, InputKind] = {"input": "input", "select": "select", "label": "label"}
_ANZAHL = re.compile(r"^\s*(\d+)\s*:\s*(\d+|\*)\s*$")
_LEIKA = re.compile(r"(?<!\d)99(?:[ .]?\d){12}(?!\d)")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
TEXTAREA_FROM = 256
# Unicode property classes (XSD/Java/ECMA regex) that Python's re lacks, as ranges of the Latin script
# (XÖV "String.Latin" allows no other letters anyway).
_PROPERTY_RANGES = {
    "L": "A-Za-zªµºÀ-ÖØ-öø-ɏḀ-ỿ",
    "Lu": "A-ZÀ-ÖØ-ÞĀ-Ž",
    "Ll": "a-zß-öø-ÿ",
    "N": "0-9",
    "Nd": "0-9",
}
_PROPERTY = re.compile(r"\\p\{(?:Is)?(L|Lu|Ll|N|Nd|Letter|IsLatin|Latin)\}")


def python_pattern(pattern: str) -> str:
    """Replace ``\\p{L}``-style classes by ranges, inside or outside a character class."""
    out: list[str] = []
    depth = 0
    index = 0
    while index < len(pattern):
        found = _PROPERTY.match(pattern, index)
        if found:
            name = {"Letter": "L", "IsLatin": "L", "Latin": "L"}.get(found.group(1), found.group(1))
            ranges = _PROPERTY_RANGES[name]
            out.append(ranges if depth else f"[{ranges}]")
            index = found.end()
            continue
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        out.append(char)
        index += 1
    return "".join(out)  # text fields allowing more characters get a multi-line input


@dataclass(frozen=True)
class CodeListRef:
    key: str
    uri: str
    version: str
    version_uri: str
    line: int | None


@dataclass
class Limits:
    min_length: int | None = None
    max_length: int | None = None
    min_value: str | None = None
    max_value: str | None = None
    pattern: str | None = None


@dataclass
class BuildResult:
    spec: FormSpec
    warnings: list[str] = field(default_factory=list)


def safe_key(raw: str) -> str:
    return _KEY_CHARS.sub("_", raw.strip()).strip("_")[:100]


class Builder:
    """Shared tree walk; subclasses read the version-specific details."""

    standard = ""

    def __init__(
        self,
        tree: etree._ElementTree,
        *,
        name: str,
        folder: Path | None,
        source: Path | None = None,
        allow_missing_code_lists: bool = True,
        max_bytes: int = 10 * 1024 * 1024,
    ) -> None:
        self.root = tree.getroot()
        self.ns = etree.QName(self.root).namespace or ""
        self.name = name
        self.allow_missing = allow_missing_code_lists
        self.code_lists: dict[str, CodeListSpec] = {}
        self.warnings: list[str] = []
        self.rule_sites: list[RuleSite] = []
        self._versions: dict[str, str] = {}
        self._folder = CodeListFolder(folder, skip=source, max_bytes=max_bytes) if folder else None

    # ---- small helpers --------------------------------------------------------------------------

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def child(self, elem: etree._Element, tag: str) -> etree._Element | None:
        return elem.find(self.q(tag))

    def children(self, elem: etree._Element, tag: str) -> list[etree._Element]:
        return list(elem.findall(self.q(tag)))

    def text(self, elem: etree._Element | None, tag: str = "") -> str:
        target = self.child(elem, tag) if elem is not None and tag else elem
        if target is None:
            return ""
        return "\n".join(" ".join(line.split()) for line in (target.text or "").strip().splitlines()).strip()

    def texts(self, elem: etree._Element, tag: str) -> list[str]:
        return [t for t in (self.text(e) for e in self.children(elem, tag)) if t]

    def code(self, elem: etree._Element, tag: str) -> str:
        holder = self.child(elem, tag)
        if holder is None:
            return ""
        return " ".join((holder.findtext("code") or "").split())

    def fail(self, reason: str, elem: etree._Element | None) -> FimImportError:
        return FimImportError(reason, file=self.name, line=elem.sourceline if elem is not None else None)

    def warn(self, message: str, elem: etree._Element | None = None) -> None:
        if elem is not None and elem.sourceline:
            message = _("Zeile %(line)s: %(message)s") % {"line": elem.sourceline, "message": message}
        self.warnings.append(message)

    def identification(self, elem: etree._Element) -> FimRef:
        ident = self.child(elem, "identifikation")
        fim_id = self.text(ident, "id") if ident is not None else ""
        if not fim_id:
            raise self.fail(
                _("Das Element „%(tag)s“ hat keine Kennung (identifikation/id fehlt oder ist leer).")
                % {"tag": etree.QName(elem).localname},
                next(
                    (
                        e
                        for e in (self.child(ident, "id") if ident is not None else None, ident)
                        if e is not None
                    ),
                    elem,
                ),
            )
        version = self.text(ident, "version") if ident is not None else ""
        known = self._versions.setdefault(fim_id, version)
        if known != version:
            self.warn(
                _("%(id)s kommt in den Versionen %(a)s und %(b)s vor.")
                % {"id": fim_id, "a": known or "–", "b": version or "–"},
                elem,
            )
        return FimRef(id=fim_id, version=version)

    # ---- the document ---------------------------------------------------------------------------

    def build(self) -> BuildResult:
        content = next((c for c in self.root if isinstance(c.tag, str) and c.tag != self.q("header")), None)
        if content is None:
            raise self.fail(_("Die Nachricht enthält kein Stammdatenschema."), self.root)
        kind = etree.QName(content).localname
        fim = self.identification(content)
        key = safe_key(fim.id)
        if not key or len(fim.id) > 50 or len(fim.version) > 50:
            raise self.fail(
                _(
                    "Die Kennung „%(id)s“ oder Version „%(version)s“ des Schemas ist leer oder länger als "
                    "50 Zeichen."
                )
                % {"id": fim.id[:80], "version": fim.version[:80]},
                content,
            )
        if kind == "stammdatenschema":
            title = self.schema_title(content)
            children = self.structure(content, [])
            root = GroupSpec(
                key=key,
                name=self.text(content, "name"),
                label=title,
                children=children,
                help=self.schema_help(content),
                fim=fim,
                legal_basis="\n".join(self.texts(content, "bezug")),
            )
            self.collect_rules(content, [])
        elif kind == "datenfeldgruppe":
            title = self.text(content, "bezeichnungEingabe") or self.text(content, "name")
            root = self.group(content, fim, key, [])
        elif kind == "datenfeld":
            title = self.text(content, "bezeichnungEingabe") or self.text(content, "name")
            only = self.field(content, fim, key, [])
            root = GroupSpec(key=key, name=only.name, label=title, children=(ChildSpec(only, 1, 1),), fim=fim)
        else:
            raise self.fail(
                _(
                    "Die Nachricht „%(tag)s“ enthält kein Stammdatenschema, keine Datenfeldgruppe und kein "
                    "Datenfeld; nur diese lassen sich als Formular importieren."
                )
                % {"tag": etree.QName(self.root).localname},
                content,
            )
        if not title:
            raise self.fail(_("Das Schema hat keinen Namen und keine Bezeichnung."), content)
        version = fim.version or self.fallback_version()
        spec = FormSpec(
            key=key,
            version=version,
            title=title[:300],
            root=root,
            description=self.text(content, "beschreibung"),
            code_lists=self.code_lists,
            fim=fim,
            fim_standard=self.standard,
            legal_basis="\n".join(self.texts(content, "bezug")),
            leika_keys=self.leika_keys(content),
        )
        rules, rule_warnings = build_rules(spec, self.rule_sites)
        self.warnings.extend(rule_warnings)
        # The group of the person who applies ("Angaben zur antragstellenden Person", "Betriebsinhaber" …):
        # FIM does not mark it, so it is guessed here and stored; the Fachadmin can change it in the admin.
        spec = replace(spec, rules=tuple(rules), applicant_group=guess_applicant_group(spec))
        return BuildResult(spec=spec, warnings=self.warnings)

    def fallback_version(self) -> str:
        created = self.text(self.child(self.root, "header"), "erstellungszeitpunkt")[:10]
        version = f"0-{created}" if created else "0"
        self.warn(
            _("Das Schema hat keine Versionsnummer; es wird als Version „%(version)s“ gespeichert.")
            % {"version": version}
        )
        return version

    def leika_keys(self, content: etree._Element) -> tuple[str, ...]:
        texts = [self.text(content, t) for t in ("beschreibung", "definition", "bezeichnung")]
        texts += self.texts(content, "bezug") + self.texts(content, "stichwort")
        found: list[str] = []
        for text in texts:
            for match in _LEIKA.findall(text):
                key = re.sub(r"\D", "", match)
                if key not in found:
                    found.append(key)
        return tuple(found)

    # ---- structure ------------------------------------------------------------------------------

    def structure(self, parent: etree._Element, path: list[str]) -> tuple[ChildSpec, ...]:
        children: list[ChildSpec] = []
        used: dict[str, int] = {}
        for struktur in self.children(parent, "struktur"):
            minimum, maximum = self.cardinality(struktur)
            enthaelt = self.child(struktur, "enthaelt")
            element = None
            if enthaelt is not None:
                element = next((e for e in enthaelt if isinstance(e.tag, str)), None)
            if element is None:
                raise self.fail(_("Die Struktur enthält kein Element."), struktur)
            fim = self.identification(element)
            base = safe_key(fim.id) or "element"
            used[base] = used.get(base, 0) + 1
            key = base if used[base] == 1 else f"{base}_{used[base]}"
            if etree.QName(element).localname == "datenfeldgruppe":
                group = self.group(element, fim, key, [*path, key])
                children.append(ChildSpec(group, minimum, maximum))
            else:
                spec = self.field(element, fim, key, path)
                if spec.datatype == "label":
                    minimum = 0  # static text carries no value
                children.append(ChildSpec(spec, minimum, maximum))
        return tuple(children)

    def cardinality(self, struktur: etree._Element) -> tuple[int, int | None]:
        raw = self.text(struktur, "anzahl")
        found = _ANZAHL.match(raw)
        if not found:
            raise self.fail(
                _("Ungültige Anzahl „%(value)s“: erwartet wird „min:max“, z. B. „0:1“ oder „1:*“.")
                % {"value": raw},
                self.child(struktur, "anzahl"),
            )
        minimum = int(found.group(1))
        maximum = None if found.group(2) == "*" else int(found.group(2))
        if maximum is not None and (maximum < minimum or maximum == 0):
            raise self.fail(
                _("Ungültige Anzahl „%(value)s“: das Maximum ist kleiner als das Minimum oder 0.")
                % {"value": raw},
                self.child(struktur, "anzahl"),
            )
        return minimum, maximum

    def group(self, elem: etree._Element, fim: FimRef, key: str, path: list[str]) -> GroupSpec:
        name = self.text(elem, "name")
        group = GroupSpec(
            key=key,
            name=name,
            label=self.text(elem, "bezeichnungEingabe") or name,
            help=self.text(elem, "hilfetextEingabe"),
            fim=fim,
            legal_basis="\n".join(self.texts(elem, "bezug")),
            children=self.structure(elem, path),
        )
        self.collect_rules(elem, path)
        return group

    def collect_rules(self, elem: etree._Element, scope: list[str]) -> None:
        for regel in self.children(elem, "regel"):
            fim = self.identification(regel)
            self.rule_sites.append(
                RuleSite(
                    fim=fim,
                    name=self.text(regel, "name"),
                    prose=self.rule_prose(regel),
                    script=self.rule_script(regel),
                    message=self.rule_message(regel),
                    scope=tuple(scope),
                )
            )

    def field(self, elem: etree._Element, fim: FimRef, key: str, parent_path: list[str]) -> FieldSpec:
        name = self.text(elem, "name")
        label = self.text(elem, "bezeichnungEingabe") or name
        feldart = self.code(elem, "feldart")
        datentyp = self.code(elem, "datentyp")
        datatype = DATATYPES.get(datentyp)
        if datatype is None:
            datatype = "text"
            self.warn(
                _("Datenfeld %(id)s: unbekannter Datentyp „%(type)s“, wird als Text übernommen.")
                % {"id": fim.id, "type": datentyp},
                elem,
            )
        kind = FIELD_KINDS.get(feldart)
        if kind is None:
            kind = "input"
            self.warn(
                _("Datenfeld %(id)s: Feldart „%(kind)s“ wird als normales Eingabefeld übernommen.")
                % {"id": fim.id, "kind": feldart},
                elem,
            )
        inhalt = self.text(elem, "inhalt")
        limits = self.limits(elem, fim.id, datatype)
        code_list = None if kind == "label" else self.field_code_list(elem, fim, key)
        content = ""
        default: object = None
        if kind == "label":
            datatype = "label"
            content = inhalt or label
        elif code_list:
            kind = "select"
            if inhalt and inhalt in {e.code for e in self.code_lists[code_list].entries}:
                default = inhalt  # the preselected code
        elif kind == "select" and self.child(elem, "codelisteReferenz") is not None:
            kind = "input"  # the list is missing (allowed by the operator): free text
        elif kind == "select" and self.child(elem, "codelisteReferenz") is None:
            self.warn(
                _("Datenfeld %(id)s ist eine Auswahl ohne Codeliste und wird als Texteingabe übernommen.")
                % {"id": fim.id},
                elem,
            )
            kind = "input"
        if kind == "input":
            if datatype == "bool":
                kind = "checkbox"
            elif datatype == "file":
                kind = "file"
            elif datatype == "text" and limits.max_length and limits.max_length >= TEXTAREA_FROM:
                kind = "textarea"
            if inhalt:
                default = self.default_value(inhalt, datatype, fim.id, elem)
        self.collect_rules(elem, parent_path)
        return FieldSpec(
            key=key,
            name=name,
            label=label,
            datatype=datatype,
            input=kind,
            help=self.text(elem, "hilfetextEingabe"),
            fim=fim,
            min_length=limits.min_length,
            max_length=limits.max_length,
            min_value=limits.min_value,
            max_value=limits.max_value,
            pattern=limits.pattern,
            code_list=code_list,
            default=default,
            content=content,
            legal_basis="\n".join(self.texts(elem, "bezug")),
        )

    def default_value(self, raw: str, datatype: str, fim_id: str, elem: etree._Element) -> object:
        try:
            if datatype == "bool":
                lowered = raw.strip().lower()
                if lowered in {"true", "1", "ja", "wahr"}:
                    return True
                if lowered in {"false", "0", "nein", "falsch"}:
                    return False
                raise ValueError(raw)
            if datatype == "integer":
                return int(raw)
            if datatype in {"number", "currency"}:
                return float(raw.replace(",", "."))
        except ValueError:
            self.warn(
                _("Datenfeld %(id)s: Vorbelegung „%(value)s“ passt nicht zum Datentyp und wird ignoriert.")
                % {"id": fim_id, "value": raw},
                elem,
            )
            return None
        return raw if datatype in {"text", "date", "time", "datetime"} else None

    # ---- limits ---------------------------------------------------------------------------------

    def limits(self, elem: etree._Element, fim_id: str, datatype: str) -> Limits:
        raise NotImplementedError

    def apply_limits(
        self, values: dict[str, str], fim_id: str, datatype: str, elem: etree._Element
    ) -> Limits:
        limits = Limits()
        for name in ("minLength", "maxLength"):
            raw = str(values.get(name, "")).strip()
            if not raw:
                continue
            if raw.isdigit():
                setattr(limits, "min_length" if name == "minLength" else "max_length", int(raw))
            else:
                self.warn(
                    _("Datenfeld %(id)s: %(name)s „%(value)s“ ist keine Zahl und wird ignoriert.")
                    % {"id": fim_id, "name": name, "value": raw},
                    elem,
                )
        if datatype in {"integer", "number", "currency", "date", "time", "datetime"}:
            limits.min_value = str(values.get("minValue", "")).strip() or None
            limits.max_value = str(values.get("maxValue", "")).strip() or None
        limits.pattern = self.checked_pattern(str(values.get("pattern", "") or ""), fim_id, elem)
        if limits.min_length and limits.max_length and limits.min_length > limits.max_length:
            self.warn(
                _("Datenfeld %(id)s: Mindestlänge größer als Höchstlänge; die Längen werden ignoriert.")
                % {"id": fim_id},
                elem,
            )
            limits.min_length = limits.max_length = None
        return limits

    def checked_pattern(self, raw: str, fim_id: str, elem: etree._Element) -> str | None:
        raw = raw.strip()
        if not raw:
            return None
        # FIM editors sometimes write prose ("Mehrfachauswahl") where a regular expression belongs.
        if not re.search(r"[\\^$.|?*+()\[\]{}]", raw):
            self.warn(
                _("Datenfeld %(id)s: „%(value)s“ ist kein regulärer Ausdruck und wird nicht geprüft.")
                % {"id": fim_id, "value": raw},
                elem,
            )
            return None
        raw = python_pattern(raw)
        try:
            re.compile(raw)
        except (re.error, OverflowError, RecursionError):
            self.warn(
                _("Datenfeld %(id)s: das Muster „%(value)s“ ist ungültig und wird nicht geprüft.")
                % {"id": fim_id, "value": raw},
                elem,
            )
            return None
        return raw

    # ---- code lists -----------------------------------------------------------------------------

    def field_code_list(self, elem: etree._Element, fim: FimRef, key: str) -> str | None:
        raise NotImplementedError

    def inline_values(self, key: str, name: str, entries: list[CodeEntry], elem: etree._Element) -> str:
        seen: set[str] = set()
        for entry in entries:
            if entry.code in seen:
                raise self.fail(
                    _("Der Wert „%(code)s“ steht zweimal in der Werteliste.") % {"code": entry.code}, elem
                )
            seen.add(entry.code)
        self.code_lists[key] = CodeListSpec(key=key, name=name, entries=tuple(entries))
        return key

    def resolve_reference(self, ref: CodeListRef, fim_id: str, elem: etree._Element) -> str | None:
        """Find the referenced list beside the schema file; fail (or keep an empty stub) when absent."""
        if ref.key in self.code_lists:
            return ref.key if self.code_lists[ref.key].entries else None
        found, exact = self._folder.find(ref.uri, ref.version_uri) if self._folder else (None, False)
        if found is None:
            label = ref.version_uri or ref.uri or ref.key
            if not self.allow_missing:
                hint = ""
                if self._folder and self._folder.problems:
                    hint = " " + _("Nicht lesbare Dateien daneben: %(files)s") % {
                        "files": "; ".join(self._folder.problems[:3])
                    }
                raise FimImportError(
                    _(
                        "Datenfeld %(id)s verweist auf die Codeliste „%(list)s“, die nicht gefunden wurde. "
                        "Bitte die Codeliste als genericode-Datei neben die Schemadatei legen (oder ohne "
                        "--strict-code-lists importieren: das Feld wird dann zur Texteingabe).%(hint)s"
                    )
                    % {"id": fim_id, "list": label, "hint": hint},
                    file=self.name,
                    line=ref.line,
                )
            self.code_lists[ref.key] = CodeListSpec(
                key=ref.key, name=ref.uri or ref.key, entries=(), uri=ref.uri, version=ref.version_uri
            )
            self.warn(
                _("Codeliste „%(list)s“ fehlt: Datenfeld %(id)s wird als Texteingabe übernommen.")
                % {"list": label, "id": fim_id},
                elem,
            )
            return None
        if not exact:
            self.warn(
                _("Codeliste „%(uri)s“: gefunden wurde Version „%(found)s“ statt „%(wanted)s“ (%(file)s).")
                % {
                    "uri": ref.uri,
                    "found": found.canonical_version_uri,
                    "wanted": ref.version_uri,
                    "file": found.file,
                },
                elem,
            )
        if found.duplicates:
            self.warn(
                _("Codeliste „%(uri)s“ (%(file)s): doppelte Codes %(codes)s, jeweils der erste gilt.")
                % {"uri": found.canonical_uri, "file": found.file, "codes": ", ".join(found.duplicates[:5])}
            )
        if not found.entries:
            raise FimImportError(
                _("Die Codeliste „%(list)s“ enthält keine Einträge.") % {"list": found.canonical_version_uri},
                file=found.file,
            )
        self.code_lists[ref.key] = CodeListSpec(
            key=ref.key,
            name=found.name or ref.uri or ref.key,
            entries=found.entries,
            uri=found.canonical_uri or ref.uri,
            version=found.canonical_version_uri or ref.version_uri,
        )
        return ref.key

    # ---- version-specific -----------------------------------------------------------------------

    def schema_title(self, content: etree._Element) -> str:
        raise NotImplementedError

    def schema_help(self, content: etree._Element) -> str:
        raise NotImplementedError

    def rule_prose(self, regel: etree._Element) -> str:
        raise NotImplementedError

    def rule_script(self, regel: etree._Element) -> str:
        raise NotImplementedError

    def rule_message(self, regel: etree._Element) -> str:
        return ""
