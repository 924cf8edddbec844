"""The router: training, calibrated confidence with a threshold, storing and using the active model."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from amtsweg.assistant.models import RouterModel, RoutingDecision
from amtsweg.assistant.router import choose_threshold, router_metrics, train_router
from amtsweg.assistant.services import route_request, router_train
from amtsweg.core.models import AuditEntry

DEVSETS = Path(__file__).resolve().parent.parent / "devsets"


def _rows(name: str) -> tuple[list[str], list[str]]:
    with (DEVSETS / name).open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def test_the_threshold_is_the_lowest_confidence_that_keeps_the_precision() -> None:
    import numpy as np

    confidences = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5])
    correct = np.array([True, True, True, True, False, False])
    assert choose_threshold(confidences, correct, target=0.9) == 0.7


def test_tfidf_router_learns_the_dev_set_and_reports_its_figures() -> None:
    router = train_router(*_rows("routing_dev.csv"), model=None)
    metrics = router_metrics(router, *_rows("routing_holdout.csv"))
    assert set(metrics) >= {"accuracy", "macro_f1", "threshold", "coverage", "precision_at_threshold"}
    assert metrics["accuracy"] > 1 / 17 * 3  # far above chance with 17 offices
    label, confidence = router.predict(["Ich möchte meinen Hund zur Hundesteuer anmelden"])[0]
    assert label == "steueramt"
    assert 0 < confidence <= 1


def test_too_few_offices_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="mindestens zwei"):
        train_router(["a", "b"], ["x", "x"], model=None)


@pytest.mark.django_db
def test_a_trained_router_becomes_active_is_audited_and_routes(settings: object) -> None:
    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # type: ignore[attr-defined]
    texts, labels = _rows("routing_dev.csv")
    stored = router_train(actor=None, examples=list(zip(texts, labels, strict=True)), source="test")
    assert RouterModel.objects.get(is_active=True) == stored
    assert AuditEntry.objects.filter(action="assistant.router.trained").count() == 1
    route = route_request(text="Wohngeld beantragen, die Miete ist zu hoch")
    assert route.method == "router"
    assert route.label == "wohngeld"
    assert RoutingDecision.objects.get().outcome in {
        RoutingDecision.Outcome.AUTO,
        RoutingDecision.Outcome.TRIAGE,
    }


def _reports(name: str) -> tuple[list[str], list[str], list[str]]:
    with (DEVSETS / name).open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [r["text"] for r in rows], [r["category"] for r in rows], [r["subcategory"] for r in rows]


def test_a_router_trained_on_subcategories_answers_with_their_category() -> None:
    texts, categories, subcategories = _reports("reports_dev.csv")
    router = train_router(texts, categories, model=None, fine_labels=subcategories)
    assert router.labels == sorted(set(categories))
    predictions = router.predict(["Laterne defekt seit Tagen", "Schrottauto ohne Kennzeichen seit Wochen"])
    assert [label for label, _ in predictions] == ["strasse", "verkehr"]
    assert all(0 < confidence <= 1 for _, confidence in predictions)
    metrics = router_metrics(router, *_reports("reports_holdout.csv")[:2])
    assert metrics["classes"] == 6


def test_a_subcategory_in_two_categories_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="gehört zu mehreren Kategorien"):
        train_router(["a", "b", "c"], ["x", "y", "y"], model=None, fine_labels=["f", "f", "g"])


@pytest.mark.django_db
def test_a_trained_router_names_the_towns_office_else_the_kreis_office(settings: object) -> None:
    """The model answers with an office function; the citizen is shown the office itself: the town's unit
    with that function, else the Kreis's (not the key "buergerbuero")."""
    from amtsweg.catalog.tests.factories import kreis_scenario

    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # type: ignore[attr-defined]
    scenario = kreis_scenario()
    texts, labels = _rows("routing_dev.csv")
    router_train(actor=None, examples=list(zip(texts, labels, strict=True)), source="test")
    text = "Mein Personalausweis ist abgelaufen, ich brauche einen neuen"
    in_town = route_request(text=text, municipality=scenario.towns["duelmen"])
    assert in_town.label == "buergerbuero"
    assert in_town.org_unit is not None
    assert in_town.org_unit.authority == scenario.towns["duelmen"]
    assert in_town.authority == scenario.towns["duelmen"]
    # Without a town (and no Bürgerbüro at the Kreis) no office is named, only the label.
    anywhere = route_request(text=text)
    assert anywhere.label == "buergerbuero"
    assert anywhere.org_unit is None


@pytest.mark.django_db
def test_stored_examples_with_subcategories_train_the_hierarchical_router_until_one_lacks_it(
    settings: object,
) -> None:
    """router-train stores the subcategory of imported reports; the portal's router (and the nightly
    retraining, which shares the fitting) learns it while every stored example has one."""
    from amtsweg.assistant.models import RouterExample
    from amtsweg.assistant.services import active_router

    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # type: ignore[attr-defined]
    texts, categories, subcategories = _reports("reports_dev.csv")
    taken: dict[str, int] = {}
    for text, category, subcategory in zip(texts, categories, subcategories, strict=True):
        if taken.get(subcategory, 0) < 6:
            taken[subcategory] = taken.get(subcategory, 0) + 1
            RouterExample.objects.create(text=text, label=category, detail=subcategory)
    router_train(actor=None, source="test")
    router = active_router()
    assert router is not None
    assert router.groups is not None
    assert router.labels == sorted(set(categories))

    RouterExample.objects.create(text="Die Laterne vor dem Haus ist dunkel", label="strasse")
    router_train(actor=None, source="test")
    router = active_router()
    assert router is not None
    assert router.groups is None
    assert router.labels == sorted(set(categories))


def test_a_router_pickled_before_the_feature_block_moved_still_loads() -> None:
    """Routers stored before ``EmbeddingFeatures`` left ``router.py`` name it there; they still unpickle."""
    import pickle

    from amtsweg.assistant import router
    from amtsweg.assistant.router_features import EmbeddingFeatures

    old = pickle.dumps(EmbeddingFeatures(model="e5-small", scale=3.0), protocol=2)
    old = old.replace(b"amtsweg.assistant.router_features\n", b"amtsweg.assistant.router\n")
    assert b"amtsweg.assistant.router\n" in old
    loaded = pickle.loads(old)  # noqa: S301 - made right here
    assert type(loaded) is EmbeddingFeatures is router.EmbeddingFeatures
    assert (loaded.model, loaded.scale) == ("e5-small", 3.0)
