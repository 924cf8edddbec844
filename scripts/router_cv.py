"""Dev cross-validation of the router (docs/assistant.md, Router): accuracy and the best coverage at 95 %.

    DJANGO_SETTINGS_MODULE=amtsweg.settings .venv/bin/python scripts/router_cv.py [--model e5-small|none]
        [--label-column category] [--fine-label-column subcategory]

5-fold ``cross_val_predict`` of ``router.build_pipeline`` on ``reports_dev.csv`` only (the held-out file is
not read); with ``--fine-label-column`` the fine labels are learned and their probabilities added up per
label, as ``train_router(fine_labels=...)`` does. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from pathlib import Path

import django


def best_coverage(confidences, correct, target: float = 0.95) -> float:  # type: ignore[no-untyped-def]
    import numpy as np

    order = np.argsort(-confidences)
    hits, best = 0, 0.0
    for rank, i in enumerate(order, start=1):
        hits += int(correct[i])
        if hits / rank >= target:
            best = rank / len(confidences)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--label-column", default="category")
    parser.add_argument("--fine-label-column", default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsweg.settings")
    django.setup()
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from amtsweg.assistant import router

    devsets = Path(router.__file__).parent / "devsets"
    with (devsets / "reports_dev.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    texts = [row["text"] for row in rows]
    labels = [row[args.label_column] for row in rows]
    learned = [row[args.fine_label_column] for row in rows] if args.fine_label_column else labels
    model = None if args.model == "none" else args.model
    probabilities = cross_val_predict(
        router.build_pipeline(model=model, calibration_folds=4),
        texts,
        learned,
        cv=StratifiedKFold(5, shuffle=True, random_state=11),
        method="predict_proba",
    )
    classes = sorted(set(learned))
    if args.fine_label_column:
        groups = router.label_groups(labels, learned)
        probabilities, classes = router.group_probabilities(probabilities, classes, groups)
    correct = np.array(classes)[probabilities.argmax(axis=1)] == np.array(labels)
    print(
        json.dumps(
            {
                "labels": args.label_column,
                "fine": args.fine_label_column,
                "model": model,
                "cv_accuracy": round(float(correct.mean()), 3),
                "cv_best_coverage_at_95": round(best_coverage(probabilities.max(axis=1), correct), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
