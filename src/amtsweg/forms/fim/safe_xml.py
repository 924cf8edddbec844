"""Reading untrusted XML: size limit first, then lxml without entities, DTDs or network access.

FIM files come from outside (the FIM portal, another authority, an e-mail). A file larger than the limit is
rejected before it is read; a document with a DTD (entity bombs such as "billion laughs", external
entities pointing at ``file:///etc/passwd`` or a web server) is rejected whole — XDatenfelder never needs one.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.errors import FimImportError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# A DTD or entity declaration near the start, in any ASCII-compatible encoding.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def read_limited(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path``, or a :class:`FimImportError` when it is missing, a folder or too large."""
    name = path.name
    if not path.exists():
        raise FimImportError(_("Die Datei gibt es nicht."), file=str(path))
    if not path.is_file():
        raise FimImportError(_("Das ist keine Datei."), file=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise FimImportError(
            _("Die Datei ist mit %(size)s MB größer als erlaubt (höchstens %(limit)s MB).")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes)},
            file=name,
        )
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we looked at it
        raise FimImportError(
            _("Die Datei ist größer als erlaubt (höchstens %(limit)s MB).")
            % {"limit": _megabytes(max_bytes)},
            file=name,
        )
    return data


def parse_bytes(data: bytes, name: str) -> etree._ElementTree:
    """Parse ``data`` safely; every refusal is a German :class:`FimImportError` with the line where known."""
    if not data.strip():
        raise FimImportError(_("Die Datei ist leer."), file=name)
    found = _DECLARATION.search(data)
    if found:
        line = data.count(b"\n", 0, found.start()) + 1
        raise FimImportError(
            _(
                "Die Datei enthält eine DTD oder Entity-Deklaration (<!DOCTYPE …> / <!ENTITY …>). "
                "Aus Sicherheitsgründen werden solche Dateien nicht verarbeitet; XDatenfelder braucht "
                "keine DTD."
            ),
            file=name,
            line=line,
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise FimImportError(
            _("Die Datei ist kein wohlgeformtes XML (%(detail)s).") % {"detail": syntax_detail(error)},
            file=name,
            line=error.lineno or None,
        ) from error
    except ValueError as error:  # e.g. an encoding declaration lxml cannot use
        raise FimImportError(
            _("Die Datei ist kein lesbares XML: ihre Zeichenkodierung lässt sich nicht verarbeiten."),
            file=name,
        ) from error
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise FimImportError(
            _("Die Datei enthält eine DTD. Aus Sicherheitsgründen werden solche Dateien nicht verarbeitet."),
            file=name,
            line=1,
        )
    return tree


# libxml2's error codes (xmlParserErrors) for what people get wrong in hand-edited or cut-off files.
_TAG_MISMATCH = re.compile(r"mismatch: ([^\s,]+) line (\d+) and ([^\s,]+)")
_TAG_UNFINISHED = re.compile(r"in tag (\S+) line (\d+)")
_PREFIX_UNDEFINED = re.compile(r"prefix (\S+) on (\S+) is not defined")
_ENTITY_UNDEFINED = re.compile(r"Entity '([^']+)' not defined")


def syntax_detail(error: etree.XMLSyntaxError) -> str:
    """What is wrong, in German, with the column: libxml2's own message is English."""
    message = error.msg or ""
    code = error.code
    if code == 76 and (found := _TAG_MISMATCH.search(message)):
        detail = _("das Element <%(opened)s> aus Zeile %(line)s wird mit </%(closed)s> geschlossen") % {
            "opened": found[1],
            "line": found[2],
            "closed": found[3],
        }
    elif code == 77 and (found := _TAG_UNFINISHED.search(message)):
        detail = _("die Datei endet, bevor das Element <%(tag)s> aus Zeile %(line)s geschlossen ist") % {
            "tag": found[1],
            "line": found[2],
        }
    elif code == 201 and (found := _PREFIX_UNDEFINED.search(message)):
        detail = _("das Namensraum-Präfix „%(prefix)s“ von <%(prefix)s:%(tag)s> ist nicht deklariert") % {
            "prefix": found[1],
            "tag": found[2],
        }
    elif code == 26 and (found := _ENTITY_UNDEFINED.search(message)):
        detail = _(
            "unbekannte Entity „&%(entity)s;“ (erlaubt sind nur &amp; &lt; &gt; &quot; und &apos;)"
        ) % {"entity": found[1]}
    else:
        known = {
            4: _("am Anfang steht kein XML-Element (erwartet wird „<“)"),
            5: _("nach dem Ende des Wurzelelements folgt weiterer Inhalt"),
            9: _("die Datei enthält ein Zeichen, das in XML nicht erlaubt ist"),
            32: _("die angegebene Zeichenkodierung wird nicht unterstützt"),
            39: _("ein Attributwert steht nicht in Anführungszeichen"),
            41: _("ein Attribut hat keinen Wert"),
            42: _("ein Attribut steht zweimal im selben Element"),
            45: _("ein Kommentar wird nicht geschlossen („-->“ fehlt)"),
            63: _("ein CDATA-Abschnitt wird nicht geschlossen („]]>“ fehlt)"),
            68: _(
                "ein Name fehlt oder ist ungültig (ein einzelnes „&“ muss als „&amp;“ geschrieben werden, "
                "Elementnamen beginnen mit einem Buchstaben)"
            ),
            73: _("ein Tag wird nicht geschlossen („>“ fehlt)"),
            76: _("Start- und Endtag passen nicht zusammen"),
            77: _("die Datei endet, bevor alle Elemente geschlossen sind"),
            81: _("die Datei enthält Bytes, die in ihrer Zeichenkodierung ungültig sind (erwartet: UTF-8)"),
            201: _("ein Namensraum-Präfix ist nicht deklariert"),
        }
        detail = known.get(code) or _("Fehler %(code)s des XML-Parsers") % {"code": code}
    column = error.position[1] if error.position else 0
    if column:
        detail += ", " + _("Spalte %(column)s") % {"column": column}
    return detail


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
