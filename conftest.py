"""Fixtures shared by all tests (app tests under src/, cross-cutting tests under tests/)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from amtsweg.testing import DatabaseSnapshot, demo_snapshot_build

# Property tests talk to a real database, whose first example is slow on a busy machine: no per-example
# deadline. CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) runs them derandomized, so its result does not depend on
# luck and a red run can be repeated; local runs keep exploring new examples.
hypothesis_settings.register_profile(
    "amtsweg", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("amtsweg"), derandomize=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "amtsweg"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On PostgreSQL the test databases commit without waiting for the disk (``synchronous_commit=off``).

    A commit then costs about 0.1 ms instead of 0.8–1 ms (measured on the CI machine); the suite commits
    many thousands of times (the demo snapshot, transactional and browser tests). Nothing else changes:
    visibility, locking and isolation are the same, only a crash of the database could lose the last
    commits – of a test database that is thrown away anyway.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture
def run_tasks(transactional_db: None) -> Callable[[], None]:
    """Run every queued background task with the real database worker, as `amtsweg worker` would.

    The worker opens and closes database connections itself, so tests that use it cannot run inside
    the usual per-test transaction; they use a transactional database (committed, then flushed).
    """

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup: None, django_db_blocker: Any) -> DatabaseSnapshot:
    """The Kreis Coesfeld demo (with its search index), loaded once per test process and kept as a snapshot.

    Building it leaves the database as it found it. ``demo_snapshot.restore()`` puts the demo back in a
    fraction of a second; ``demo_snapshot.counts`` is what ``load_demo`` returned. Tests use it through
    ``demo_db`` (or, in the browser, ``portal_data``) rather than loading the demo themselves.
    """
    with django_db_blocker.unblock():
        return demo_snapshot_build()


@pytest.fixture
def demo_db(demo_snapshot: DatabaseSnapshot, db: None) -> dict[str, int]:
    """The loaded demo for this test; in a test's transaction it is rolled back with the test.

    With ``transactional_db`` (or ``live_server``) it is committed and flushed afterwards like any data.
    Returns the counts of ``load_demo``.
    """
    demo_snapshot.restore()
    return demo_snapshot.counts


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded and generated files go to a fresh folder of this test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """New test passwords are hashed cheaply; stored Argon2 hashes (the demo snapshot) still verify.

    Argon2 costs about 0.2 s per hash and per login by design – hundreds of times in the suite. A test that
    checks the production hasher sets ``settings.PASSWORD_HASHERS`` itself.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty cache, so no test sees another test's cached records."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _german_by_default() -> Iterator[None]:
    """Every test starts in German; a test that requested an /en/ page does not leak English."""
    from django.utils import translation

    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture(autouse=True)
def _roles_survive_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Put the staff roles back after a test with a transactional database.

    The roles are seeded by a data migration; a transactional test ends with a flush that empties every
    table, so the next test on the same worker would find no roles. (Autouse fixtures are set up first,
    so this teardown runs after the flush.)
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
    )
    if not transactional and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    from django.apps import apps

    from amtsweg.access.sync import roles_sync

    with django_db_blocker.unblock():
        roles_sync(apps.get_model("access", "Role"))
