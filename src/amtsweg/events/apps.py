import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "amtsweg.events"
    label = "events"
    verbose_name = _("Ereignisse für Fachverfahren")

    def ready(self) -> None:
        from amtsweg.cases.hooks import case_event_hooks
        from amtsweg.core import configcache
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.events.emit import SUBSCRIPTION_AREA, on_case_event, on_payment_changed
        from amtsweg.events.models import Subscription
        from amtsweg.events.tasks import deliveries_due_task
        from amtsweg.payments.services import payment_change_hooks

        # Every entry of a case's history that a specialist system cares about becomes an outbound event,
        # written in the transaction of the action (outbox, docs/decisions/0002).
        configcache.watch(SUBSCRIPTION_AREA, Subscription)  # active_subscriptions is cached per process
        if "events" not in case_event_hooks:
            case_event_hooks.register("events")(on_case_event)
        if "events" not in payment_change_hooks:
            payment_change_hooks.register("events")(on_payment_changed)
        if "events.deliveries-due" not in periodic_jobs:
            periodic_jobs.register("events.deliveries-due")(
                PeriodicJob(
                    task=deliveries_due_task,
                    every=datetime.timedelta(minutes=5),
                    description="Fällige Zustellungen von Ereignissen anstoßen, deren Aufgabe fehlt",
                )
            )
