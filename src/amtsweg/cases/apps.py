import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "amtsweg.cases"
    label = "cases"
    verbose_name = _("Vorgangsbearbeitung")

    def ready(self) -> None:
        from amtsweg.accounts.hooks import account_notice_providers
        from amtsweg.cases.hooks import account_notices_for, on_submission_received, submission_statuses
        from amtsweg.cases.tasks import deadline_summary_task, retention_task
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.submissions.hooks import submission_received_hooks, submission_status_providers

        # Every submission becomes a case in the intake transaction (amtsweg.submissions.hooks).
        if "cases" not in submission_received_hooks:
            submission_received_hooks.register("cases")(on_submission_received)
        if "cases" not in submission_status_providers:
            submission_status_providers.register("cases")(submission_statuses)
        if "cases" not in account_notice_providers:
            account_notice_providers.register("cases")(account_notices_for)
        if "cases.deadline-summary" not in periodic_jobs:
            periodic_jobs.register("cases.deadline-summary")(
                PeriodicJob(
                    task=deadline_summary_task,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=5),
                    description="Teamleitungen über überfällige und bald fällige Vorgänge informieren",
                )
            )
        if "cases.retention" not in periodic_jobs:
            periodic_jobs.register("cases.retention")(
                PeriodicJob(
                    task=retention_task,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=2),
                    description="Abgeschlossene Vorgänge nach Ablauf der Aufbewahrungsfrist anonymisieren",
                )
            )
