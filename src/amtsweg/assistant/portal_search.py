"""Search and "Frag den Kreis" for the portal: services, the passage that answers, the responsible office.

Answers are extractive: every sentence shown is quoted from our own catalogue texts, with its source.
The order of the hits comes from :func:`search_ranking` and :func:`answer_ranking`, which work on any
engine: the live one over the database (here) and the one ``amtsweg search-eval`` builds from a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from amtsweg.assistant.analysis import MAX_QUERY_CHARS
from amtsweg.assistant.engine import Hit, HybridEngine, Passage, Weights
from amtsweg.assistant.index import catalogue_engine
from amtsweg.catalog.models import Lebenslage, Service
from amtsweg.catalog.selectors import (
    ResolvedResponsibility,
    municipalities,
    published_services,
    responsibilities_resolve,
)
from amtsweg.core.text import fold, tokens
from amtsweg.tenants.models import Authority

# Phrases that name a life situation (folded). Maps to Lebenslage slugs; unknown slugs are ignored.
LIFE_EVENTS: dict[str, tuple[str, ...]] = {
    "wohnen-umzug": (
        "ziehe nach",
        "ziehen nach",
        "umzug",
        "umziehen",
        "zugezogen",
        "neue wohnung",
        "ziehe um",
    ),
    "geburt": (
        "bekommen ein kind",
        "bekomme ein kind",
        "kind bekommen",
        "baby",
        "schwanger",
        "geburt",
        "nachwuchs",
    ),
    "eheschliessung": ("heiraten", "hochzeit", "eheschliessung"),
    "tod": ("gestorben", "todesfall", "verstorben", "sterbefall"),
    "kfz-besitz": ("auto gekauft", "neues auto", "gebrauchtwagen"),
    "unternehmensstart-gewerbezulassung": ("selbststaendig machen", "firma gruenden", "unternehmen gruenden"),
}


TAIL_SHARE = 0.6
# When nothing fits well enough, the search page still shows the few services that come closest — marked
# as not sure — as long as the best of them is at least plausible (see engine.Hit.plausible); "Frag den
# Kreis" answers only with what fits well enough.
UNSURE_LIMIT = 5


@dataclass
class PortalHit:
    service: Service
    score: float
    passage: Passage | None = None
    resolved: ResolvedResponsibility | None = None
    sure: bool = True  # False: nothing fits well enough, this one comes closest


@dataclass
class Answer:
    question: str
    hits: list[PortalHit] = field(default_factory=list)
    municipality: Authority | None = None
    lebenslage: Lebenslage | None = None
    bundle: list[Service] = field(default_factory=list)
    confident: bool = False


def clean_query(text: Any) -> str:
    """Printable text, at most ``MAX_QUERY_CHARS`` characters (binary junk and control characters dropped)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else " " for ch in str(text or "")[: MAX_QUERY_CHARS * 4])
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def detect_municipality(text: str, towns: Sequence[Authority] | None = None) -> tuple[Authority | None, str]:
    """A town named in the text (by its short name) and the text without it."""
    words = tokens(text)
    for town in municipalities() if towns is None else towns:
        name = tokens(town.short_name)
        if name and any(words[i : i + len(name)] == name for i in range(len(words))):
            pattern = re.compile(
                r"\b" + r"\W+".join(re.escape(w) for w in town.short_name.split()) + r"\b", re.I
            )
            return town, pattern.sub(" ", text).strip()
    return None, text


def detect_lebenslage(text: str) -> Lebenslage | None:
    folded = " ".join(tokens(text))
    for slug, phrases in LIFE_EVENTS.items():
        if any(re.search(r"\b" + re.escape(phrase) + r"\b", folded) for phrase in phrases):
            found = Lebenslage.objects.filter(slug=slug).first()
            if found is not None:
                return found
    return None


@dataclass
class Ranking:
    """What the portal shows for one query, before it looks up services: the hits in order."""

    hits: list[Hit]
    terms: list[str]
    confident: bool
    town: Authority | None
    text: str  # what was searched: the query without the town (the whole query when only a town was named)
    rest: str = ""  # the query without the town, possibly empty

    @property
    def keys(self) -> list[str]:
        return [hit.document.key for hit in self.hits]


def search_ranking(
    engine: HybridEngine,
    query: Any,
    *,
    limit: int,
    towns: Sequence[Authority] | None = None,
    weights: Weights | None = None,
) -> Ranking:
    """The ranking of ``/suche/``: the ONE code path of the live search and of ``amtsweg search-eval``.

    Cleans the query, takes a named town out of it, searches, and keeps nothing when the best hit
    does not even look plausible; else the confident hits and those close to the best (at most
    ``UNSURE_LIMIT`` and ``confident=False`` when the best does not fit well enough). ``towns`` defaults to
    the towns of the database, ``weights`` to the engine's (``search-eval --tune`` varies them).
    """
    query = clean_query(query)
    town, rest = detect_municipality(query, towns)
    text = rest or query
    result = engine.search(text, limit=limit, weights=weights)
    if not result.hits or not (result.confident or result.hits[0].plausible):
        return Ranking([], result.terms, False, town, text, rest)
    top = result.hits[0].score
    # The dense half scores every service a little; the long tail of weak matches only distracts.
    kept = [hit for hit in result.hits if hit.confident or hit.score >= TAIL_SHARE * top]
    if not result.confident:
        kept = kept[:UNSURE_LIMIT]
    return Ranking(kept, result.terms, result.confident, town, text, rest)


def answer_ranking(
    engine: HybridEngine,
    question: Any,
    *,
    limit: int = 3,
    towns: Sequence[Authority] | None = None,
    lebenslage: Lebenslage | None = None,
    weights: Weights | None = None,
) -> Ranking:
    """The services "Frag den Kreis" answers with, in order (shared by the page and ``search-eval``).

    The search ranking of the question; services of a life situation named in it (``lebenslage``,
    see :func:`detect_lebenslage`) come first, because a named life situation outranks a word that
    matches elsewhere ("ziehe" in "Gewerbe ummelden"). Only a town and nothing else: no answer.
    """
    ranking = search_ranking(engine, question, limit=limit + 2, towns=towns, weights=weights)
    if not ranking.confident:  # an answer must fit; the search page may offer what comes closest
        ranking.hits = []
    if lebenslage is not None:
        ranking.hits.sort(key=lambda hit: lebenslage.name not in hit.document.lebenslagen)
    ranking.hits = ranking.hits[:limit]
    if ranking.town is not None and not fold(ranking.rest).strip():
        ranking.hits, ranking.confident = [], False
    return ranking


def _portal_hits(engine: HybridEngine, ranking: Ranking, municipality: Authority | None) -> list[PortalHit]:
    services = published_services().in_bulk([hit.document.pk for hit in ranking.hits if hit.document.pk])
    hits: list[PortalHit] = []
    for hit in ranking.hits:
        service = services.get(hit.document.pk or 0)
        if service is None:
            continue
        passage = engine.passage(hit.document, ranking.terms)
        hits.append(PortalHit(service, hit.score, passage, sure=ranking.confident))
    if municipality is not None:
        _resolve_hits(hits[:3], municipality)
    return hits


def _resolve_hits(hits: list[PortalHit], municipality: Authority) -> None:
    """Who is responsible in ``municipality`` for the services of ``hits`` (reused while unchanged)."""
    resolved = responsibilities_resolve([hit.service for hit in hits], municipality)
    for hit in hits:
        hit.resolved = resolved[hit.service.pk]


def portal_search(query: str, *, limit: int = 20, municipality: Authority | None = None) -> list[PortalHit]:
    """The portal search (registered as catalog search backend "portal"). Detects a town in the query."""
    engine = catalogue_engine()
    ranking = search_ranking(engine, query, limit=limit)
    return _portal_hits(engine, ranking, municipality or ranking.town)


def answer_question(question: Any, *, municipality: Authority | None = None, limit: int = 3) -> Answer:
    """ "Frag den Kreis": the best services with the passage that answers, or an honest "nothing fits"."""
    text = clean_query(question)
    answer = Answer(question=text, municipality=municipality)
    if not any(ch.isalnum() for ch in text):
        return answer
    answer.lebenslage = detect_lebenslage(text)
    if answer.lebenslage is not None:
        answer.bundle = list(
            published_services()
            .filter(lebenslagen=answer.lebenslage)
            .order_by("name")
            .only("name", "slug", "short_text")
        )
    engine = catalogue_engine()
    ranking = answer_ranking(engine, text, limit=limit, lebenslage=answer.lebenslage)
    answer.municipality = municipality or ranking.town
    answer.confident = ranking.confident
    answer.hits = _portal_hits(engine, ranking, answer.municipality)
    if answer.confident and answer.hits:
        # A service is shown once: the answers with their quote, the rest of the life situation below them.
        answered = {hit.service.pk for hit in answer.hits}
        answer.bundle = [service for service in answer.bundle if service.pk not in answered]
    if answer.municipality is not None:
        _resolve_hits([hit for hit in answer.hits if hit.resolved is None], answer.municipality)
    return answer
