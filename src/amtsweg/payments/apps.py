import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "amtsweg.payments"
    label = "payments"
    verbose_name = _("Online-Bezahlung")

    def ready(self) -> None:
        from amtsweg.core import configcache
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.payments import hooks, providers  # noqa: F401 - providers register themselves
        from amtsweg.payments.models import FormFee
        from amtsweg.payments.services import FEE_AREA, on_submission_received
        from amtsweg.payments.tasks import payments_poll_task
        from amtsweg.submissions.hooks import (
            receipt_notice_providers,
            submission_received_hooks,
            submit_guards,
            summary_notice_providers,
        )

        configcache.watch(FEE_AREA, FormFee)  # fee_of is cached per process
        if "payments" not in submission_received_hooks:
            submission_received_hooks.register("payments")(on_submission_received)
        if "payments" not in submit_guards:
            submit_guards.register("payments")(hooks.submit_guard)
        if "payments" not in summary_notice_providers:
            summary_notice_providers.register("payments")(hooks.summary_notices)
        if "payments" not in receipt_notice_providers:
            receipt_notice_providers.register("payments")(hooks.receipt_notices)
        if "payments.poll" not in periodic_jobs:
            periodic_jobs.register("payments.poll")(
                PeriodicJob(
                    task=payments_poll_task,
                    every=datetime.timedelta(minutes=1),
                    description="Offene Zahlungen beim Bezahldienst abfragen, abgelaufene beenden",
                )
            )
