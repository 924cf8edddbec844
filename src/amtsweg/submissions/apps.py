import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "amtsweg.submissions"
    label = "submissions"
    verbose_name = _("Anträge")

    def ready(self) -> None:
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.submissions.drafts import drafts_expire_task

        # Every worker enqueues it once a day (03:00 UTC), see amtsweg.core.schedule.
        if "submissions.drafts_expire" not in periodic_jobs:
            periodic_jobs.register("submissions.drafts_expire")(
                PeriodicJob(
                    task=drafts_expire_task,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=3),
                    description="Abgelaufene Antragsentwürfe mit ihren Dateien löschen",
                )
            )
