"""Periodic jobs: background tasks that run on a timetable (expire drafts, deadline reminders, …).

Django's Tasks API has no timetable of its own. Apps register a :class:`PeriodicJob` in
:data:`periodic_jobs` (usually in ``AppConfig.ready``); every ``amtsweg worker`` checks once a minute
which jobs are due and enqueues their task. A :class:`~amtsweg.core.models.ScheduledRun` row per
(job, period) is inserted in the same transaction as the enqueue, and its unique constraint makes
sure that each period is enqueued once, however many workers run. ``amtsweg schedule --once`` does
the same from cron.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from amtsweg.core.models import ScheduledRun
from amtsweg.core.registry import Registry

logger = logging.getLogger("amtsweg.schedule")
_EPOCH = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)  # a Monday, 00:00 UTC


@dataclass(frozen=True)
class PeriodicJob:
    """A task (a Django ``Task`` object) that is enqueued once per period of length ``every``.

    ``offset`` shifts the period start, e.g. ``every=1 day, offset=5 hours`` runs daily at 05:00 UTC.
    """

    task: Any
    every: datetime.timedelta
    description: str
    offset: datetime.timedelta = datetime.timedelta(0)
    kwargs: tuple[tuple[str, Any], ...] = ()

    def period_start(self, now: datetime.datetime) -> datetime.datetime:
        elapsed = now - _EPOCH - self.offset
        periods = elapsed // self.every
        return _EPOCH + self.offset + periods * self.every


periodic_jobs: Registry[PeriodicJob] = Registry("periodische Aufgabe")


def schedule_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been enqueued yet; return their names."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for name, job in periodic_jobs:
        start = job.period_start(now)
        if ScheduledRun.objects.filter(job=name, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=name, period_start=start)
                job.task.enqueue(**dict(job.kwargs))
        except IntegrityError:
            continue  # another worker enqueued this period first
        logger.info("Periodische Aufgabe eingereiht: %s (Zeitraum ab %s)", name, start.isoformat())
        enqueued.append(name)
    return enqueued


def runs_prune(*, keep_days: int = 90) -> int:
    """Forget scheduling records older than ``keep_days`` (they only guard the current period)."""
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    deleted, _ = ScheduledRun.objects.filter(period_start__lt=cutoff).delete()
    return deleted
