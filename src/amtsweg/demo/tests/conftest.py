"""The demo is loaded once per test module and rolled back afterwards; each test runs in a savepoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from amtsweg.demo.loader import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """Counts returned by ``load_demo``; request ``db`` as well to use the database in a test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)
