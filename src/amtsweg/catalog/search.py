"""A small, database-agnostic full-text search over the catalogue (inverted index in ``SearchTerm``).

Good enough for the portal until the AI assistant replaces it: German umlaut folding, prefix
matching for inflected forms ("Kita" finds "Kitaplatz"), suffixes of compound nouns ("Steuer"
finds "Hundesteuer") and field weights (name before keywords before texts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from amtsweg.catalog.models import SearchTerm, Service
from amtsweg.catalog.pagecache import catalogue_changed
from amtsweg.core.text import tokens

FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("name", 6.0),
    ("keywords", 4.0),
    ("ozg", 2.0),
    ("lebenslagen", 1.5),
    ("short_text", 2.0),
    ("full_text", 1.0),
    ("required_documents", 0.5),
)
COMPOUND_FIELDS = {"name", "keywords"}
MIN_SUFFIX = 4
STOPWORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "oder",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "fuer",
        "mit",
        "von",
        "zu",
        "zum",
        "zur",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "ich",
        "wie",
        "was",
        "wo",
        "wer",
        "sie",
        "ihr",
        "ihre",
        "ihren",
        "mein",
        "meine",
        "meinen",
        "kann",
        "koennen",
        "muss",
        "ist",
        "sind",
        "wird",
        "werden",
        "nicht",
        "als",
        "auch",
        "den",
        "dem",
        "des",
        "es",
        "sich",
        "so",
        "nach",
        "ueber",
        "um",
        "bis",
        "noch",
        "nur",
    ]
)


def _service_fields(service: Service) -> dict[str, str]:
    return {
        "name": service.name,
        "keywords": " ".join(service.keywords or []),
        "ozg": service.ozg_leistung.name if service.ozg_leistung else "",
        "lebenslagen": " ".join(lebenslage.name for lebenslage in service.lebenslagen.all()),
        "short_text": service.short_text,
        "full_text": service.full_text,
        "required_documents": service.required_documents,
    }


def index_terms(service: Service) -> dict[str, float]:
    """The weighted terms of one service."""
    weights: dict[str, float] = defaultdict(float)
    for field, weight in FIELD_WEIGHTS:
        seen: set[str] = set()
        for token in tokens(_service_fields(service)[field]):
            if token in STOPWORDS or len(token) < 2 or token in seen:
                continue
            seen.add(token)
            weights[token[:100]] = max(weights[token[:100]], weight)
            if field in COMPOUND_FIELDS:
                for start in range(1, len(token) - MIN_SUFFIX + 1):
                    suffix = token[start:][:100]
                    weights[suffix] = max(weights[suffix], weight * 0.5)
    return dict(weights)


def index_rebuild(service_ids: Iterable[int] | None = None) -> int:
    """Rebuild the index for the given services (all when ``None``). Returns the number of terms."""
    services = Service.objects.prefetch_related("lebenslagen").select_related("ozg_leistung")
    if service_ids is not None:
        ids = list(service_ids)
        services = services.filter(pk__in=ids)
    rows: list[SearchTerm] = []
    for service in services.filter(is_published=True):
        rows.extend(
            SearchTerm(term=term, service_id=service.pk, weight=weight)
            for term, weight in index_terms(service).items()
        )
    with transaction.atomic():
        stale = (
            SearchTerm.objects.all() if service_ids is None else SearchTerm.objects.filter(service_id__in=ids)
        )
        stale.delete()
        SearchTerm.objects.bulk_create(rows, batch_size=2000)
        catalogue_changed()  # bulk writes send no signals; the search pages show the new index
    return len(rows)


@dataclass(frozen=True)
class SearchHit:
    service: Service
    score: float
    matched: int


def search_services(query: str, *, limit: int = 20) -> list[SearchHit]:
    """Services matching the query, best first. Every query word must match (prefix) unless none does."""
    words = [w for w in dict.fromkeys(tokens(query)) if w not in STOPWORDS and len(w) >= 2][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(term__startswith=word) if len(word) >= 3 else Q(term=word)
    per_service: dict[int, dict[str, float]] = defaultdict(dict)
    for service_id, term, weight in SearchTerm.objects.filter(condition).values_list(
        "service_id", "term", "weight"
    ):
        for word in words:
            if term == word:
                score = weight
            elif len(word) >= 3 and term.startswith(word):
                score = weight * 0.7
            else:
                continue
            per_service[service_id][word] = max(per_service[service_id].get(word, 0.0), score)
    ranked = sorted(
        ((len(found), sum(found.values()), service_id) for service_id, found in per_service.items()),
        reverse=True,
    )
    if ranked and ranked[0][0] == len(words):
        ranked = [row for row in ranked if row[0] == len(words)]
    ranked = ranked[:limit]
    services = Service.objects.in_bulk([service_id for _, _, service_id in ranked])
    return [
        SearchHit(services[service_id], score, matched)
        for matched, score, service_id in ranked
        if service_id in services and services[service_id].is_published
    ]
