"""Forms in the staff admin: readable, published versions immutable, publishing audited and scoped."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.core.models import AuditEntry
from amtsweg.forms.definition import definition_parse
from amtsweg.forms.models import FormVersion
from amtsweg.forms.services import form_version_create
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
User = get_user_model()


def _definition(version: str) -> dict[str, object]:
    return {
        "key": "hundesteuer-test",
        "version": version,
        "title": "Hundesteuer (Test)",
        "code_lists": {"rasse": {"name": "Rassen", "entries": {"01": "Pitbull"}}},
        "fields": [
            {"key": "name", "label": "Name", "required": True},
            {"key": "listenhund", "label": "Listenhund", "type": "bool"},
            {"key": "rasse", "label": "Rasse", "options": "rasse"},
        ],
        "rules": [
            {
                "key": "rasse_zeigen",
                "kind": "show",
                "when": {"field": "listenhund", "op": "true"},
                "targets": ["rasse"],
            },
            {
                "key": "satzung",
                "kind": "info",
                "description": "Der Steuersatz steht in der Hundesteuersatzung.",
            },
        ],
    }


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )


@pytest.fixture
def versions(kreis: Authority) -> tuple[FormVersion, FormVersion]:
    published = form_version_create(
        actor=None, spec=definition_parse(_definition("1"))[0], owner=kreis, source="definition", publish=True
    )
    draft = form_version_create(
        actor=None, spec=definition_parse(_definition("2"))[0], owner=kreis, source="definition"
    )
    return published, draft


@pytest.fixture
def admin_client(client: Client) -> Client:
    return login_verified(client, User.objects.create_superuser("admin", password="x" * 16))


def test_version_page_shows_counts_and_rules_in_german(
    admin_client: Client, versions: tuple[FormVersion, FormVersion]
) -> None:
    published, _draft = versions
    page = admin_client.get(reverse("admin:forms_formversion_change", args=[published.pk])).text
    assert "3 Felder, 0 Gruppen, 2 Regeln (1 ausgewertet), 1 Codelisten" in page
    assert "Hinweis (nicht ausgewertet)" in page
    assert "Der Steuersatz steht in der Hundesteuersatzung." in page
    assert "Anzeigen, wenn" in page
    listing = admin_client.get(reverse("admin:forms_formversion_changelist")).text
    assert "Hundesteuer (Test)" in listing
    form_page = admin_client.get(reverse("admin:forms_form_change", args=[published.form_id])).text
    assert "Versionen" in form_page


def test_published_version_cannot_be_changed_or_deleted(
    admin_client: Client, versions: tuple[FormVersion, FormVersion]
) -> None:
    published, _draft = versions
    url = reverse("admin:forms_formversion_change", args=[published.pk])
    page = admin_client.get(url).text
    assert 'name="_save"' not in page
    response = admin_client.post(url, {"version": "99", "status": "entwurf", "definition": "{}"})
    assert response.status_code == 403
    delete = admin_client.post(
        reverse("admin:forms_formversion_delete", args=[published.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    published.refresh_from_db()
    assert (published.version, published.status) == ("1", FormVersion.Status.PUBLISHED)
    assert published.definition["rules"][1]["kind"] == "info"
    assert admin_client.get(reverse("admin:forms_formversion_add")).status_code == 403


def test_publish_action_retires_the_old_version_and_is_audited(
    admin_client: Client, versions: tuple[FormVersion, FormVersion]
) -> None:
    published, draft = versions
    response = admin_client.post(
        reverse("admin:forms_formversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 Version(en) veröffentlicht." in response.text
    published.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == FormVersion.Status.PUBLISHED
    assert published.status == FormVersion.Status.RETIRED
    entry = AuditEntry.objects.filter(action="form.version_published").order_by("-id").first()
    assert entry is not None
    assert entry.changes["version"] == "2"


def test_staff_of_another_authority_sees_nothing(
    client: Client, versions: tuple[FormVersion, FormVersion]
) -> None:
    published, draft = versions
    other = Authority.objects.create(
        name="Stadt Anderswo",
        short_name="Anderswo",
        slug="anderswo",
        kind=Authority.Kind.STADT,
        ags="09999001",
    )
    login_verified(client, staff_create("fremd", other, "fachadministration"))
    listing = client.get(reverse("admin:forms_formversion_changelist"))
    assert listing.status_code == 200
    assert "Hundesteuer (Test)" not in listing.text
    assert client.get(reverse("admin:forms_formversion_change", args=[published.pk])).status_code in (
        302,
        404,
    )
    client.post(
        reverse("admin:forms_formversion_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == FormVersion.Status.DRAFT
