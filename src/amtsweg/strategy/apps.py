import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "amtsweg.strategy"
    label = "strategy"
    verbose_name = _("Strategie-Cockpit")

    def ready(self) -> None:
        from amtsweg.core.schedule import PeriodicJob, periodic_jobs
        from amtsweg.strategy.tasks import strategy_reminders_task, strategy_rollup_task

        # Reminders of funding deadlines, once a day at 06:00 UTC (amtsweg.core.schedule); idempotent anyway.
        if "strategy.reminders" not in periodic_jobs:
            periodic_jobs.register("strategy.reminders")(
                PeriodicJob(
                    task=strategy_reminders_task,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=6),
                    description="Erinnerungen vor Fristen von Förderanträgen verschicken",
                )
            )
        # The monthly roll-up of cases and applications for the dashboards, daily at 01:00 UTC (0030).
        if "strategy.rollup" not in periodic_jobs:
            periodic_jobs.register("strategy.rollup")(
                PeriodicJob(
                    task=strategy_rollup_task,
                    every=datetime.timedelta(days=1),
                    offset=datetime.timedelta(hours=1),
                    description="Monatsübersicht für Reifegrad, Cockpit und Sachstandsbericht aktualisieren",
                )
            )
