"""Extension points of the catalogue for apps that build on it (the catalogue imports none of them).

* ``service_change_hooks``: called with the ids of changed services (``None`` = all) inside the
  transaction of the change, e.g. to enqueue follow-up work such as computing embeddings.
* ``search_backends``: the portal search uses the backend registered as ``"portal"`` when there is
  one (the AI assistant registers its hybrid search), else the catalogue's own simple index.
* ``search_outcome_hooks``: called after a citizen's search (a whole page, not the as-you-type fragments)
  with the query and the number of hits, e.g. to show the Fachadmin the searches that found nothing.

Apps register into these from their ``AppConfig.ready()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from amtsweg.core.registry import Registry

ServiceChangeHook = Callable[[list[int] | None], None]
SearchBackend = Callable[..., list[Any]]

service_change_hooks: Registry[ServiceChangeHook] = Registry("Hook bei Änderung einer Leistung")
search_backends: Registry[SearchBackend] = Registry("Such-Backend")
SearchOutcomeHook = Callable[[str, int], None]
search_outcome_hooks: Registry[SearchOutcomeHook] = Registry("Hook nach einer Suche")


def services_changed(service_ids: list[int] | None) -> None:
    """Tell every registered hook that these services changed (``None``: possibly all)."""
    for _identifier, hook in service_change_hooks:
        hook(service_ids)


def search_done(query: str, hits: int) -> None:
    """Tell every registered hook about a finished portal search; a failing hook never breaks the search."""
    for identifier, hook in search_outcome_hooks:
        try:
            hook(query, hits)
        except Exception:  # an aid for the Fachadmin, never a reason to fail a citizen's page
            logging.getLogger("amtsweg.catalog").exception("Such-Hook %s fehlgeschlagen", identifier)
