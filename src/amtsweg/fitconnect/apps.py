import datetime

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FitConnectConfig(AppConfig):
    name = "amtsweg.fitconnect"
    label = "fitconnect"
    verbose_name = _("FIT-Connect")

    def ready(self) -> None:
        from amtsweg.cases.hooks import case_channel_details
        from amtsweg.core import configcache
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.fitconnect.models import Forwarding, SenderClient
        from amtsweg.fitconnect.selectors import channel_detail
        from amtsweg.fitconnect.sending import FORWARDING_AREA, on_submission_received
        from amtsweg.fitconnect.tasks import poll_task
        from amtsweg.submissions.hooks import submission_received_hooks

        # The cached forwarding lookup of the intake holds the rule with its sender.
        configcache.watch(FORWARDING_AREA, Forwarding, SenderClient)
        # Runs after "cases" (hooks run in the order of their ids): the case exists when the delivery is
        # queued.
        if "fitconnect" not in submission_received_hooks:
            submission_received_hooks.register("fitconnect")(on_submission_received)
        if "fitconnect" not in case_channel_details:
            case_channel_details.register("fitconnect")(channel_detail)
        if "fitconnect.poll" not in periodic_jobs:
            periodic_jobs.register("fitconnect.poll")(
                PeriodicJob(
                    task=poll_task,
                    every=datetime.timedelta(minutes=settings.AMTSWEG_FITCONNECT_POLL_MINUTES),
                    description="FIT-Connect: abholbereite Einreichungen abfragen (falls ein Callback fehlt)",
                )
            )
