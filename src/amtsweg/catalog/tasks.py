"""Background work of the catalogue, run by ``amtsweg worker``."""

from __future__ import annotations

import logging

from django.tasks import task

from amtsweg.catalog.search import index_rebuild

logger = logging.getLogger("amtsweg.catalog")


@task()
def rebuild_search_index(service_ids: list[int] | None = None) -> int:
    """Re-index the given services (or the whole catalogue) after a change."""
    count = index_rebuild(service_ids)
    logger.info("Suchindex neu aufgebaut: %s Begriffe für %s", count, service_ids or "alle Leistungen")
    return count


@task()
def prune_import_staging() -> int:
    """Remove the uploaded files of catalogue dry runs in the admin that were never confirmed."""
    from amtsweg.catalog.admin_import import staging_prune

    removed = staging_prune()
    if removed:
        logger.info("Nicht bestätigte Probeläufe des Katalogimports entfernt: %s", removed)
    return removed
