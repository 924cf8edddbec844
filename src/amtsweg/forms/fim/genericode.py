"""Code lists in OASIS genericode 1.0, found beside the schema file.

A field names its list by ``codelisteReferenz`` (canonical URI, version, canonical version URI). The files
``*.xml`` in the schema's folder are read (safely, with the same size limit) and indexed by their
``Identification/CanonicalVersionUri`` and ``CanonicalUri``. The code is the key column
(``ColumnSet/Key/ColumnRef``), the label the first other column that looks like a name or description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.safe_xml import parse_bytes, read_limited
from amtsweg.forms.spec import CodeEntry

GC_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
_LABEL_HINTS = ("name", "beschreibung", "bezeichnung", "wert", "text", "label", "langform", "kurzform")


@dataclass(frozen=True)
class Genericode:
    canonical_uri: str
    canonical_version_uri: str
    version: str
    name: str
    entries: tuple[CodeEntry, ...]
    file: str
    duplicates: tuple[str, ...] = ()


@dataclass
class CodeListFolder:
    """Lazily indexed genericode files of one folder (read only when a schema refers to a list)."""

    folder: Path
    skip: Path | None = None
    max_bytes: int = 10 * 1024 * 1024
    problems: list[str] = field(default_factory=list)
    _by_version_uri: dict[str, Genericode] | None = None
    _by_uri: dict[str, Genericode] = field(default_factory=dict)

    def find(self, uri: str, version_uri: str) -> tuple[Genericode | None, bool]:
        """The list for a reference and whether the version matched exactly."""
        self._index()
        by_version = self._by_version_uri or {}
        if version_uri and version_uri in by_version:
            return by_version[version_uri], True
        if uri and uri in self._by_uri:
            found = self._by_uri[uri]
            return found, not version_uri or found.canonical_version_uri == version_uri
        return None, False

    def _index(self) -> None:
        if self._by_version_uri is not None:
            return
        self._by_version_uri = {}
        candidates = sorted(p for p in self.folder.glob("*.xml") if p.is_file())
        for path in candidates:
            if self.skip is not None and path.resolve() == self.skip.resolve():
                continue
            with path.open("rb") as handle:  # cheap look first: most XML files beside are no code lists
                if GC_NS.encode() not in handle.read(4096):
                    continue
            try:
                tree = parse_bytes(read_limited(path, self.max_bytes), path.name)
            except FimImportError as error:
                self.problems.append(str(error))
                continue
            if etree.QName(tree.getroot()).namespace != GC_NS:
                continue  # another XML file in the folder, not a code list
            try:
                code_list = parse_genericode(tree, path.name)
            except FimImportError as error:
                self.problems.append(str(error))
                continue
            if code_list.canonical_version_uri:
                self._by_version_uri.setdefault(code_list.canonical_version_uri, code_list)
            if code_list.canonical_uri:
                self._by_uri.setdefault(code_list.canonical_uri, code_list)


def _text(elem: etree._Element | None) -> str:
    return " ".join((elem.text or "").split()) if elem is not None else ""


def parse_genericode(tree: etree._ElementTree, name: str) -> Genericode:
    """Read one genericode ``CodeList`` (root or embedded)."""
    ns = {"gc": GC_NS}
    root = tree.getroot()
    ident = root.find("Identification")
    if ident is None:
        ident = root.find("gc:Identification", ns)
    if ident is None:
        raise FimImportError(_("Die Codeliste hat keine Identification."), file=name, line=root.sourceline)

    def child(parent: etree._Element, tag: str) -> etree._Element | None:
        found = parent.find(tag)
        return found if found is not None else parent.find(f"gc:{tag}", ns)

    def children(parent: etree._Element | None, tag: str) -> list[etree._Element]:
        if parent is None:
            return []
        return list(parent.findall(tag)) + list(parent.findall(f"gc:{tag}", ns))

    column_set = child(root, "ColumnSet")
    columns = children(column_set, "Column")
    column_ids = [c.get("Id", "") for c in columns]
    keys = children(column_set, "Key")
    code_column = ""
    if keys:
        ref = child(keys[0], "ColumnRef")
        code_column = ref.get("Ref", "") if ref is not None else ""
    if not code_column and columns:
        required = [c.get("Id", "") for c in columns if c.get("Use") == "required"]
        code_column = required[0] if required else column_ids[0]
    label_column = _label_column(columns, code_column)

    simple = child(root, "SimpleCodeList")
    entries: list[CodeEntry] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for row in children(simple, "Row"):
        values: dict[str, str] = {}
        for position, value in enumerate(children(row, "Value")):
            column = value.get("ColumnRef") or (column_ids[position] if position < len(column_ids) else "")
            values[column] = _text(child(value, "SimpleValue"))
        code = values.get(code_column, "")
        if not code:
            continue
        if code in seen:
            duplicates.append(code)
            continue
        seen.add(code)
        entries.append(CodeEntry(code=code, label=values.get(label_column, "") or code))
    return Genericode(
        canonical_uri=_text(child(ident, "CanonicalUri")),
        canonical_version_uri=_text(child(ident, "CanonicalVersionUri")),
        version=_text(child(ident, "Version")),
        name=_text(child(ident, "LongName")) or _text(child(ident, "ShortName")),
        entries=tuple(entries),
        file=name,
        duplicates=tuple(duplicates),
    )


def _label_column(columns: list[etree._Element], code_column: str) -> str:
    others = [c for c in columns if c.get("Id", "") != code_column]
    if not others:
        return code_column
    for column in others:
        short = column.find(f"{{{GC_NS}}}ShortName")
        if short is None:
            short = column.find("ShortName")
        words = f"{column.get('Id', '')} {_text(short)}".lower()
        if any(hint in words for hint in _LABEL_HINTS):
            return column.get("Id", "")
    return others[0].get("Id", "")
