"""The admin of the cockpit saves through the services and is scoped to the strategy's owner."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified
from amtsweg.core.models import AuditEntry
from amtsweg.strategy.models import Goal
from amtsweg.strategy.tests.factories import strategy_world

pytestmark = pytest.mark.django_db


def test_the_digital_team_adds_a_goal_in_the_admin_with_an_audit_entry() -> None:
    world = strategy_world()
    field = world.fields[0]
    client = login_verified(Client(), world.digital)
    url = reverse("admin:strategy_fieldofaction_change", args=[field.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "strategy": world.strategy.pk,
            "name": field.name,
            "slug": field.slug,
            "order": "0",
            "description": "",
            "vision": "Alles digital.",
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "0",
            "goals-MIN_NUM_FORMS": "0",
            "goals-MAX_NUM_FORMS": "1000",
            "goals-0-order": "0",
            "goals-0-text": "Zehn Leistungen online.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Goal.objects.get().text == "Zehn Leistungen online."
    assert AuditEntry.objects.filter(action="strategy.goal.created").exists()
    town = login_verified(Client(), world.rater_a)
    assert town.get(url).status_code in {302, 403}
