"""What the assistant indexes of a service, independent of where it comes from (database or a file)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amtsweg.catalog.importers.text import html_to_text, looks_like_html
from amtsweg.core.text import fold

# Field name → (German label, BM25 repetitions). Repeating a field is the simplest field weight BM25 has.
FIELDS: dict[str, tuple[str, int]] = {
    "name": ("Name", 3),
    "keywords": ("Suchbegriffe", 2),
    "lebenslagen": ("Lebenslagen", 1),
    "short_text": ("Kurzbeschreibung", 1),
    "full_text": ("Beschreibung", 1),
    "prerequisites": ("Voraussetzungen", 1),
    "required_documents": ("Erforderliche Unterlagen", 1),
    "fees": ("Gebühren", 1),
    "procedure": ("Verfahrensablauf", 1),
}
PASSAGE_FIELDS = ("short_text", "full_text", "prerequisites", "required_documents", "fees", "procedure")
EMBED_CHARS = 1200
# Long texts (whole HTML pages of other catalogues) are searched in passages of about this many
# characters: each passage is scored on its own and a service counts with its best one.
PASSAGE_CHARS = 500
MAX_PASSAGES = 16
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„])|\n+")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass
class SearchDocument:
    """One service as the search sees it. ``key`` is the service's external id."""

    key: str
    name: str
    keywords: list[str] = field(default_factory=list)
    lebenslagen: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    pk: int | None = None
    slug: str = ""

    def field_text(self, name: str) -> str:
        if name == "name":
            return self.name
        if name == "keywords":
            return " ; ".join(self.keywords)
        if name == "lebenslagen":
            return " ; ".join(self.lebenslagen)
        return self.texts.get(name, "")

    def bm25_text(self) -> str:
        return "\n".join("\n".join([self.field_text(name)] * repeat) for name, (_, repeat) in FIELDS.items())

    def embedding_text(self) -> str:
        """The text that the dense model sees: what the service is, in the words people use."""
        summary = ""
        for paragraph in self.paragraphs():
            summary = f"{summary} {paragraph}".strip()
            if len(summary) >= EMBED_CHARS // 2:
                break
        parts = [self.name, ", ".join(self.keywords), ", ".join(self.lebenslagen), summary]
        return ". ".join(part for part in parts if part)[:EMBED_CHARS]

    def paragraphs(self) -> list[str]:
        """Paragraphs of the texts in reading order, without repeats: not the page heading that only
        repeats the name, not a short text that is the start of the full text."""
        seen = {fold(self.name).strip()}
        result: list[str] = []
        full = fold(self.texts.get("full_text", ""))
        for name in PASSAGE_FIELDS:
            for paragraph in _PARAGRAPH.split(self.texts.get(name, "")):
                paragraph = " ".join(paragraph.split())
                key = fold(paragraph).strip()
                if not key or key in seen:
                    continue
                if name == "short_text" and key.rstrip("…. ") in full:
                    continue
                seen.add(key)
                result.append(paragraph)
        return result

    def passage_texts(self) -> list[str]:
        """The long texts cut into passages of about ``PASSAGE_CHARS`` (whole sentences; a heading or
        list intro stays with what follows), each led by the service's name for context."""
        chunks: list[str] = []
        current = ""
        for paragraph in self.paragraphs():
            pieces = [paragraph] if len(paragraph) <= PASSAGE_CHARS else _SENTENCE.split(paragraph)
            for piece in pieces:
                if (
                    current
                    and len(current) + len(piece) > PASSAGE_CHARS
                    and len(current) > PASSAGE_CHARS // 4
                ):
                    chunks.append(current)
                    current = ""
                current = f"{current} {piece}".strip()
        if current:
            chunks.append(current)
        return [f"{self.name}: {chunk}" for chunk in chunks[:MAX_PASSAGES]]

    def units(self) -> list[str]:
        """What is scored separately: the head (``embedding_text``) first, then the passages."""
        return [self.embedding_text(), *self.passage_texts()]

    def text_hash(self) -> str:
        return hashlib.sha256("\x1e".join(self.units()).encode()).hexdigest()

    def passages(self) -> Iterator[tuple[str, str]]:
        """(field, sentence) pairs from the texts, in reading order."""
        for name in PASSAGE_FIELDS:
            for sentence in _SENTENCE.split(self.texts.get(name, "")):
                sentence = sentence.strip(" –-•\t")
                if len(sentence) >= 12:
                    yield name, sentence


def _plain(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return html_to_text(value) if looks_like_html(value) else value.strip()


def _as_list(value: Any) -> list[Any]:
    """Other catalogues write a single keyword as a string, or separate several with commas."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return []


def document_from_record(
    record: dict[str, Any], lebenslage_names: dict[str, str] | None = None
) -> SearchDocument:
    """A document from one line of the JSON Lines exchange format (HTML is reduced to text)."""
    names = lebenslage_names or {}
    texts = {name: _plain(record.get(name)) for name in PASSAGE_FIELDS if name != "full_text"}
    texts["full_text"] = _plain(record.get("full_text")) or _plain(record.get("description"))
    if not texts["short_text"]:
        texts["short_text"] = texts["full_text"].split("\n\n")[0][:300]
    keywords = [_plain(k) for k in _as_list(record.get("keywords")) if isinstance(k, str)]
    lebenslagen = [names.get(str(code), str(code)) for code in _as_list(record.get("lebenslagen"))]
    lebenslagen = sorted(name for name in lebenslagen if not name.isdigit())
    return SearchDocument(
        key=str(record.get("id", "")),
        name=_plain(record.get("name")),
        keywords=[k for k in keywords if k],
        lebenslagen=lebenslagen,
        texts=texts,
    )


def documents_from_jsonl(path: Path, lebenslage_names: dict[str, str] | None = None) -> list[SearchDocument]:
    """Read a catalogue file without touching the database; unreadable lines are skipped."""
    documents: list[SearchDocument] = []
    with path.open(encoding="utf-8-sig") as stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("id") and record.get("name"):
                documents.append(document_from_record(record, lebenslage_names))
    return documents


def document_from_service(service: Any) -> SearchDocument:
    """A document from a ``catalog.Service`` (with ``lebenslagen`` prefetched)."""
    return SearchDocument(
        key=service.external_id,
        name=service.name,
        keywords=list(service.keywords or []),
        # Sorted here, not by the database (its collation differs between SQLite and PostgreSQL).
        lebenslagen=sorted(lebenslage.name for lebenslage in service.lebenslagen.all()),
        texts={name: getattr(service, name) or "" for name in PASSAGE_FIELDS},
        pk=service.pk,
        slug=service.slug,
    )


def documents_from_catalogue_file(path: Path) -> tuple[list[SearchDocument], dict[int, tuple[str, str]]]:
    """The published services a first import of ``path`` would create, as the live index sees them.

    Uses the importer's own checks and field mapping (``catalog.importers.jsonl``), so that an evaluation
    on a file measures exactly what the portal serves after ``amtsweg import-catalogue`` of that file.
    Returns the documents in file order and the lines the import would reject (number → id, reason).
    """
    from amtsweg.catalog.importers.jsonl import catalogue_file_services

    accepted, rejected = catalogue_file_services(path)
    documents = [
        SearchDocument(
            key=external_id,
            name=data["name"],
            keywords=list(data.get("keywords") or []),
            lebenslagen=sorted(lebenslage.name for lebenslage in data.get("lebenslagen") or []),
            texts={name: data.get(name) or "" for name in PASSAGE_FIELDS},
        )
        for external_id, data in accepted
        if data.get("is_published", True)
    ]
    return documents, rejected
