"""The portal search: German folding, prefixes, compounds and ranking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtsweg.catalog.models import Service
from amtsweg.catalog.search import index_rebuild, search_services
from amtsweg.catalog.services import service_create
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, Service]:
    kreis = Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )
    entries = {
        "bau": ("Baugenehmigung", "Sie möchten ein Haus bauen oder umbauen.", ["Bauantrag", "Bauschein"]),
        "hund": ("Hundesteuer anmelden", "Hunde werden bei der Gemeinde angemeldet.", ["Hundemarke"]),
        "wohngeld": (
            "Wohngeld beantragen",
            "Zuschuss zur Miete für Haushalte mit wenig Einkommen.",
            ["Mietzuschuss"],
        ),
        "fuehrerschein": ("Führerschein umtauschen", "Alte Führerscheine müssen umgetauscht werden.", []),
        "versteckt": ("Interne Leistung", "Nicht veröffentlicht.", []),
    }
    services = {
        key: service_create(
            actor=None,
            data={
                "owner": kreis,
                "name": name,
                "short_text": text,
                "keywords": kw,
                "is_published": key != "versteckt",
            },
        )
        for key, (name, text, kw) in entries.items()
    }
    index_rebuild()
    return services


def _names(query: str) -> list[str]:
    return [hit.service.name for hit in search_services(query)]


def test_keyword_finds_service(catalogue: dict[str, Service]) -> None:
    assert _names("Bauantrag")[0] == "Baugenehmigung"


def test_umlauts_and_their_spelled_out_form_match(catalogue: dict[str, Service]) -> None:
    assert _names("führerschein") == ["Führerschein umtauschen"]
    assert _names("Fuehrerschein") == ["Führerschein umtauschen"]


def test_prefix_and_compound_suffix(catalogue: dict[str, Service]) -> None:
    assert _names("Hund") == ["Hundesteuer anmelden"]
    assert "Hundesteuer anmelden" in _names("steuer")


def test_all_words_must_match_when_possible(catalogue: dict[str, Service]) -> None:
    assert _names("Wohngeld Miete") == ["Wohngeld beantragen"]


def test_unpublished_services_are_never_found(catalogue: dict[str, Service]) -> None:
    assert _names("Interne Leistung") == []


def test_nonsense_and_stopwords_find_nothing(catalogue: dict[str, Service]) -> None:
    assert _names("xyzzy") == []
    assert _names("der die das") == []
    assert _names("") == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120))
def test_any_input_is_answered_without_error(query: str) -> None:
    hits = search_services(query)
    assert isinstance(hits, list)
