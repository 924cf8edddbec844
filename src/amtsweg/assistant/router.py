"""Routing free-text requests to the org unit (by its ``function``) that should handle them.

Features: TF-IDF over stemmed words and over character n-grams (robust to typos),
plus — when a dense model is configured — the sentence embedding of the request. A logistic regression
on top is calibrated with Platt scaling (``CalibratedClassifierCV``, one classifier fitted on all data,
its calibration from cross-validated scores), so its confidence can be compared with a threshold: at or
above it a request is routed automatically, below it goes to human triage. The threshold is the lowest
confidence at which cross-validated predictions on the training data reach the target precision
(``AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION``, 0.95).

The portal (``services.route_request``), the nightly retraining and ``router-eval`` all train with
:func:`train_router` and predict with :meth:`TrainedRouter.predict`: what the evaluation measures is what
citizens get.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from amtsweg.assistant.analysis import Analyzer

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# scikit-learn (about a second of imports) is loaded where a router is trained or unpickled, not when Django
# starts: every command, worker and web process imports this module through the assistant's services.

DEFAULT_THRESHOLD = 0.5
MAX_TEXT = 5000  # longer requests are cut (portal and evaluation alike)
# The embedding block is weighted against the two TF-IDF blocks (each of length 1). 3 with C=30 was the
# best balance on both of our report sets (6 and 21 categories, docs/assistant.md); 2 and 4 each lost on one.
EMBEDDING_SCALE = 3.0
REGULARISATION_C = 30.0
# The threshold must reach the target precision with a margin: the lower end of the Wilson interval
# (z = 0.5) rather than the bare ratio, so a lucky streak of correct cross-validated cases does not set it.
THRESHOLD_Z = 0.5
_ANALYZER = Analyzer()


def stemmed_terms(text: str) -> list[str]:
    return _ANALYZER.terms(text)


def build_pipeline(*, model: str | None, calibration_folds: int) -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from amtsweg.assistant.router_features import EmbeddingFeatures

    features: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(analyzer=stemmed_terms, ngram_range=(1, 1), sublinear_tf=True, min_df=1)),
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=200_000
            ),
        ),
    ]
    if model:
        features.append(("dense", EmbeddingFeatures(model=model, scale=EMBEDDING_SCALE)))
    classifier: Any = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced")
    if calibration_folds >= 2:
        # ensemble=False: one classifier on all examples, calibrated on cross-validated scores. The default
        # (one classifier per fold) trains each on less data and gave less coverage at 95 % precision.
        classifier = CalibratedClassifierCV(
            classifier, method="sigmoid", cv=calibration_folds, ensemble=False
        )
    return Pipeline([("features", FeatureUnion(features)), ("classifier", classifier)])


def target_precision() -> float:
    """The precision the threshold is chosen for (``AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION``)."""
    from django.conf import settings

    return float(getattr(settings, "AMTSWEG_ASSISTANT_ROUTER_TARGET_PRECISION", 0.95))


def _folds(labels: Sequence[str], wanted: int = 5) -> int:
    smallest = min(Counter(labels).values()) if labels else 0
    return max(0, min(wanted, smallest)) if smallest >= 2 else 0


def choose_threshold(
    confidences: np.ndarray, correct: np.ndarray, target: float, *, z: float = THRESHOLD_Z
) -> float:
    """The lowest threshold whose auto-routed share reaches ``target`` precision — by the lower end of its
    Wilson interval with ``z`` — else the highest confidence seen (almost everything goes to triage)."""
    order = np.argsort(-confidences)
    best = None
    hits = 0
    for rank, i in enumerate(order, start=1):
        hits += int(correct[i])
        share = hits / rank
        if z:
            margin = z * np.sqrt(share * (1 - share) / rank + z * z / (4 * rank * rank))
            share = (share + z * z / (2 * rank) - margin) / (1 + z * z / rank)
        if share >= target - 1e-12:
            best = float(confidences[i])
    return round(best, 4) if best is not None else float(np.max(confidences, initial=DEFAULT_THRESHOLD))


def group_probabilities(
    probabilities: np.ndarray, classes: Sequence[str], groups: dict[str, str]
) -> tuple[np.ndarray, list[str]]:
    """Probabilities of fine labels added up per coarse label (``groups`` maps fine → coarse)."""
    coarse = sorted(set(groups.values()))
    members = np.zeros((len(classes), len(coarse)))
    for row, fine in enumerate(classes):
        members[row, coarse.index(groups[str(fine)])] = 1.0
    return probabilities @ members, coarse


def label_groups(labels: Sequence[str], fine_labels: Sequence[str]) -> dict[str, str]:
    """fine → coarse label; every fine label must belong to exactly one coarse label."""
    groups: dict[str, str] = {}
    for label, fine in zip(labels, fine_labels, strict=True):
        if groups.setdefault(fine, label) != label:
            raise ValueError(
                f"Die feinere Kategorie „{fine}“ gehört zu mehreren Kategorien ({groups[fine]}, {label})."
            )
    return groups


# A finer column is used on its own only when each of its labels has this many examples (five folds).
MIN_FINE_EXAMPLES = 5


def finer_label_column(labels: Sequence[str], candidates: dict[str, Sequence[str]]) -> str | None:
    """The candidate column that refines ``labels`` (each value inside one label, more values than labels,
    each with at least ``MIN_FINE_EXAMPLES`` examples); of several, the finest. ``None`` if there is none.

    A report export often carries the subcategory next to the category; learning it helps the category
    (:func:`train_router` with ``fine_labels``), so ``router-eval`` looks for it by itself."""
    best: tuple[int, str] | None = None
    coarse = len(set(labels))
    for column, values in candidates.items():
        values = [value.strip() for value in values]
        if len(values) != len(labels) or not all(values):
            continue
        counts = Counter(values)
        if len(counts) <= coarse or min(counts.values()) < MIN_FINE_EXAMPLES:
            continue
        try:
            label_groups(labels, values)
        except ValueError:
            continue
        if best is None or len(counts) > best[0]:
            best = (len(counts), column)
    return best[1] if best else None


@dataclass
class TrainedRouter:
    pipeline: Pipeline
    labels: list[str]
    threshold: float
    model: str | None
    target: float = 0.95
    # Trained on finer labels (fine → coarse): their probabilities are added up per coarse label.
    groups: dict[str, str] | None = None

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        texts = [t[:MAX_TEXT] if t.strip() else " " for t in texts]
        probabilities = self.pipeline.predict_proba(list(texts))
        classes = [str(c) for c in self.pipeline.classes_]
        if self.groups:
            probabilities, classes = group_probabilities(probabilities, classes, self.groups)
        best = probabilities.argmax(axis=1)
        return [(classes[j], float(probabilities[i, j])) for i, j in enumerate(best)]


def train_router(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    model: str | None,
    target: float | None = None,
    fine_labels: Sequence[str] | None = None,
) -> TrainedRouter:
    """Fit the calibrated pipeline and pick the threshold for ``target`` precision (default: the setting)
    from cross-validated predictions on the training examples.

    With ``fine_labels`` (a finer category per example, each inside one of ``labels``, e.g. 21
    subcategories of 6 categories) the classifier learns the fine labels and a request's confidence for a
    label is the sum over its fine labels: the fine classes are more uniform, and a doubt between two
    subcategories of the same category no longer counts as doubt (docs/assistant.md, Router)."""
    if len(set(labels)) < 2:
        raise ValueError("Für das Training werden Beispiele aus mindestens zwei Stellen gebraucht.")
    target = target_precision() if target is None else target
    if not 0.0 < target <= 1.0:
        raise ValueError("Die Zielgenauigkeit muss zwischen 0 und 1 liegen.")
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    groups = label_groups(labels, fine_labels) if fine_labels is not None else None
    learned = list(fine_labels) if fine_labels is not None else list(labels)
    folds = _folds(learned)
    threshold = DEFAULT_THRESHOLD
    if folds >= 2:
        # Each outer fold trains on (folds-1)/folds of the examples; its calibration needs its own folds.
        inner = _folds(learned, wanted=folds - 1) if folds > 2 else 0
        cv_pipeline = build_pipeline(model=model, calibration_folds=inner)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
        probabilities = cross_val_predict(
            cv_pipeline, list(texts), learned, cv=splitter, method="predict_proba"
        )
        classes = sorted(set(learned))
        if groups:
            probabilities, classes = group_probabilities(probabilities, classes, groups)
        predicted = np.array(classes)[probabilities.argmax(axis=1)]
        threshold = choose_threshold(probabilities.max(axis=1), predicted == np.array(labels), target)
    pipeline = build_pipeline(model=model, calibration_folds=folds)
    pipeline.fit(list(texts), learned)
    return TrainedRouter(pipeline, sorted(set(labels)), threshold, model, target, groups)


def router_metrics(router: TrainedRouter, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    predictions = router.predict(texts)
    predicted = [label for label, _ in predictions]
    confidences = np.array([confidence for _, confidence in predictions])
    correct = np.array([p == g for p, g in zip(predicted, labels, strict=True)])
    auto = confidences >= router.threshold
    return {
        "examples": len(labels),
        "classes": len(set(labels) | set(router.labels)),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
        "target_precision": getattr(router, "target", None),
        "threshold": router.threshold,
        "coverage": round(float(auto.mean()) if len(auto) else 0.0, 4),
        "precision_at_threshold": round(float(correct[auto].mean()) if auto.any() else 0.0, 4),
    }


def __getattr__(name: str) -> Any:
    """Routers pickled before the feature block had its own module name it here."""
    if name == "EmbeddingFeatures":
        from amtsweg.assistant.router_features import EmbeddingFeatures

        return EmbeddingFeatures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
