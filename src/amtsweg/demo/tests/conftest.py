"""The demo is restored once per test module and rolled back afterwards; each test runs in a savepoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from amtsweg.testing import DatabaseSnapshot


@pytest.fixture(scope="module")
def demo(demo_snapshot: DatabaseSnapshot, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Counts returned by ``load_demo``; request ``db`` as well to use the database in a test.

    The demo comes from the snapshot each test process loads once (``demo_snapshot`` in the root
    conftest): the same database as a fresh ``load_demo``.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo_snapshot.restore()
        yield demo_snapshot.counts
        transaction.set_rollback(True)
