"""Search and "Frag den Kreis" for the portal: services, the passage that answers, the responsible office.

Answers are extractive: every sentence shown is quoted from our own catalogue texts, with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from amtsweg.assistant.analysis import MAX_QUERY_CHARS
from amtsweg.assistant.engine import Passage
from amtsweg.assistant.index import catalogue_engine
from amtsweg.catalog.models import Lebenslage, Service
from amtsweg.catalog.selectors import (
    ResolvedResponsibility,
    municipalities,
    published_services,
    responsibility_resolve,
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


@dataclass
class PortalHit:
    service: Service
    score: float
    passage: Passage | None = None
    resolved: ResolvedResponsibility | None = None


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


def detect_municipality(text: str) -> tuple[Authority | None, str]:
    """A town named in the text (by its short name) and the text without it."""
    words = tokens(text)
    for town in municipalities():
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


def _hits(query: str, *, limit: int, municipality: Authority | None) -> tuple[list[PortalHit], bool]:
    engine = catalogue_engine()
    result = engine.search(query, limit=limit)
    if not result.confident:
        return [], False
    top = result.hits[0].score
    # The dense half scores every service a little; the long tail of weak matches only distracts.
    kept = [hit for hit in result.hits if hit.confident or hit.score >= TAIL_SHARE * top]
    services = published_services().in_bulk([hit.document.pk for hit in kept if hit.document.pk])
    hits: list[PortalHit] = []
    for hit in kept:
        service = services.get(hit.document.pk or 0)
        if service is None:
            continue
        portal_hit = PortalHit(service, hit.score, engine.passage(hit.document, result.terms))
        if municipality is not None and len(hits) < 3:
            portal_hit.resolved = responsibility_resolve(service, municipality)
        hits.append(portal_hit)
    return hits, result.confident


def portal_search(query: str, *, limit: int = 20, municipality: Authority | None = None) -> list[PortalHit]:
    """The portal search (registered as catalog search backend "portal"). Detects a town in the query."""
    query = clean_query(query)
    town, rest = detect_municipality(query)
    hits, _ = _hits(rest or query, limit=limit, municipality=municipality or town)
    return hits


def answer_question(question: Any, *, municipality: Authority | None = None, limit: int = 3) -> Answer:
    """ "Frag den Kreis": the best services with the passage that answers, or an honest "nothing fits"."""
    text = clean_query(question)
    answer = Answer(question=text, municipality=municipality)
    if not any(ch.isalnum() for ch in text):
        return answer
    town, rest = detect_municipality(text)
    answer.municipality = municipality or town
    answer.lebenslage = detect_lebenslage(text)
    if answer.lebenslage is not None:
        answer.bundle = list(
            published_services()
            .filter(lebenslagen=answer.lebenslage)
            .order_by("name")
            .only("name", "slug", "short_text")
        )
    answer.hits, answer.confident = _hits(rest or text, limit=limit + 2, municipality=answer.municipality)
    if answer.bundle:
        # A named life situation outranks a word that matches elsewhere ("ziehe" in "Gewerbe ummelden").
        in_bundle = {service.pk for service in answer.bundle}
        answer.hits.sort(key=lambda hit: hit.service.pk not in in_bundle)
    answer.hits = answer.hits[:limit]
    if answer.municipality is not None:
        for hit in answer.hits:
            if hit.resolved is None:
                hit.resolved = responsibility_resolve(hit.service, answer.municipality)
    if fold(rest).strip() == "" and town is not None:
        answer.hits, answer.confident = [], False
    return answer
