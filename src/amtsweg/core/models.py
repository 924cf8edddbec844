"""Base models and the append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from amtsweg.core.actors import ActorKind


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One entry of the audit trail. Entries are only ever appended.

    Each entry stores the SHA-256 of its own content together with the hash of the previous entry of its
    chain (``lane``), so that a changed, deleted or inserted entry breaks the chain (see ``amtsweg
    verify-audit`` and docs/decisions/0022-audit-chain-lanes.md). Entries from before the lanes have no
    lane: they form the start of lane 1 and were hashed without their id and lane.
    """

    occurred_at = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_kind = models.CharField(
        _("Art der handelnden Person"),
        max_length=20,
        blank=True,
        choices=ActorKind.choices,
        help_text=_("Leer bei Einträgen von vor der Einführung der Akteursarten."),
    )
    actor_label = models.CharField(_("Person (Text)"), max_length=200, blank=True)
    action = models.CharField(_("Aktion"), max_length=100, db_index=True)
    object_type = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("Objekt"), max_length=300, blank=True)
    authority_id_ref = models.BigIntegerField(_("Behörde (ID)"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)
    previous_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)
    lane = models.PositiveSmallIntegerField(
        _("Kette"),
        null=True,
        blank=True,
        help_text=_("Leer bei Einträgen von vor der Einführung mehrerer Ketten (sie gehören zu Kette 1)."),
    )

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d.%m.%Y %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``audit_record`` gives new entries their id before the insert (it is part of the hash).
        if not self._state.adding:
            raise ValueError("Protokolleinträge dürfen nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Protokolleinträge dürfen nicht gelöscht werden.")

    def content_for_hash(self) -> dict[str, Any]:
        content = {
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "authority_id": self.authority_id_ref,
            "changes": self.changes,
            "source": self.source,
            "previous_hash": self.previous_hash,
        }
        # Entries written before the actor had a kind were hashed without it; they keep verifying.
        if self.actor_kind:
            content["actor_kind"] = self.actor_kind
        # Since the lanes (decision 0022) the id is hashed too, so that the order across lanes is protected;
        # older entries were hashed without id and lane.
        if self.lane is not None:
            content["id"] = self.id
            content["lane"] = self.lane
        return content

    def compute_hash(self) -> str:
        payload = json.dumps(self.content_for_hash(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """The newest hash of one lane of the audit chain (the row's id is the lane number).

    A writer locks one free lane (``FOR UPDATE SKIP LOCKED``) until its transaction ends, so concurrent
    writers append to different lanes instead of waiting for each other (decision 0022).
    """

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Protokollkette")

    def __str__(self) -> str:
        return self.last_hash


class ScheduledRun(models.Model):
    """One due run of a periodic job, recorded when it was put on the task queue.

    The unique pair (job, period) lets any number of workers schedule at the same time: only the
    first insert for a period succeeds, so each period's task is enqueued exactly once.
    """

    job = models.CharField(_("Aufgabe"), max_length=100)
    period_start = models.DateTimeField(_("Zeitraum ab"))
    enqueued_at = models.DateTimeField(_("eingereiht am"), auto_now_add=True)

    class Meta:
        verbose_name = _("geplante Ausführung")
        verbose_name_plural = _("geplante Ausführungen")
        constraints = [models.UniqueConstraint(fields=["job", "period_start"], name="scheduled_run_unique")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"


class TaskWorker(models.Model):
    """A running ``amtsweg worker`` process, with the time it last said it is alive (its heartbeat).

    A task stays ``RUNNING`` when its worker dies (``kill -9``, power loss, OOM); the other workers see
    from this table that the worker's heartbeat stopped and put its task back on the queue
    (:mod:`amtsweg.core.task_recovery`).
    """

    worker_id = models.CharField(_("Kennung"), max_length=64, unique=True)
    host = models.CharField(_("Rechner"), max_length=200, blank=True)
    pid = models.IntegerField(_("Prozess"), null=True, blank=True)
    started_at = models.DateTimeField(_("gestartet am"))
    last_seen_at = models.DateTimeField(_("zuletzt gemeldet"), db_index=True)

    class Meta:
        verbose_name = _("Aufgaben-Worker")
        verbose_name_plural = _("Aufgaben-Worker")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, {self.pid})"


class SentMark(models.Model):
    """Proof that a message (an e-mail) went out, by a key such as ``case-message:42``.

    Inserted in the transaction that hands the message to the mail server, so that a task that runs twice
    (retried, reclaimed from a dead worker, queued again by staff) sends it once. Keys carry ids only,
    no personal data.
    """

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("gesendet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Versandnachweis")
        verbose_name_plural = _("Versandnachweise")

    def __str__(self) -> str:
        return self.key


class BackgroundTask(DBTaskResult):
    """django-tasks-db's task row under a German name, for the admin page of failed and stuck tasks."""

    class Meta:
        proxy = True
        verbose_name = _("Hintergrundaufgabe")
        verbose_name_plural = _("Hintergrundaufgaben")

    def __str__(self) -> str:
        return f"{self.task_path.rsplit('.', 1)[-1]} ({self.pk})"


class ConfigVersion(models.Model):
    """A token per area of rarely changing configuration (e.g. FIT-Connect forwardings, form fees).

    Every change of that configuration writes a new token (see :mod:`amtsweg.core.configcache`); each
    process keeps the looked-up configuration in its memory only as long as the token it was read under
    is still the current one. A token is never reused, so a rolled-back change cannot revive old values.
    """

    name = models.CharField(_("Bereich"), max_length=50, primary_key=True)
    token = models.CharField(_("Stand"), max_length=32)

    class Meta:
        verbose_name = _("Konfigurationsstand")
        verbose_name_plural = _("Konfigurationsstände")

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"
