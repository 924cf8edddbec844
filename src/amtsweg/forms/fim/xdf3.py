"""XDatenfelder 3.0 (``urn:xoev-de:fim:standard:xdatenfelder_3.0.0``): what differs from xdf 2.

``praezisierung`` carries attributes (``minLength``, ``maxLength``, ``minValue``, ``maxValue``,
``pattern``). A field lists its values inline (``werte/wert``: code, name, hilfe) or references a genericode
list by ``codelisteReferenz`` (canonical URI, version, canonical version URI). A rule's prose is its
``freitextRegel``, its code the ``skript``, its messages ``fehler``. The schema's title is ``bezeichnung``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.builder import Builder, BuildResult, CodeListRef, Limits, safe_key
from amtsweg.forms.spec import CodeEntry, FimRef

# urn:xoev-de:xprozess:codeliste:status (the XSD types the code only as a token)
FREIGABESTATUS = {str(code) for code in range(1, 9)}


class Xdf3Builder(Builder):
    standard = "xdf3"

    def build(self) -> BuildResult:
        for status in self.root.iter(self.q("freigabestatus")):
            code = " ".join((status.findtext("code") or "").split())
            if code not in FREIGABESTATUS:
                raise self.fail(
                    _(
                        "Ungültiger Freigabestatus „%(code)s“: erlaubt sind die Codes 1 bis 8 der Codeliste "
                        "urn:xoev-de:xprozess:codeliste:status."
                    )
                    % {"code": code},
                    status,
                )
        return super().build()

    def schema_title(self, content: etree._Element) -> str:
        return self.text(content, "bezeichnung") or self.text(content, "name")

    def schema_help(self, content: etree._Element) -> str:
        return self.text(content, "hilfetext")

    def limits(self, elem: etree._Element, fim_id: str, datatype: str) -> Limits:
        node = self.child(elem, "praezisierung")
        if node is None:
            return Limits()
        values = {
            name: node.get(name, "") for name in ("minLength", "maxLength", "minValue", "maxValue", "pattern")
        }
        return self.apply_limits(values, fim_id, datatype, node)

    def field_code_list(self, elem: etree._Element, fim: FimRef, key: str) -> str | None:
        ref = self.child(elem, "codelisteReferenz")
        werte = self.child(elem, "werte")
        reference = None
        if ref is not None:
            uri = self.text(ref, "canonicalIdentification")
            version_uri = self.text(ref, "canonicalVersionUri")
            code_key = safe_key(uri or version_uri)
            if code_key:
                reference = CodeListRef(
                    key=code_key,
                    uri=uri,
                    version=self.text(ref, "version"),
                    version_uri=version_uri,
                    line=ref.sourceline,
                )
        if werte is not None and (reference is None or not self.available(reference)):
            return self.inline(werte, fim, self.text(elem, "name"))
        if reference is None:
            if ref is not None:
                raise self.fail(
                    _(
                        "Datenfeld %(id)s: die Codeliste ist ohne Kennung angegeben "
                        "(codelisteReferenz ist leer)."
                    )
                    % {"id": fim.id},
                    ref,
                )
            return None
        return self.resolve_reference(reference, fim.id, ref)

    def available(self, reference: CodeListRef) -> bool:
        if reference.key in self.code_lists:
            return bool(self.code_lists[reference.key].entries)
        return (
            self._folder is not None
            and self._folder.find(reference.uri, reference.version_uri)[0] is not None
        )

    def inline(self, werte: etree._Element, fim: FimRef, name: str) -> str:
        code_key = f"{safe_key(fim.id)}_werte"
        if code_key in self.code_lists:
            return code_key
        entries = []
        for wert in self.children(werte, "wert"):
            code = self.text(wert, "code")
            if not code:
                raise self.fail(_("Ein Wert der Werteliste hat keinen Code."), wert)
            entries.append(CodeEntry(code=code, label=self.text(wert, "name") or code))
        return self.inline_values(code_key, name or fim.id, entries, werte)

    def rule_prose(self, regel: etree._Element) -> str:
        return self.text(regel, "freitextRegel") or self.text(regel, "beschreibung")

    def rule_script(self, regel: etree._Element) -> str:
        node = self.child(regel, "skript")
        return (node.text or "").strip() if node is not None else ""

    def rule_message(self, regel: etree._Element) -> str:
        return " ".join(self.texts(regel, "fehler"))
