"""German text analysis for the lexical half of the hybrid search.

Folding (umlauts, accents), stop words, the Snowball German stemmer (PyStemmer), splitting of
compound nouns against the index vocabulary ("Hundesteuer" → "hund" + "steuer") and one-edit
spelling correction of query words that the vocabulary does not know ("Fuehrerschien").
Everything here is our own code on top of PyStemmer (BSD) — no word lists with other licences.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from amtsweg.core.text import fold

_WORD = re.compile(r"[0-9a-z]+")
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 40
MIN_PART = 3
# Shorter words are too often other real words one edit away ("Wetter" → "weiter").
MIN_CORRECTED = 7
# Linking elements (Fugenelemente) between the parts of a compound.
_FUGEN = ("", "s", "es", "n", "en", "e", "er")

STOPWORDS = frozenset(
    [
        "aber",
        "alle",
        "alles",
        "als",
        "also",
        "am",
        "an",
        "andere",
        "auch",
        "auf",
        "aus",
        "bei",
        "beim",
        "bin",
        "bis",
        "bitte",
        "da",
        "damit",
        "dann",
        "das",
        "dass",
        "dem",
        "den",
        "denn",
        "der",
        "des",
        "die",
        "dies",
        "diese",
        "diesem",
        "diesen",
        "dieser",
        "doch",
        "dort",
        "du",
        "durch",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "er",
        "es",
        "etwas",
        "euch",
        "euer",
        "fuer",
        "gibt",
        "habe",
        "haben",
        "hat",
        "hatte",
        "hier",
        "hin",
        "ich",
        "ihm",
        "ihn",
        "ihnen",
        "ihr",
        "ihre",
        "ihrem",
        "ihren",
        "ihrer",
        "im",
        "in",
        "ist",
        "ja",
        "jetzt",
        "kann",
        "kein",
        "keine",
        "koennen",
        "konnte",
        "man",
        "mein",
        "meine",
        "meinem",
        "meinen",
        "meiner",
        "meines",
        "mich",
        "mir",
        "mit",
        "muss",
        "muessen",
        "nach",
        "nicht",
        "noch",
        "nun",
        "nur",
        "ob",
        "oder",
        "ohne",
        "sehr",
        "sein",
        "seine",
        "sich",
        "sie",
        "sind",
        "so",
        "soll",
        "sollte",
        "ueber",
        "um",
        "und",
        "uns",
        "unser",
        "unsere",
        "vom",
        "von",
        "vor",
        "wann",
        "war",
        "waren",
        "was",
        "weil",
        "welche",
        "wenn",
        "wer",
        "werde",
        "werden",
        "wie",
        "wieder",
        "wir",
        "wird",
        "wo",
        "wohin",
        "woher",
        "wollen",
        "will",
        "zu",
        "zum",
        "zur",
        "hallo",
        "guten",
        "tag",
        "moechte",
        "moechten",
        "brauche",
        "brauchen",
        "benoetige",
        "suche",
        "frage",
        "kreis",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "for",
        "is",
        "my",
        "i",
        "how",
        "what",
    ]
)

# PyStemmer's own cache (10,000 words by default) would keep long words too; ours is in front of it.
_stemmer = Stemmer.Stemmer("german", 0)


# Only words of a plausible length are memoised: the words come from search queries, and a cache of
# 200,000 entries keyed by whatever anyone types would keep gigabytes of made-up "words" (issue 12).
STEM_CACHE_MAX_CHARS = 40


@lru_cache(maxsize=200_000)
def _stem_cached(word: str) -> str:
    return str(_stemmer.stemWord(word))


def stem(word: str) -> str:
    if len(word) > STEM_CACHE_MAX_CHARS:
        return str(_stemmer.stemWord(word))
    return _stem_cached(word)


def words(text: str) -> list[str]:
    """Folded words of ``text`` without stop words (numbers are kept: "§ 43", "U3")."""
    return [w for w in _WORD.findall(fold(text[: MAX_QUERY_CHARS * 40])) if w not in STOPWORDS and len(w) > 1]


class Analyzer:
    """Turns text into stemmed terms; knows the index vocabulary to split compounds and fix typos."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary: set[str] = set()
        self._deletes: dict[str, set[str]] = defaultdict(set)
        self._compounds: dict[str, tuple[str, ...]] = {}
        self._stem_cache: set[str] | None = None
        self.learn(vocabulary)

    def learn(self, folded_words: Iterable[str]) -> None:
        """Add folded words (before stemming) of indexed documents to the vocabulary."""
        self._stem_cache = None
        self._compounds.clear()
        for word in folded_words:
            if word in self.vocabulary or word.isdigit():
                continue
            self.vocabulary.add(word)
            if len(word) >= 5:
                for i in range(len(word)):
                    self._deletes[word[:i] + word[i + 1 :]].add(word)

    def split_compound(self, word: str) -> tuple[str, ...]:
        """Known parts of a compound, longest head first; ``()`` when it does not split.

        Two known parts are preferred; otherwise a head that is itself a compound is split again
        ("anwohnerparkausweis" → anwohner + park + ausweis), up to four parts."""
        if len(word) < 2 * MIN_PART + 1:
            return ()
        cached = self._compounds.get(word)
        if cached is not None:
            return cached
        found = self._split(word, depth=0)
        self._compounds[word] = found
        return found

    def _split(self, word: str, depth: int) -> tuple[str, ...]:
        candidates: list[str] = []  # unknown heads, longest first, to split further
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not self._known(tail):
                continue
            for fuge in _FUGEN:
                if fuge and not head.endswith(fuge):
                    continue
                base = head[: len(head) - len(fuge)] if fuge else head
                if len(base) < MIN_PART:
                    continue
                if self._known(base):
                    return (base, tail)
                if len(base) >= 2 * MIN_PART + 1:
                    candidates.append(f"{base}\x00{tail}")
        if depth < 2:
            for candidate in candidates:
                base, tail = candidate.split("\x00")
                parts = self._split(base, depth + 1)
                if parts:
                    return (*parts, tail)
        return ()

    def _known(self, part: str) -> bool:
        return part in self.vocabulary or stem(part) in self._stems

    @property
    def _stems(self) -> set[str]:
        if self._stem_cache is None:
            self._stem_cache = {stem(w) for w in self.vocabulary}
        return self._stem_cache

    def correct(self, word: str) -> str | None:
        """A vocabulary word one edit (deletion, insertion, substitution, swap) away, or ``None``."""
        if len(word) < MIN_CORRECTED or word in self.vocabulary or word.isdigit():
            return None
        candidates: set[str] = set(self._deletes.get(word, ()))  # one letter too few
        for i in range(len(word)):
            shorter = word[:i] + word[i + 1 :]
            if shorter in self.vocabulary:
                candidates.add(shorter)  # one letter too many
            candidates |= self._deletes.get(shorter, set())  # substitution or swap
        if not candidates:
            return None
        return min(candidates, key=lambda c: (abs(len(c) - len(word)), c[0] != word[0], c))

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """Stemmed terms; compounds also yield their parts. Query words are spell-corrected."""
        result: list[str] = []
        for word in words(text)[: MAX_QUERY_WORDS if query else None]:
            if query and word not in self.vocabulary:
                fixed = self.correct(word)
                if fixed is not None:
                    word = fixed
            result.append(stem(word))
            for part in self.split_compound(word):
                result.append(stem(part))
        return result
