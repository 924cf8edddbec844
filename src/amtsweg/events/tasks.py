"""Background work of outbound events, run by ``amtsweg worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task()
def deliver_event(delivery_id: int) -> str:
    """Deliver one event to one subscription (one attempt; a failure enqueues the next one)."""
    from amtsweg.events.delivery import delivery_attempt

    return delivery_attempt(delivery_id)


@task()
def deliveries_due_task() -> str:
    """Safety net: enqueue the deliveries whose next attempt is more than an hour overdue (their task
    was lost, e.g. removed by hand from the queue). A delivery that runs twice only sends twice."""
    import datetime

    from amtsweg.events.models import Delivery

    overdue = timezone.now() - datetime.timedelta(hours=1)
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lt=overdue).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        deliver_event.enqueue(pk)
    return f"{len(ids)} angestoßen"
