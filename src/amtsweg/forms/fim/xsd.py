"""Validation against the official XDatenfelder XSDs, loaded from local files only.

The official XSDs ship with the package (``forms/fim/standards``, origin and licence in its README);
``AMTSWEG_FIM_XSD_DIR`` may point at another folder with ``2.0/xdatenfelder.xsd`` and
``3.0.0/xdatenfelder.xsd`` and the files they include. xmlschema runs in its sandbox (no file outside
that folder, no network); a compiled schema is cached per process.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import xmlschema
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.safe_xml import parse_bytes, read_limited


@dataclass(frozen=True)
class Standard:
    """One supported XDatenfelder version: its namespace, XSD folder and the name used in the spec."""

    code: str  # FormSpec.fim_standard
    label: str
    namespace: str
    folder: str


XDF2 = Standard("xdf2", "XDatenfelder 2.0", "urn:xoev-de:fim:standard:xdatenfelder_2", "2.0")
XDF3 = Standard("xdf3", "XDatenfelder 3.0", "urn:xoev-de:fim:standard:xdatenfelder_3.0.0", "3.0.0")
STANDARDS = {s.namespace: s for s in (XDF2, XDF3)}


def detect_standard(tree: etree._ElementTree, name: str) -> Standard:
    """The XDatenfelder version named by the root element's namespace."""
    root = tree.getroot()
    namespace = etree.QName(root).namespace or ""
    standard = STANDARDS.get(namespace)
    if standard is None:
        raise FimImportError(
            _(
                "Unbekannter Namensraum „%(namespace)s“ am Wurzelelement „%(tag)s“. Unterstützt werden "
                "XDatenfelder 2.0 (%(xdf2)s) und XDatenfelder 3.0 (%(xdf3)s)."
            )
            % {
                "namespace": namespace or _("(kein Namensraum)"),
                "tag": etree.QName(root).localname,
                "xdf2": XDF2.namespace,
                "xdf3": XDF3.namespace,
            },
            file=name,
            line=root.sourceline,
        )
    return standard


def xsd_folder(override: Path | str | None = None) -> Path:
    return Path(override) if override else Path(settings.FIM_XSD_DIR)


def schema_for(standard: Standard, folder: Path) -> xmlschema.XMLSchema:
    """The compiled schema of ``standard`` from ``folder``; a missing folder is an operator error."""
    main = folder / standard.folder / "xdatenfelder.xsd"
    if not main.is_file():
        raise FimImportError(
            _(
                "Die offiziellen XSD-Dateien für %(label)s fehlen: %(path)s gibt es nicht. "
                "Ohne sie wird nicht "
                "importiert. Bitte die XSDs ablegen (Ordner mit 2.0/xdatenfelder.xsd und "
                "3.0.0/xdatenfelder.xsd) und AMTSWEG_FIM_XSD_DIR auf diesen Ordner setzen oder "
                "--xsd-dir angeben."
            )
            % {"label": standard.label, "path": main}
        )
    return _compiled(str(main.resolve()))


_XS = "http://www.w3.org/2001/XMLSchema"
_REFERENCES = [f"{{{_XS}}}{tag}" for tag in ("include", "import", "redefine", "override")]


def _check_local(main: Path) -> None:
    """Every XSD the main file pulls in must be a file in its folder.

    xmlschema's sandbox blocks the *use* of a remote location but still tries to open it first, so a
    ``schemaLocation="http://…"`` in a tampered XSD folder would reach the network. The closure of
    include/import/redefine/override is therefore checked here, before xmlschema sees the files.
    """
    folder = main.parent.resolve()
    pending, seen = [main.resolve()], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            tree = parse_bytes(read_limited(current), current.name)
        except FimImportError as error:
            raise FimImportError(
                _("Die XSD-Datei %(path)s ist nicht lesbar: %(reason)s")
                % {"path": current, "reason": error.reason}
            ) from error
        for reference in tree.getroot().iter(*_REFERENCES):
            location = (reference.get("schemaLocation") or "").strip()
            if not location:
                continue  # e.g. the XML namespace: xmlschema brings its own copy
            target = (current.parent / location).resolve()
            if "://" in location or location.startswith("/") or not target.is_relative_to(folder):
                raise FimImportError(
                    _(
                        "Die XSD-Datei %(file)s verweist auf „%(location)s“. XSDs werden nur aus "
                        "lokalen Dateien im Ordner %(folder)s geladen."
                    )
                    % {"file": current.name, "location": location, "folder": folder}
                )
            if not target.is_file():
                raise FimImportError(
                    _(
                        "Die XSD-Dateien in %(folder)s sind unvollständig: %(file)s bindet %(location)s "
                        "ein, die fehlt."
                    )
                    % {"folder": folder, "file": current.name, "location": location}
                )
            pending.append(target)


@lru_cache(maxsize=8)
def _compiled(path: str) -> xmlschema.XMLSchema:
    _check_local(Path(path))
    try:
        with warnings.catch_warnings():
            # a missing include/import (xoev-code.xsd, …) must stop the import, not weaken the check
            warnings.simplefilter("error", xmlschema.XMLSchemaIncludeWarning)
            warnings.simplefilter("error", xmlschema.XMLSchemaImportWarning)
            # sandbox: includes and imports only from the XSD's own folder; no network, no entities.
            return xmlschema.XMLSchema(path, allow="sandbox", defuse="always", timeout=5)
    except (xmlschema.XMLSchemaException, OSError, etree.LxmlError, Warning) as error:
        raise FimImportError(
            _(
                "Die XSD-Dateien in %(folder)s lassen sich nicht laden (%(detail)s). Fehlt eine eingebundene "
                "Datei wie xdatenfelder-baukasten.xsd oder xoev-code.xsd?"
            )
            % {"folder": Path(path).parent, "detail": error}
        ) from error


def validate(tree: etree._ElementTree, standard: Standard, name: str, folder: Path) -> None:
    """Raise a :class:`FimImportError` for the first XSD violation (with its line), naming how many follow."""
    schema = schema_for(standard, folder)
    errors = []
    for error in schema.iter_errors(tree):
        errors.append(error)
        if len(errors) > 20:
            break
    if not errors:
        return
    first = errors[0]
    reason = _("Die Datei entspricht nicht dem offiziellen XSD von %(label)s: %(reason)s") % {
        "label": standard.label,
        "reason": _german_reason(first),
    }
    if len(errors) > 1:
        more = len(errors) - 1
        reason += " " + (
            _("(und %(count)s weitere Fehler)") % {"count": more}
            if more <= 20
            else _("(und mehr als 20 weitere Fehler)")
        )
    raise FimImportError(reason, file=name, line=_line_of(first))


def _line_of(error: Any) -> int | None:
    """The line of the offending child where xmlschema names one, else of the element itself."""
    elem = getattr(error, "elem", None)
    index = getattr(error, "index", None)
    if elem is not None and isinstance(index, int) and 0 <= index < len(elem):
        child_line = getattr(elem[index], "sourceline", None)
        if child_line:
            return int(child_line)
    line = getattr(error, "sourceline", None)
    return int(line) if line else None


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Unexpected child with tag '([^']+)' at position (\d+)\. Tag '([^']+)' expected\."),
        "unexpected_expected",
    ),
    (re.compile(r"Unexpected child with tag '([^']+)' at position (\d+)\."), "unexpected"),
    (
        re.compile(r"The content of element '([^']+)' is not complete\. Tag '([^']+)' expected\."),
        "incomplete",
    ),
    (re.compile(r"The content of element '([^']+)' is not complete\."), "incomplete_plain"),
    (re.compile(r"missing required attribute '([^']+)'"), "attribute"),
    (re.compile(r"Invalid datetime string '([^']*)'"), "date"),
    (re.compile(r"is not an element of the schema"), "root"),
    (re.compile(r"value must be one of \[(.*)\]"), "enum"),
    (re.compile(r"value doesn't match any pattern"), "pattern"),
    (re.compile(r"value length cannot be greater than (\d+)"), "too_long"),
    (re.compile(r"value length cannot be lesser than (\d+)"), "too_short"),
    (
        re.compile(
            r"invalid literal for (?:int|float|Decimal)|is not a (?:valid )?(?:decimal|integer|number)"
        ),
        "number",
    ),
    (re.compile(r"is not a boolean value"), "boolean"),
    (re.compile(r"'([^']+)' attribute not allowed"), "attribute_unknown"),
]


def _german_reason(error: Any) -> str:
    """A German sentence for the common XSD errors; the original English detail for the rest."""
    raw = str(getattr(error, "reason", "") or getattr(error, "message", "") or error)
    elem = getattr(error, "elem", None)
    tag = _prefixed(elem) if elem is not None else ""
    value = (elem.text or "").strip() if elem is not None and isinstance(elem.tag, str) else ""
    for pattern, kind in _PATTERNS:
        found = pattern.search(raw)
        if not found:
            continue
        if kind == "unexpected_expected":
            return _("unerwartetes Element „%(found)s“ in „%(parent)s“, erwartet wurde „%(expected)s“.") % {
                "found": found.group(1),
                "parent": tag,
                "expected": found.group(3),
            }
        if kind == "unexpected":
            return _("unerwartetes Element „%(found)s“ in „%(parent)s“.") % {
                "found": found.group(1),
                "parent": tag,
            }
        if kind == "incomplete":
            return _("in „%(parent)s“ fehlt das Pflichtelement „%(expected)s“.") % {
                "parent": found.group(1),
                "expected": found.group(2),
            }
        if kind == "incomplete_plain":
            return _("der Inhalt von „%(parent)s“ ist unvollständig.") % {"parent": found.group(1)}
        if kind == "attribute":
            return _("an „%(element)s“ fehlt das Pflichtattribut „%(attribute)s“.") % {
                "element": tag,
                "attribute": found.group(1),
            }
        if kind == "date":
            return _("„%(value)s“ in „%(element)s“ ist kein gültiges Datum.") % {
                "value": found.group(1),
                "element": tag,
            }
        if kind == "root":
            return _("das Wurzelelement „%(element)s“ ist keine Nachricht dieses Standards.") % {
                "element": tag
            }
        if kind == "enum":
            allowed = ", ".join(f"„{item}“" for item in re.findall(r"'([^']*)'", found.group(1)))
            return _(
                "der Wert „%(value)s“ in „%(element)s“ ist nicht erlaubt; erlaubt sind: %(allowed)s."
            ) % {
                "value": value,
                "element": tag,
                "allowed": allowed,
            }
        if kind == "pattern":
            return _("der Wert „%(value)s“ in „%(element)s“ hat nicht das vorgeschriebene Format.") % {
                "value": value,
                "element": tag,
            }
        if kind == "too_long":
            return _("der Wert in „%(element)s“ ist länger als %(limit)s Zeichen.") % {
                "element": tag,
                "limit": found.group(1),
            }
        if kind == "too_short":
            return _("der Wert in „%(element)s“ ist kürzer als %(limit)s Zeichen.") % {
                "element": tag,
                "limit": found.group(1),
            }
        if kind == "number":
            return _("„%(value)s“ in „%(element)s“ ist keine gültige Zahl.") % {
                "value": value,
                "element": tag,
            }
        if kind == "boolean":
            return _("„%(value)s“ in „%(element)s“ ist kein Wahrheitswert (erlaubt: true, false).") % {
                "value": value,
                "element": tag,
            }
        if kind == "attribute_unknown":
            return _("das Attribut „%(attribute)s“ ist an „%(element)s“ nicht erlaubt.") % {
                "attribute": found.group(1),
                "element": tag,
            }
    # Rare errors: a German sentence first, the checker's own (English) words only as a hint for experts.
    return _("„%(element)s“ entspricht nicht dem Schema (Hinweis des Prüfprogramms: %(detail)s).") % {
        "detail": raw.strip(),
        "element": tag or "?",
    }


def _prefixed(elem: Any) -> str:
    if not isinstance(getattr(elem, "tag", None), str):
        return "?"
    qname = etree.QName(elem)
    prefix = elem.prefix if getattr(elem, "prefix", None) else ""
    return f"{prefix}:{qname.localname}" if prefix else qname.localname
