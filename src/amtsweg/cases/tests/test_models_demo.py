"""The demo cases: a realistic spread through the real intake and status model; loading twice adds nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from amtsweg.cases.models import Case, Status
from amtsweg.cases.selectors import cases_overdue, cases_visible
from amtsweg.demo.cases import KEY_PREFIX, load_cases_demo
from amtsweg.testing import DatabaseSnapshot


@pytest.fixture(scope="module")
def demo(demo_snapshot: DatabaseSnapshot, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The loaded demo for this module (from the snapshot), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_snapshot.restore()
        yield demo_snapshot.counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_cases_spread_over_services_towns_and_statuses(demo: dict[str, int]) -> None:
    cases = list(
        Case.objects.filter(submission__idempotency_key__startswith=KEY_PREFIX).select_related("service")
    )
    assert 120 <= len(cases) <= 150
    statuses = Counter(case.status for case in cases)
    for status in (Status.EINGEGANGEN, Status.IN_PRUEFUNG, Status.RUECKFRAGE, Status.ABGESCHLOSSEN):
        assert statuses[status] >= 5, statuses
    assert len({case.service_id for case in cases}) >= 3
    assert len({case.submission.municipality_id for case in cases}) >= 8
    assert all(case.events.filter(type="created").count() == 1 for case in cases[:20])
    today = timezone.localdate()
    assert cases_overdue(Case.objects.all(), today).count() >= 5
    assert Case.objects.filter(status=Status.RUECKFRAGE, reply_due__lt=today).exists()


@pytest.mark.django_db
def test_demo_caseworkers_have_cases_and_see_only_their_own(demo: dict[str, int]) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model()._default_manager
    jugendamt = users.get(username="sb-jugendamt")
    duelmen = users.get(username="sb-duelmen")
    mine = cases_visible(jugendamt)
    theirs = cases_visible(duelmen)
    assert mine.count() >= 20
    assert theirs.count() >= 5
    assert not set(mine) & set(theirs)
    assert {c.authority.slug for c in mine} == {"kreis-coesfeld"}
    assert {c.authority.slug for c in theirs} == {"duelmen"}
    assert mine.filter(assignee=jugendamt).exists()


@pytest.mark.django_db
def test_loading_again_adds_nothing(demo: dict[str, int]) -> None:
    before = Case.objects.count()
    assert load_cases_demo() == {"cases": 0}
    assert Case.objects.count() == before
