"""German analysis: stemming, compounds against the vocabulary, one-edit spelling correction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amtsweg.assistant.analysis import Analyzer, stem, words

VOCABULARY = [
    "hund",
    "steuer",
    "hundesteuer",
    "fuehrerschein",
    "umtauschen",
    "personalausweis",
    "kita",
    "platz",
]


def test_umlauts_and_spelled_out_umlauts_become_the_same_term() -> None:
    analyzer = Analyzer(VOCABULARY)
    assert analyzer.terms("Führerschein") == analyzer.terms("Fuehrerschein")


def test_stop_words_and_punctuation_are_dropped() -> None:
    assert words("Wie kann ich meinen Hund anmelden?") == ["hund", "anmelden"]


def test_a_compound_also_yields_its_known_parts() -> None:
    analyzer = Analyzer(["hund", "steuer", "kita", "platz"])
    assert [stem(part) for part in analyzer.split_compound("hundesteuer")] == ["hund", "steu"]
    assert analyzer.split_compound("kitaplatz") == ("kita", "platz")
    assert analyzer.split_compound("anmelden") == ()
    assert stem("platz") in analyzer.terms("Kitaplatz")


def test_a_compound_of_three_words_yields_all_three() -> None:
    """Editors' search terms are often long compounds whose middle part alone is not a word of the texts."""
    analyzer = Analyzer(["bewohner", "anwohner", "park", "ausweis", "bau", "antrag", "genehmigung"])
    assert analyzer.split_compound("anwohnerparkausweis") == ("anwohner", "park", "ausweis")
    assert [stem(p) for p in analyzer.split_compound("bauantragsgenehmigung")] == [
        stem("bau"),
        stem("antrag"),
        stem("genehmigung"),
    ]
    assert stem("park") in analyzer.terms("Anwohnerparkausweis", query=True)


def test_query_words_with_one_typo_are_corrected() -> None:
    analyzer = Analyzer(VOCABULARY)
    assert analyzer.correct("personalausweiss") == "personalausweis"  # one letter too many
    assert analyzer.correct("fuehrerschien") == "fuehrerschein"  # swapped letters
    assert analyzer.correct("umtauchen") == "umtauschen"  # one letter missing
    assert analyzer.correct("xylophon") is None
    assert analyzer.terms("fuehrerschien", query=True) == analyzer.terms("fuehrerschein")


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_analysed_without_error(text: str) -> None:
    assert isinstance(Analyzer(VOCABULARY).terms(text, query=True), list)


def test_long_made_up_words_are_stemmed_but_not_kept() -> None:
    # Words come from search queries; a memo keyed by anything typed must not keep long ones (issue 12).
    import gc
    import tracemalloc

    from amtsweg.assistant.analysis import stem

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(200):
            assert stem(f"{number:03d}" + "x" * 5_000)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200_000, f"{grown} Bytes behalten"  # keeping them: 200 × 5 kB = 1 MB
    assert stem("hundesteuer") == stem("hundesteuer")
