"""Background work of online payment, run by ``amtsweg worker``."""

from __future__ import annotations

from django.tasks import task


@task()
def payments_poll_task() -> str:
    """Ask the providers about open payments (every minute): paid, failed, cancelled or timed out."""
    from amtsweg.payments.services import payments_poll

    counts = payments_poll()
    return ", ".join(f"{key}: {value}" for key, value in counts.items())
