from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from amtsweg.assistant import index
from amtsweg.testing import DatabaseSnapshot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedding: loads the offline embedding model (about a second per process, then cached)"
    )


@pytest.fixture(scope="module")
def _demo_module(demo_snapshot: DatabaseSnapshot, django_db_blocker: Any) -> Iterator[None]:
    """The Kreis Coesfeld demo, restored once per test module from the snapshot of the loaded demo
    (each test still runs in its own transaction, so what a test writes is rolled back); removed again
    afterwards."""
    from amtsweg.assistant.services import embeddings_refresh

    with django_db_blocker.unblock():
        demo_snapshot.restore()
        # What the worker does after the catalogue changed.
        embeddings_refresh()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        # The flush also empties what data migrations seeded (the staff roles); put them back so that
        # later tests on this worker find the database as migrated.
        from django.apps import apps

        from amtsweg.access.sync import roles_sync

        roles_sync(apps.get_model("access", "Role"))


@pytest.fixture
def demo(_demo_module: None, db: None) -> None:
    """The demo catalogue with its towns and responsibility rules."""


@pytest.fixture(autouse=True)
def _fresh_engine() -> None:
    """Each test builds the engine from its own database (the fingerprint could repeat across tests)."""
    index._cached = None
