"""Background tasks survive dead workers and transient failures.

django-tasks-db marks a claimed task ``RUNNING`` and appends the worker's id to ``worker_ids``; when the
worker process dies (``kill -9``, out of memory, a lost machine) the row stays ``RUNNING`` forever and the
follow-up work (a receipt, a confirmation e-mail) is never done. Amtsweg adds three things:

* **Heartbeat and lease.** Every ``amtsweg worker`` keeps a :class:`~amtsweg.core.models.TaskWorker` row
  and refreshes ``last_seen_at`` every third of ``AMTSWEG_TASK_LEASE_SECONDS``. :func:`tasks_reclaim`
  (run by every worker on the same beat) puts a ``RUNNING`` task back on the queue when its worker has not
  been seen for a whole lease.
* **Retries with backoff.** A failed attempt is queued again after :data:`RETRY_DELAYS`, until
  ``AMTSWEG_TASK_MAX_ATTEMPTS`` attempts (a reclaim counts as one) – then it stays ``FAILED``.
  Attempts are the entries of ``worker_ids``: each claim appends one.
* **Idempotent tasks.** Every task may therefore run twice. Tasks check their own result first (receipt
  stored, ``receipt_emailed_at``), and e-mails go out through :func:`send_once`, which records a
  :class:`~amtsweg.core.models.SentMark` in the transaction that hands the mail over.

The Plattform-Admin sees failed and stuck tasks in the admin ("Hintergrundaufgaben") and starts them
again through ``access.services.task_retry``, which uses :func:`task_requeue`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from amtsweg.core.models import SentMark, TaskWorker

logger = logging.getLogger("amtsweg.tasks")

RETRY_DELAYS = (30, 120, 600, 1800)  # seconds before the 2nd, 3rd, 4th, 5th… attempt
STUCK_AFTER = dt.timedelta(hours=1)  # a task running this long with a live worker is shown as stuck
WORKER_LOST = "amtsweg.core.task_recovery.WorkerLost"
FORGET_WORKERS_AFTER = dt.timedelta(days=1)  # a dead worker stays listed in the admin this long


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died while running it."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.AMTSWEG_TASK_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    return max(settings.AMTSWEG_TASK_LEASE_SECONDS / 3, 0.5)


def max_attempts() -> int:
    return max(settings.AMTSWEG_TASK_MAX_ATTEMPTS, 1)


def attempts(result: DBTaskResult) -> int:
    """How often the task was claimed by a worker (each claim appends the worker's id)."""
    return len(result.worker_ids or [])


# --- heartbeat -----------------------------------------------------------------------------------------


def worker_heartbeat(worker_id: str, *, now: dt.datetime | None = None) -> None:
    """Say that worker ``worker_id`` (this process) is alive."""
    now = now or timezone.now()
    updated = TaskWorker.objects.filter(worker_id=worker_id).update(last_seen_at=now)
    if not updated:
        TaskWorker.objects.get_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": now,
                "last_seen_at": now,
            },
        )


def worker_signoff(worker_id: str) -> None:
    """The worker stops normally: forget it (its tasks have finished)."""
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: dt.datetime | None = None) -> set[str]:
    now = now or timezone.now()
    return set(TaskWorker.objects.filter(last_seen_at__gte=now - lease()).values_list("worker_id", flat=True))


def _owner(result: DBTaskResult) -> str | None:
    return result.worker_ids[-1] if result.worker_ids else None


# --- reclaim and retry ---------------------------------------------------------------------------------


def tasks_reclaim(*, now: dt.datetime | None = None) -> list[str]:
    """Queue again every ``RUNNING`` task whose worker stopped its heartbeat a lease ago; returns their ids.

    A task that has used up its attempts is marked ``FAILED`` (error ``WorkerLost``) instead, so a task
    that kills its worker every time does not take down worker after worker.
    """
    now = now or timezone.now()
    cutoff = now - lease()
    # Workers killed long ago are forgotten (their tasks were taken back a lease after they died).
    TaskWorker.objects.filter(last_seen_at__lt=now - FORGET_WORKERS_AFTER).delete()
    alive = live_worker_ids(now)
    reclaimed: list[str] = []
    candidates = DBTaskResult.objects.running().filter(started_at__lt=cutoff).only("id", "worker_ids")
    for candidate in candidates:
        if _owner(candidate) in alive:
            continue
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=candidate.pk, status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
                .first()
            )
            if result is None or _owner(result) in live_worker_ids(now):
                continue
            message = (
                f"Worker {_owner(result) or '?'} antwortet seit {result.started_at:%d.%m.%Y %H:%M:%S} UTC "
                f"nicht mehr (Versuch {attempts(result)} von {max_attempts()})."
            )
            if attempts(result) >= max_attempts():
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.run_after = get_date_max()
                logger.error("Aufgabe %s (%s) aufgegeben: %s", result.pk, result.task_path, message)
            else:
                result.status = TaskResultStatus.READY
                result.finished_at = None
                result.run_after = get_date_max()  # at once
                logger.warning("Aufgabe %s (%s) wieder eingereiht: %s", result.pk, result.task_path, message)
            result.exception_class_path = WORKER_LOST
            result.traceback = message
            result.save(
                update_fields=["status", "finished_at", "run_after", "exception_class_path", "traceback"]
            )
            reclaimed.append(str(result.pk))
    return reclaimed


def retry_delay(attempt: int) -> dt.timedelta:
    """Pause before the attempt after attempt number ``attempt`` (1-based)."""
    return dt.timedelta(seconds=RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])


def task_retry_later(result: DBTaskResult, *, now: dt.datetime | None = None) -> bool:
    """After a failed attempt: queue the task again after a growing pause, unless attempts are used up.

    The row keeps the last error (shown in the admin) until an attempt succeeds.
    """
    if result.status != TaskResultStatus.FAILED:
        return False
    done = attempts(result)
    if done >= max_attempts():
        logger.error("Aufgabe %s (%s) nach %s Versuchen aufgegeben", result.pk, result.task_path, done)
        return False
    now = now or timezone.now()
    run_after = now + retry_delay(done)
    updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, finished_at=None, run_after=run_after
    )
    if updated:
        logger.warning(
            "Aufgabe %s (%s): Versuch %s fehlgeschlagen, nächster Versuch ab %s",
            result.pk,
            result.task_path,
            done,
            run_after.isoformat(),
        )
    return bool(updated)


def task_requeue(result: DBTaskResult) -> bool:
    """Queue a failed or stuck task again at once with a fresh count of attempts (staff asked for it).

    A task that still runs on a live worker is left alone. Callers check permission and write the audit
    entry (``access.services.task_retry``).
    """
    with transaction.atomic():
        locked = DBTaskResult.objects.select_for_update().filter(pk=result.pk).first()
        if locked is None or not task_state(locked).retryable:
            return False
        locked.status = TaskResultStatus.READY
        locked.finished_at = None
        locked.run_after = get_date_max()
        locked.worker_ids = []
        locked.save(update_fields=["status", "finished_at", "run_after", "worker_ids"])
    return True


# --- what the admin shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskState:
    code: str  # "failed", "stuck", "retrying", "running", "waiting", "done"
    retryable: bool


def task_state(
    result: DBTaskResult, *, alive: set[str] | None = None, now: dt.datetime | None = None
) -> TaskState:
    now = now or timezone.now()
    if result.status == TaskResultStatus.FAILED:
        return TaskState("failed", True)
    if result.status == TaskResultStatus.RUNNING:
        alive = live_worker_ids(now) if alive is None else alive
        if _owner(result) not in alive:
            return TaskState("stuck", True)
        if result.started_at and result.started_at < now - STUCK_AFTER:
            return TaskState("stuck", False)  # its worker lives: queueing it again would run it twice
        return TaskState("running", False)
    if result.status == TaskResultStatus.READY:
        return TaskState("retrying" if result.exception_class_path else "waiting", False)
    return TaskState("done", False)


def tasks_needing_attention(*, now: dt.datetime | None = None) -> list[str]:
    """Ids of failed tasks, tasks waiting for another attempt and stuck tasks (for the admin filter)."""
    now = now or timezone.now()
    alive = live_worker_ids(now)
    ids = list(DBTaskResult.objects.failed().values_list("id", flat=True))
    ids += (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .exclude(exception_class_path="")
        .values_list("id", flat=True)
    )
    for result in DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "status"):
        if task_state(result, alive=alive, now=now).code == "stuck":
            ids.append(result.pk)
    return [str(pk) for pk in dict.fromkeys(ids)]


# --- sending once --------------------------------------------------------------------------------------


def send_once(key: str, send: Callable[[], object]) -> bool:
    """Call ``send`` (hand an e-mail to the mail server) unless a message with ``key`` went out before.

    The mark is inserted in the same transaction: a second run waits for the first (unique key) and then
    skips; if ``send`` fails, the mark is rolled back and a retry sends. If the process dies between the
    hand-over and the commit, a retry sends a second time – at least once, in practice once.
    """
    try:
        with transaction.atomic():
            SentMark.objects.create(key=key[:200])
            send()
    except IntegrityError:
        return False
    return True
