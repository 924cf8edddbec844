"""Background work of the strategy cockpit, run by ``amtsweg worker``."""

from __future__ import annotations

import logging

from django.tasks import task

from amtsweg.strategy.reminders import reminders_send
from amtsweg.strategy.rollup import rollup_refresh

logger = logging.getLogger("amtsweg.strategy")


@task()
def strategy_reminders_task() -> int:
    """Send the reminders of funding deadlines due today (schedule it daily)."""
    count = reminders_send()
    logger.info("Fristerinnerungen verschickt: %s", count)
    return count


@task()
def strategy_rollup_task() -> int:
    """Rebuild the monthly roll-up of the closed months for the dashboards (schedule it daily)."""
    return rollup_refresh()
