"""Mein Konto: profile, change of e-mail address with re-verification, deletion."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from amtsweg.accounts import services
from amtsweg.accounts.models import Membership, Organisation, User
from amtsweg.accounts.selectors import profile_of
from amtsweg.accounts.tests.helpers import PASSWORD, citizen, hours_ago, last_link
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def duelmen() -> Authority:
    kreis = Authority.objects.create(
        name="Kreis Coesfeld", short_name="Coesfeld", slug="kreis-coesfeld", kind="kreis", ags="05558000"
    )
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012", parent=kreis
    )


def test_profile_is_saved_and_offered_to_forms(client: Client, duelmen: Authority) -> None:
    user = citizen()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Erika",
            "last_name": "Beispiel-Neu",
            "street": "Marktstraße 1",
            "postcode": "48249",
            "city": "Dülmen",
            "municipality": str(duelmen.pk),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    profile = profile_of(user)
    assert (profile.last_name, profile.postcode, profile.municipality) == ("Beispiel-Neu", "48249", duelmen)
    assert "Marktstraße 1" in client.get(reverse("accounts:overview")).content.decode()


def test_bad_profile_input_is_explained_and_nothing_saved(client: Client) -> None:
    user = citizen()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Erika", "last_name": "", "postcode": "4824", "municipality": "999999"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nachnamen" in content
    assert "genau 5 Ziffern" in content
    assert "aus der Liste" in content
    user.refresh_from_db()
    assert user.last_name == "Beispiel"


def test_email_change_takes_effect_only_after_the_link(client: Client) -> None:
    user = citizen()
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"), {"email": "erika.neu@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "erika.beispiel@example.org"
    notice = [m for m in mail.outbox if m.to == ["erika.beispiel@example.org"]]
    assert notice
    assert "erika.neu@example.org" in notice[0].body
    link = last_link("erika.neu@example.org")
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email == "erika.neu@example.org"
    assert client.post(link).status_code == 400


def test_email_change_needs_the_password(client: Client) -> None:
    user = citizen()
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"), {"email": "neu@example.org", "password": "falsch"}
    )
    assert response.status_code == 400
    assert "Das Passwort stimmt nicht." in response.content.decode()
    assert not mail.outbox


def test_email_change_to_a_taken_address_reveals_nothing(client: Client) -> None:
    citizen("andere@example.org")
    user = citizen()
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"), {"email": "andere@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302  # the same answer as for a free address
    assert mail.outbox[-1].to == ["andere@example.org"]
    assert "/konto/" not in mail.outbox[-1].body
    user.refresh_from_db()
    assert user.email == "erika.beispiel@example.org"


def test_expired_email_change_link_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = citizen()
    with hours_ago(49, monkeypatch):
        token = services.link_token_make(services.PURPOSE_EMAIL_CHANGE, user, "neu@example.org")
    response = client.post(reverse("accounts:email_confirm", args=[token]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "erika.beispiel@example.org"


def test_deletion_explains_submissions_and_removes_personal_data(client: Client) -> None:
    user = citizen(street="Marktstraße 1", city="Dülmen")
    client.force_login(user)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "so lange auf, wie das Gesetz es verlangt" in page
    assert "keine Anträge" in page

    wrong = client.post(reverse("accounts:delete"), {"password": "falsch"})
    assert wrong.status_code == 400
    assert User.objects.get(pk=user.pk).is_active

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    gone = User.objects.get(pk=user.pk)
    assert (gone.email, gone.first_name, gone.last_name, gone.street, gone.city) == ("", "", "", "", "")
    assert not gone.is_active
    assert not gone.has_usable_password()
    assert gone.deleted_at is not None
    # The audit trail keeps an anonymous reference and stays intact.
    entry = AuditEntry.objects.get(action="accounts.user.deleted")
    assert entry.changes == {"konto": f"konto-{user.pk}"}
    assert not AuditEntry.objects.filter(object_label__icontains="Beispiel").exists()
    assert list(audit_verify_chain()) == []
    # Nobody can log in with the old data; the address is free for a new account.
    assert (
        Client()
        .post("/konto/anmelden/", {"identifier": "erika.beispiel@example.org", "password": PASSWORD})
        .status_code
        == 400
    )
    citizen("erika.beispiel@example.org")


def test_deletion_removes_memberships_and_organisations_left_empty(client: Client) -> None:
    user = citizen()
    alone = services.organisation_create(
        actor=user,
        data={"name": "Ein-Personen-GmbH", "street": "Weg 1", "postcode": "48249", "city": "Dülmen"},
    )
    services.account_delete(actor=user, user=user, password=PASSWORD)
    assert not Organisation.objects.filter(pk=alone.pk).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_sole_admin_of_a_shared_organisation_must_hand_over_first(client: Client) -> None:
    admin = citizen()
    member = citizen("kollege@example.org", first_name="Max")
    org = services.organisation_create(
        actor=admin,
        data={"name": "Bäckerei Beispiel", "street": "Weg 1", "postcode": "48249", "city": "Dülmen"},
    )
    Membership.objects.create(user=member, organisation=org)
    client.force_login(admin)
    assert "Bäckerei Beispiel" in client.get(reverse("accounts:delete")).content.decode()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "zuerst" in response.content.decode()
    assert User.objects.get(pk=admin.pk).deleted_at is None


def test_deletion_needs_csrf() -> None:
    user = citizen()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 403
    assert User.objects.get(pk=user.pk).deleted_at is None
