"""XDatenfelder 2.0 (``urn:xoev-de:fim:standard:xdatenfelder_2``): what differs from xdf 3.

``praezisierung`` is text: JSON (``{"minLength":"1","maxLength":"50"}``), or in older schemas a bare
length (``5``) or a range (``1..31``). Code lists are referenced by ``codelisteReferenz`` with the FIM id
and the genericode identification. A rule's prose is its ``definition``, its code the ``script``.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.builder import Builder, CodeListRef, Limits, safe_key
from amtsweg.forms.spec import FimRef

_RANGE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*\.\.\s*(-?\d+(?:[.,]\d+)?)\s*$")
NUMERIC = {"integer", "number", "currency"}


class Xdf2Builder(Builder):
    standard = "xdf2"

    def schema_title(self, content: etree._Element) -> str:
        return self.text(content, "bezeichnungEingabe") or self.text(content, "name")

    def schema_help(self, content: etree._Element) -> str:
        return self.text(content, "hilfetext")

    def limits(self, elem: etree._Element, fim_id: str, datatype: str) -> Limits:
        node = self.child(elem, "praezisierung")
        raw = (node.text or "").strip() if node is not None else ""
        if not raw:
            return Limits()
        if raw.startswith("{"):
            try:
                values = json.loads(raw)
            except ValueError:
                values = None
            if isinstance(values, dict):
                return self.apply_limits({str(k): str(v) for k, v in values.items()}, fim_id, datatype, node)
        elif found := _RANGE.match(raw):
            low, high = found.group(1), found.group(2)
            if datatype in NUMERIC or datatype == "date":
                return self.apply_limits({"minValue": low, "maxValue": high}, fim_id, datatype, node)
            return self.apply_limits({"minLength": low, "maxLength": high}, fim_id, datatype, node)
        elif raw.isdigit() and datatype == "text":
            return self.apply_limits({"maxLength": raw}, fim_id, datatype, node)
        self.warn(
            _("Datenfeld %(id)s: Präzisierung „%(value)s“ nicht verstanden, wird ignoriert.")
            % {"id": fim_id, "value": raw[:80]},
            node,
        )
        return Limits()

    def field_code_list(self, elem: etree._Element, fim: FimRef, key: str) -> str | None:
        ref = self.child(elem, "codelisteReferenz")
        if ref is None:
            return None
        ident = self.child(ref, "genericodeIdentification")
        list_id = (
            self.text(self.child(ref, "identifikation"), "id")
            if self.child(ref, "identifikation") is not None
            else ""
        )
        uri = self.text(ident, "canonicalIdentification") if ident is not None else ""
        version_uri = self.text(ident, "canonicalVersionUri") if ident is not None else ""
        version = self.text(ident, "version") if ident is not None else ""
        code_key = safe_key(list_id or uri or version_uri)
        if not code_key:
            raise self.fail(_("Die Codeliste von Datenfeld %(id)s hat keine Kennung.") % {"id": fim.id}, ref)
        return self.resolve_reference(
            CodeListRef(key=code_key, uri=uri, version=version, version_uri=version_uri, line=ref.sourceline),
            fim.id,
            ref,
        )

    def rule_prose(self, regel: etree._Element) -> str:
        return self.text(regel, "definition") or self.text(regel, "beschreibung")

    def rule_script(self, regel: etree._Element) -> str:
        node = self.child(regel, "script")
        return (node.text or "").strip() if node is not None else ""
