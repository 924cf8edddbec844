"""A catalogue change enqueues the embedding task in the same transaction; the worker stores the vector."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from amtsweg.assistant.models import ServiceEmbedding
from amtsweg.assistant.portal_search import portal_search
from amtsweg.catalog.services import service_create, service_update
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.embedding


def test_changing_a_service_recomputes_its_embedding(run_tasks: Callable[[], None]) -> None:
    kreis = Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )
    service = service_create(
        actor=None,
        data={"owner": kreis, "name": "Hund anmelden", "short_text": "Hunde meldet man beim Steueramt an."},
    )
    run_tasks()
    stored = ServiceEmbedding.objects.get(service=service, model_name="e5-small")
    assert stored.dim == 384
    first_hash = stored.fingerprint
    # The second model of the default setting embeds the head and every passage of the texts.
    both = ServiceEmbedding.objects.get(service=service, model_name="usem3")
    assert both.dim == 512
    assert len(bytes(both.vector)) == 512 * 4 * 2  # head + the one passage of the short text

    service_update(actor=None, service=service, data={"keywords": ["Hundesteuer", "Welpe"]})
    run_tasks()
    stored.refresh_from_db()
    assert stored.fingerprint != first_hash
    assert [hit.service.name for hit in portal_search("Welpe")] == ["Hund anmelden"]
