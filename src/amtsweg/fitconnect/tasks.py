"""Background work of FIT-Connect, run by ``amtsweg worker`` (every task may run twice – each checks
its own result first; a failed attempt is retried with backoff by :mod:`amtsweg.core.task_recovery`).

* :func:`inbound_receive_task`: fetch, check and take in one announced submission.
* :func:`inbound_event_task`: post its accept or reject event – only after the intake is committed.
* :func:`poll_task`: periodic fallback – ask FIT-Connect for waiting submissions of every destination.
* :func:`outbound_send_task`: deliver a submission to another authority and follow its event log.
"""

from __future__ import annotations

import logging

from django.tasks import task

from amtsweg.fitconnect.client import PartnerError

logger = logging.getLogger("amtsweg.fitconnect")


@task()
def inbound_receive_task(inbound_id: int) -> str:
    from amtsweg.fitconnect.services import inbound_receive

    return str(inbound_receive(inbound_id).status)


@task()
def inbound_event_task(inbound_id: int) -> str:
    from amtsweg.fitconnect.services import inbound_event_send

    return str(inbound_event_send(inbound_id).event_status)


@task()
def poll_task() -> int:
    """Poll every active destination; one that cannot be reached does not stop the others."""
    from amtsweg.fitconnect.models import Destination
    from amtsweg.fitconnect.services import destination_poll

    count = 0
    failed = 0
    for destination in Destination.objects.filter(active=True, destination_id__isnull=False):
        try:
            count += len(destination_poll(destination))
        except PartnerError as error:
            failed += 1
            logger.warning("FIT-Connect-Abfrage für %s fehlgeschlagen: %s", destination, error)
    if failed:
        raise PartnerError(f"{failed} Zustellpunkt(e) nicht erreichbar")
    return count


@task()
def outbound_send_task(outbound_id: str) -> str:
    from amtsweg.fitconnect.sending import outbound_progress

    return str(outbound_progress(outbound_id).status)
