"""While vectors are missing (fresh import, model change) no service is ranked up or down for having one."""

from __future__ import annotations

import pytest

from amtsweg.assistant.models import ServiceEmbedding
from amtsweg.assistant.portal_search import portal_search
from amtsweg.assistant.services import embeddings_refresh
from amtsweg.catalog.selectors import kreis
from amtsweg.catalog.services import service_create

pytestmark = [pytest.mark.django_db, pytest.mark.embedding]


def test_one_embedded_service_among_unembedded_ones_does_not_win_every_query(demo: None) -> None:
    # The demo catalogue without vectors (as after a fresh import), then a Fachadmin adds one service
    # and the worker embeds just that one.
    ServiceEmbedding.objects.all().delete()
    sperrmuell = service_create(
        actor=None,
        data={
            "owner": kreis(),
            "name": "Sperrmüll anmelden",
            "short_text": "Sperrige Abfälle wie Möbel holt die Abfallwirtschaft nach Anmeldung ab.",
            "keywords": ["Sperrmüll", "Möbel entsorgen"],
        },
    )
    embeddings_refresh(service_ids=[sperrmuell.pk])
    assert ServiceEmbedding.objects.values("service").distinct().count() == 1

    for query in ("Personalausweis verloren", "Ausweis weg", "Hund anmelden", "Wohngeld"):
        hits = portal_search(query)
        assert hits, query
        assert hits[0].service != sperrmuell, query
    assert portal_search("Sperrmüll")[0].service == sperrmuell
