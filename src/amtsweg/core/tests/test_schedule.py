"""Periodic jobs are enqueued once per period, however often and by however many workers it is checked."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from amtsweg.core.models import ScheduledRun
from amtsweg.core.schedule import PeriodicJob, periodic_jobs, schedule_due

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@task()
def _tick(label: str = "") -> str:
    CALLS.append(label)
    return label


@pytest.fixture
def hourly_job() -> Iterator[str]:
    name = "test-tick"
    periodic_jobs.register(name)(
        PeriodicJob(
            task=_tick, every=datetime.timedelta(hours=1), description="Test", kwargs=(("label", "x"),)
        )
    )
    yield name
    periodic_jobs._items.pop(name)


def at(hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, 23, hour, minute, tzinfo=datetime.UTC)


def queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="_tick").count()


def test_a_due_job_is_enqueued_once_per_period(hourly_job: str) -> None:
    assert hourly_job in schedule_due(at(10, 5))
    assert hourly_job not in schedule_due(at(10, 59))  # same hour: already enqueued
    assert queued() == 1
    assert hourly_job in schedule_due(at(11, 0))  # next hour: due again
    assert queued() == 2
    assert ScheduledRun.objects.filter(job=hourly_job).count() == 2


def test_a_period_already_claimed_by_another_worker_is_skipped(hourly_job: str) -> None:
    ScheduledRun.objects.create(job=hourly_job, period_start=at(10, 0))
    assert hourly_job not in schedule_due(at(10, 30))
    assert queued() == 0


def test_daily_job_with_offset_starts_its_period_at_the_offset() -> None:
    job = PeriodicJob(
        task=_tick,
        every=datetime.timedelta(days=1),
        offset=datetime.timedelta(hours=5),
        description="täglich 05:00",
    )
    assert job.period_start(at(4, 59)) == datetime.datetime(2026, 11, 22, 5, 0, tzinfo=datetime.UTC)
    assert job.period_start(at(5, 0)) == datetime.datetime(2026, 11, 23, 5, 0, tzinfo=datetime.UTC)


def test_schedule_command_lists_the_registered_jobs(
    hourly_job: str, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("schedule", "--list")
    assert "test-tick: alle 1:00:00 – Test" in capsys.readouterr().out
