"""The hybrid engine over the demo catalogue file, entirely in memory (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from amtsweg.assistant.documents import document_from_record, documents_from_jsonl
from amtsweg.assistant.engine import BM25_ONLY, HybridEngine
from amtsweg.assistant.evaluation import read_gold_queries, search_metrics

DEVSETS = Path(__file__).resolve().parent.parent / "devsets"
OFF_TOPIC = [
    "Wie wird das Wetter morgen?",
    "asdfgh",
    "Hallo",
    "😀😀😀",
    "Bundesliga Ergebnisse",
    "\x00\x01\x02",
]


@pytest.fixture(scope="module")
def documents() -> list:
    return documents_from_jsonl(DEVSETS / "demo_catalogue.jsonl")


@pytest.fixture(scope="module")
def hybrid(documents: list) -> HybridEngine:
    return HybridEngine(documents, model="e5-small")


def _top(engine: HybridEngine, query: str) -> str:
    result = engine.search(query, limit=5)
    return result.hits[0].document.key if result.hits else ""


def test_html_descriptions_are_indexed_as_text() -> None:
    document = document_from_record(
        {
            "id": "x",
            "name": "<b>Hund</b> anmelden",
            "description": "<p>Wer einen Hund hält, zahlt Steuer.</p><script>alert(1)</script>",
        }
    )
    assert document.name == "Hund anmelden"
    assert "alert" not in document.texts["full_text"]
    engine = HybridEngine([document], model=None)
    assert _top(engine, "Hundesteuer") == "x"


def test_records_of_other_catalogues_are_read_leniently() -> None:
    document = document_from_record(
        {
            "id": 7,
            "name": "Wohngeld",
            "description": None,
            "keywords": "Mietzuschuss, Lastenzuschuss",
            "lebenslagen": 3,
        }
    )
    assert document.key == "7"
    assert document.keywords == ["Mietzuschuss", "Lastenzuschuss"]
    assert document.lebenslagen == []
    assert document.texts["full_text"] == ""


def test_bm25_alone_finds_slang_from_the_keywords(documents: list) -> None:
    engine = HybridEngine(documents, model=None)
    assert _top(engine, "Perso") == "coe-personalausweis"
    assert _top(engine, "alter grauer Lappen umtauschen") == "coe-fuehrerschein-umtausch"
    assert _top(engine, "kitaplatz") == "coe-kita-platz"  # compound split
    assert _top(engine, "Personalausweiss") == "coe-personalausweis"  # typo


@pytest.mark.embedding
def test_hybrid_search_beats_bm25_on_the_held_out_queries(hybrid: HybridEngine) -> None:
    gold = read_gold_queries(DEVSETS / "search_holdout.csv")
    bm25 = search_metrics(hybrid, gold, weights=BM25_ONLY)
    fused = search_metrics(hybrid, gold)
    assert fused["mrr@10"] > bm25["mrr@10"]
    assert fused["recall@5"] >= 0.95


@pytest.mark.embedding
def test_everyday_language_finds_the_right_service(hybrid: HybridEngine) -> None:
    assert _top(hybrid, "Perso") == "coe-personalausweis"
    assert _top(hybrid, "ich brauche geld für die miete") == "coe-wohngeld"
    assert _top(hybrid, "register my new address") in {"coe-wohnsitz-anmelden", "coe-wohnsitz-ummelden"}
    assert _top(hybrid, "Mein Ausweis ist abgelaufen") == "coe-personalausweis"


@pytest.mark.embedding
def test_off_topic_questions_are_not_answered_with_confidence(hybrid: HybridEngine) -> None:
    for query in OFF_TOPIC:
        assert not hybrid.search(query).confident, query
    assert hybrid.search("Wohngeld beantragen").confident


@pytest.mark.embedding
def test_the_passage_shares_the_query_words(hybrid: HybridEngine) -> None:
    result = hybrid.search("Was kostet ein Reisepass?")
    passage = hybrid.passage(result.hits[0].document, result.terms)
    assert passage is not None
    assert "Reisepass" in passage.text or "Euro" in passage.text


@pytest.mark.embedding
def test_extreme_queries_are_answered(hybrid: HybridEngine) -> None:
    for query in [
        "",
        " ",
        "x" * 10_000,
        "🚗" * 500,
        "Führerschein driving licence umtauschen exchange",
        "\ud800",
    ]:
        result = hybrid.search(query)
        assert isinstance(result.hits, list)
