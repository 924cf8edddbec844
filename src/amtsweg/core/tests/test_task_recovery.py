"""Background tasks survive dead workers and failed attempts (amtsweg.core.task_recovery)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtsweg.core.models import TaskWorker
from amtsweg.core.task_recovery import (
    WORKER_LOST,
    live_worker_ids,
    task_requeue,
    task_state,
    tasks_needing_attention,
    worker_heartbeat,
)

pytestmark = pytest.mark.django_db(transaction=True)  # the worker opens and closes connections itself

RUNS: list[str] = []
FAILURES: list[str] = []


@task()
def _remember(label: str) -> str:
    RUNS.append(label)
    return f"erledigt: {label}"


@task()
def _flaky(label: str) -> str:
    if FAILURES:
        raise ConnectionError(FAILURES.pop())  # an OSError: the mail server was unreachable
    RUNS.append(label)
    return label


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    RUNS.clear()
    FAILURES.clear()
    yield
    RUNS.clear()
    FAILURES.clear()


def _claimed_by(worker_id: str, label: str, *, minutes_ago: float, claims: int = 1) -> DBTaskResult:
    """A task that worker ``worker_id`` claimed ``minutes_ago`` (as django-tasks-db's claim() does)."""
    result = _remember.enqueue(label).db_result
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", started_at=started, worker_ids=[worker_id] * claims
    )
    return DBTaskResult.objects.get(pk=result.pk)


def _worker(worker_id: str, *, seen_minutes_ago: float) -> None:
    seen = timezone.now() - dt.timedelta(minutes=seen_minutes_ago)
    TaskWorker.objects.create(worker_id=worker_id, started_at=seen, last_seen_at=seen)


def test_a_task_left_running_by_a_dead_worker_is_taken_back_and_runs(settings: Any) -> None:
    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    _worker("tot", seen_minutes_ago=5)  # killed with kill -9 five minutes ago: no heartbeat since
    result = _claimed_by("tot", "Eingangsbestätigung", minutes_ago=5)
    assert task_state(result).code == "stuck"
    assert str(result.pk) in tasks_needing_attention()

    call_command("worker", "--batch", verbosity=0)

    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "erledigt: Eingangsbestätigung"
    assert RUNS == ["Eingangsbestätigung"]
    assert len(result.worker_ids) == 2  # the dead worker's attempt and the new one


def test_a_task_of_a_live_worker_is_left_alone(settings: Any) -> None:
    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    _worker("lebt", seen_minutes_ago=0.1)
    result = _claimed_by("lebt", "lange Aufgabe", minutes_ago=5)

    call_command("worker", "--batch", verbosity=0)

    result.refresh_from_db()
    assert result.status == "RUNNING"
    assert RUNS == []
    assert task_state(result).code == "running"
    assert not task_requeue(result)  # staff cannot start it a second time either


def test_a_task_that_killed_its_worker_too_often_fails_for_the_admin(settings: Any) -> None:
    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    settings.AMTSWEG_TASK_MAX_ATTEMPTS = 3
    result = _claimed_by("tot", "Gift", minutes_ago=5, claims=3)  # no heartbeat row at all

    call_command("worker", "--batch", verbosity=0)

    result.refresh_from_db()
    assert result.status == "FAILED"
    assert result.exception_class_path == WORKER_LOST
    assert "antwortet seit" in result.traceback
    assert RUNS == []
    assert str(result.pk) in tasks_needing_attention()

    assert task_requeue(result)  # the Plattform-Admin starts it again: a fresh count of attempts
    call_command("worker", "--batch", verbosity=0)
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert RUNS == ["Gift"]


def test_a_failed_attempt_is_retried_after_a_pause_until_the_attempts_are_used_up(settings: Any) -> None:
    settings.AMTSWEG_TASK_MAX_ATTEMPTS = 3
    FAILURES.extend(["SMTP weg"] * 3)
    result = _flaky.enqueue("Bestätigung").db_result
    before = timezone.now()

    pauses = []
    for attempt in range(1, 4):
        call_command("worker", "--batch", verbosity=0)
        result.refresh_from_db()
        assert result.exception_class_path == "builtins.ConnectionError"
        assert len(result.worker_ids) == attempt
        if attempt < 3:
            assert result.status == "READY"
            assert task_state(result).code == "retrying"
            pauses.append(round((result.run_after - before).total_seconds() / 10) * 10)
            # The pause is over (instead of waiting for it).
            DBTaskResult.objects.filter(pk=result.pk).update(run_after=before)
    assert result.status == "FAILED"
    assert pauses == [30, 120]
    assert RUNS == []

    assert task_requeue(result)
    call_command("worker", "--batch", verbosity=0)
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert RUNS == ["Bestätigung"]


def test_a_worker_counts_as_alive_for_one_lease_after_its_heartbeat(settings: Any) -> None:
    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    now = timezone.now()
    worker_heartbeat("w-1", now=now - dt.timedelta(seconds=90))
    assert "w-1" not in live_worker_ids(now)
    worker_heartbeat("w-1", now=now - dt.timedelta(seconds=30))
    assert "w-1" in live_worker_ids(now)
    assert TaskWorker.objects.get(worker_id="w-1").pid


def test_tasks_status_reports_failed_and_stuck_tasks_with_exit_code_1(settings: Any) -> None:
    import io

    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    out = io.StringIO()
    call_command("tasks-status", stdout=out)
    assert "Keine fehlgeschlagenen oder hängenden Aufgaben." in out.getvalue()

    _claimed_by("tot", "hängt", minutes_ago=5)
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("tasks-status", stdout=io.StringIO(), stderr=err)
    assert stopped.value.code == 1
    assert "1 Aufgaben fehlgeschlagen oder hängend" in err.getvalue()

    out = io.StringIO()
    call_command("tasks-status", "--reclaim", stdout=out)  # back on the queue: nothing is stuck any more
    assert "wieder eingereiht" in out.getvalue()
    assert "1 wartet auf neuen Versuch" in out.getvalue()


def test_workers_dead_for_a_day_are_forgotten(settings: Any) -> None:
    _worker("gestern", seen_minutes_ago=25 * 60)
    _worker("vorhin", seen_minutes_ago=5)
    call_command("worker", "--batch", verbosity=0)
    assert list(TaskWorker.objects.values_list("worker_id", flat=True)) == ["vorhin"]
