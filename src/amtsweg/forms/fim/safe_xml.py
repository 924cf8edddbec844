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
            _("Die Datei ist kein wohlgeformtes XML (%(detail)s).") % {"detail": error.msg or str(error)},
            file=name,
            line=error.lineno or None,
        ) from error
    except ValueError as error:  # e.g. an encoding declaration lxml cannot use
        raise FimImportError(
            _("Die Datei ist kein lesbares XML (%(detail)s).") % {"detail": error}, file=name
        ) from error
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise FimImportError(
            _("Die Datei enthält eine DTD. Aus Sicherheitsgründen werden solche Dateien nicht verarbeitet."),
            file=name,
            line=1,
        )
    return tree


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
