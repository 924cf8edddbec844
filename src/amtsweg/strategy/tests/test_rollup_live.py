"""The roll-up on the live paths: the cockpit's trend and the demo's dashboard give the figures of a direct
count (the roll-up's own arithmetic is in ``test_rollup.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amtsweg.forms.models import FormVersion
from amtsweg.strategy.cockpit import cockpit_figures
from amtsweg.strategy.maturity import maturity_matrix
from amtsweg.strategy.models import RollupMonth
from amtsweg.strategy.rollup import rollup_refresh
from amtsweg.strategy.tests.test_report import strategy_world
from amtsweg.strategy.tests.test_rollup import figures
from amtsweg.submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_the_cockpit_trend_from_the_roll_up_equals_the_direct_count() -> None:
    world = strategy_world()
    from amtsweg.access.testing import staff_create

    user = staff_create("digital", world.scenario.kreis, "digitalisierungsteam")
    version = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).first()
    assert version is not None
    today = timezone.localdate()
    for number, days_ago in enumerate([0, 1, 40, 40, 70, 200, 400]):
        Submission.objects.create(
            reference=f"AW-TRR-{number}",
            idempotency_key=f"trr-{number}",
            form_version=version,
            data={},
            submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        )
    live = cockpit_figures(actor=user, strategy=world.strategy, today=today)
    rollup_refresh(today=today)
    rolled = cockpit_figures(actor=user, strategy=world.strategy, today=today)
    assert [(p.month, p.submissions, p.services_with_form) for p in rolled.trend] == [
        (p.month, p.submissions, p.services_with_form) for p in live.trend
    ]
    assert (rolled.online, rolled.pairs) == (live.online, live.pairs)
    first = timezone.make_aware(dt.datetime.combine(rolled.trend[0].month, dt.time.min))
    assert (
        sum(p.submissions for p in rolled.trend) == Submission.objects.filter(submitted_at__gte=first).count()
    )
    # A new application of this month shows at once.
    Submission.objects.create(
        reference="AW-TRR-new",
        idempotency_key="trr-new",
        form_version=version,
        data={},
        submitted_at=timezone.now(),
    )
    again = cockpit_figures(actor=user, strategy=world.strategy, today=today)
    assert again.trend[-1].submissions == rolled.trend[-1].submissions + 1


def test_the_demo_has_its_roll_up_built_and_it_gives_the_live_figures(demo_db: dict[str, int]) -> None:
    """``make demo``: load-demo builds the roll-up the demo cockpit reads; its figures are the live ones."""
    from amtsweg.strategy.models import CaseMonth

    assert demo_db["rollup_months"] == 13
    assert RollupMonth.objects.count() == 13
    assert CaseMonth.objects.exists()
    rolled = maturity_matrix()
    RollupMonth.objects.all().delete()  # rolled back with the test
    live = maturity_matrix()
    assert figures(rolled) == figures(live)
    assert any(row[2] for row in figures(rolled)["summary"])  # the demo towns have applications
