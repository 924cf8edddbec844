"""Background work of the assistant, run by ``amtsweg worker``."""

from __future__ import annotations

import logging

from django.tasks import task

from amtsweg.assistant.services import embeddings_refresh

logger = logging.getLogger("amtsweg.assistant")


@task()
def compute_service_embeddings(service_ids: list[int] | None = None) -> int:
    """Compute the vectors of changed services (all when ``None``) that are not current; idempotent.

    Enqueued by every catalogue change (``catalog.hooks``) and every ten minutes (periodic job
    ``assistant.embeddings``), which catches up after a change of model or model version.
    """
    count = embeddings_refresh(service_ids=service_ids)
    logger.info("Einbettungen berechnet: %s für %s", count, service_ids or "alle Leistungen")
    return count


def enqueue_embeddings(service_ids: list[int] | None) -> None:
    """Hook for ``catalog.hooks.service_change_hooks``: runs inside the catalogue's transaction."""
    compute_service_embeddings.enqueue(service_ids=service_ids)


@task()
def retrain_router() -> str:
    """Nightly: a challenger router from the caseworkers' forwards, kept only when it scores better."""
    from amtsweg.assistant.services import router_retrain_if_due

    result = router_retrain_if_due()
    logger.info("Router-Nachtraining: %s (%s neue Beispiele)", result.decision, result.new_examples)
    return result.decision


@task()
def prune_query_feedback() -> int:
    """Forget searches nobody made for a year (the Fachadmin's list stays current and small)."""
    from amtsweg.assistant.feedback import feedback_prune

    return feedback_prune()
