"""Admin page "Hintergrundaufgaben": failed and stuck background tasks, started again by the Plattform-Admin.

Replaces django-tasks-db's own (English, superuser-only) task admin. Opens on the tasks that need
attention; the action "Erneut ausführen" calls :func:`amtsweg.access.services.task_retry` for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amtsweg.access.permissions import can_manage_tasks
from amtsweg.access.services import task_retry
from amtsweg.core.audit import request_source
from amtsweg.core.models import BackgroundTask, TaskWorker
from amtsweg.core.task_recovery import attempts, task_state, tasks_needing_attention

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

STATE_LABELS = {
    "failed": gettext_lazy("fehlgeschlagen"),
    "stuck": gettext_lazy("hängt"),
    "retrying": gettext_lazy("wartet auf neuen Versuch"),
    "running": gettext_lazy("läuft"),
    "waiting": gettext_lazy("wartet"),
    "done": gettext_lazy("erledigt"),
}


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("Zustand")
    parameter_name = "zustand"
    default = "achtung"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("achtung", _("braucht Aufmerksamkeit")),
            ("fehlgeschlagen", _("fehlgeschlagen")),
            ("laeuft", _("läuft oder wartet")),
            ("erledigt", _("erledigt")),
            ("alle", _("alle")),
        ]

    def choices(self, changelist: Any) -> Iterator[Any]:
        current = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value() or self.default:
            case "achtung":
                return queryset.filter(pk__in=tasks_needing_attention())
            case "fehlgeschlagen":
                return queryset.filter(status=TaskResultStatus.FAILED)
            case "laeuft":
                return queryset.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
            case "erledigt":
                return queryset.filter(status=TaskResultStatus.SUCCESSFUL)
        return queryset


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin):
    list_display = ("task", "state", "attempt_count", "enqueued_at", "started_at", "finished_at", "error")
    list_filter = (StateFilter, "queue_name")
    ordering = ("-enqueued_at",)
    actions = ("retry",)
    fields = (
        "task",
        "state",
        "attempt_count",
        "queue_name",
        "enqueued_at",
        "started_at",
        "finished_at",
        "worker_ids",
        "error",
        "error_details",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Aufgabe"))
    def task(self, obj: BackgroundTask) -> str:
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description=gettext_lazy("Zustand"))
    def state(self, obj: BackgroundTask) -> str:
        return str(STATE_LABELS[task_state(obj).code])

    @admin.display(description=gettext_lazy("Versuche"))
    def attempt_count(self, obj: BackgroundTask) -> int:
        return attempts(obj)

    @admin.display(description=gettext_lazy("Fehler"))
    def error(self, obj: BackgroundTask) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""

    @admin.display(description=gettext_lazy("Fehlermeldung"))
    def error_details(self, obj: BackgroundTask) -> str:
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "–"

    @admin.action(description=gettext_lazy("Erneut ausführen"))
    def retry(self, request: HttpRequest, queryset: QuerySet[BackgroundTask]) -> None:
        source = request_source(request, "admin")
        started = sum(task_retry(actor=request.user, task=task, source=source) for task in queryset)
        skipped = queryset.count() - started
        if started:
            self.message_user(request, _("%(count)s Aufgaben werden erneut ausgeführt.") % {"count": started})
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)s Aufgaben wurden nicht neu gestartet: sie sind erledigt, warten schon "
                    "oder laufen noch auf einem aktiven Worker."
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_tasks(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_tasks(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TaskWorker)
class TaskWorkerAdmin(admin.ModelAdmin):
    """The running workers and their last heartbeat (read-only)."""

    list_display = ("worker_id", "host", "pid", "started_at", "last_seen_at")
    readonly_fields = list_display

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_tasks(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_tasks(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
