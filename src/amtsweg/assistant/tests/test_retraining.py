"""Learning from use: the nightly retraining keeps a challenger router only when it is better."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.assistant.models import RouterExample, RouterModel
from amtsweg.assistant.services import route_request, router_retrain_if_due, router_train
from amtsweg.catalog.tests.factories import KreisFactory
from amtsweg.core.models import AuditEntry

DEVSETS = Path(__file__).resolve().parent.parent / "devsets"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bm25_only(settings: Any) -> None:
    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""


def _rows(name: str) -> list[tuple[str, str]]:
    with (DEVSETS / name).open(encoding="utf-8") as stream:
        return [(row["text"], row["category"]) for row in csv.DictReader(stream)]


def _store(rows: list[tuple[str, str]]) -> None:
    RouterExample.objects.bulk_create(
        RouterExample(text=text, label=label, source="weiterleitung", case_reference=f"T-{n}")
        for n, (text, label) in enumerate(rows)
    )


def test_the_retraining_is_a_periodic_job() -> None:
    from amtsweg.core.schedule import periodic_jobs

    assert "assistant.router-retrain" in periodic_jobs
    assert "assistant.feedback-prune" in periodic_jobs


def test_nothing_happens_until_enough_new_examples_exist() -> None:
    _store(_rows("reports_dev.csv")[:10])
    result = router_retrain_if_due(min_new=20)
    assert result.decision == "zu-wenig"
    assert result.new_examples == 10
    assert not RouterModel.objects.exists()


def test_a_better_challenger_replaces_the_champion_and_the_quality_page_shows_it() -> None:
    KreisFactory()
    _store(_rows("reports_dev.csv"))
    result = router_retrain_if_due(min_new=20)
    # No router yet: the champion is the nearest-service fallback, which knows no report categories.
    assert result.decision == "ersetzt"
    assert result.model is not None
    active = RouterModel.objects.get(is_active=True)
    assert active == result.model
    evaluation = active.evaluation
    assert evaluation["held_out"] > 0
    assert evaluation["challenger"]["accuracy"] > evaluation["champion"]["accuracy"]
    assert AuditEntry.objects.filter(action="assistant.router.retrained").exists()
    assert route_request(text="Schlagloch vor dem Haus, sehr tief").method == "router"

    from amtsweg.tenants.models import Authority

    team = login_verified(
        Client(), staff_create("digital", Authority.objects.get(kind="kreis"), "digitalisierungsteam")
    )
    html = team.get(reverse("assistant:quality")).content.decode()
    assert "Lernen aus der Arbeit" in html
    assert "übernommen (besser)" in html


def test_a_challenger_that_is_not_better_is_kept_out() -> None:
    everything = _rows("reports_dev.csv") + _rows("reports_holdout.csv")
    champion = router_train(actor=None, examples=everything, source="test")
    # New examples the champion already knows (it was trained on them): the challenger, which must do
    # without the held-out ones, cannot beat it on them.
    _store(_rows("reports_holdout.csv")[:60])
    result = router_retrain_if_due(min_new=20)
    assert result.decision == "verworfen"
    assert RouterModel.objects.get(is_active=True) == champion
    assert result.model is not None
    assert not result.model.is_active
    assert result.model.evaluation["decision"] == "verworfen"
    assert AuditEntry.objects.filter(action="assistant.router.challenger_rejected").exists()
    # Run twice (a retried task): no second challenger until enough further examples arrive.
    assert router_retrain_if_due(min_new=20).decision == "zu-wenig"
    assert RouterModel.objects.count() == 2
