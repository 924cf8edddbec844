"""Organisation accounts: one admin at least, invitations by e-mail, removal, "Im Namen von"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from amtsweg.accounts import services
from amtsweg.accounts.models import Invitation, Membership, Organisation
from amtsweg.accounts.selectors import acting_for
from amtsweg.accounts.tests.helpers import citizen, hours_ago, last_link

pytestmark = pytest.mark.django_db

ORG = {"name": "Bäckerei Beispiel GmbH", "street": "Marktstraße 3", "postcode": "48249", "city": "Dülmen"}


def test_creating_an_organisation_makes_the_creator_its_admin(client: Client) -> None:
    user = citizen()
    client.force_login(user)
    response = client.post(reverse("accounts:organisation_create"), {**ORG, "register_number": "HRB 1234"})
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert org.register_number == "HRB 1234"
    assert Membership.objects.get(organisation=org).is_admin
    assert "Bäckerei Beispiel GmbH" in client.get(response["Location"]).content.decode()


def test_bad_organisation_input_is_explained(client: Client) -> None:
    client.force_login(citizen())
    response = client.post(reverse("accounts:organisation_create"), {**ORG, "name": "", "postcode": "12"})
    assert response.status_code == 400
    assert "Namen der Organisation" in response.content.decode()
    assert "genau 5 Ziffern" in response.content.decode()
    assert not Organisation.objects.exists()


def test_admin_invites_a_member_who_joins_once_by_the_link(client: Client) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:organisation_invite", args=[org.pk]), {"einladung-email": "max@example.org"}
    )
    assert response.status_code == 302
    link = last_link("max@example.org")
    assert "Bäckerei Beispiel GmbH" in mail.outbox[-1].subject

    member = citizen("max@example.org", first_name="Max")
    guest = Client()
    # Not logged in: asked to log in first (the token moved into the session: /konto/einladung/-/).
    assert "Anmelden" in guest.get(link, follow=True).content.decode()
    guest.force_login(member)
    assert guest.post(link).status_code == 302
    joined = Membership.objects.get(user=member, organisation=org)
    assert not joined.is_admin
    assert guest.post(link).status_code == 400  # used up
    page = client.get(reverse("accounts:organisation", args=[org.pk])).content.decode()
    assert "Max Beispiel" in page


def test_expired_invitation_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    with hours_ago(15 * 24, monkeypatch):
        services.invitation_send(
            actor=admin,
            organisation=org,
            email="max@example.org",
            absolute=lambda path: f"http://testserver{path}",
        )
    client.force_login(citizen("max@example.org"))
    response = client.post(last_link("max@example.org"))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert Membership.objects.filter(organisation=org).count() == 1


def test_members_cannot_invite_or_remove_and_strangers_see_nothing(client: Client) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    member = citizen("max@example.org")
    Membership.objects.create(user=member, organisation=org)
    client.force_login(member)
    assert (
        client.post(
            reverse("accounts:organisation_invite", args=[org.pk]), {"einladung-email": "x@example.org"}
        )
    ).status_code == 403
    admin_membership = Membership.objects.get(user=admin)
    client.post(reverse("accounts:member_remove", args=[org.pk, admin_membership.pk]))
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
    assert not Invitation.objects.exists()

    stranger = Client()
    stranger.force_login(citizen("fremd@example.org"))
    assert stranger.get(reverse("accounts:organisation", args=[org.pk])).status_code == 404


def test_admin_removes_a_member_but_never_the_last_admin(client: Client) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    member = Membership.objects.create(user=citizen("max@example.org"), organisation=org)
    client.force_login(admin)
    client.post(reverse("accounts:member_remove", args=[org.pk, member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()

    own = Membership.objects.get(user=admin)
    response = client.post(reverse("accounts:member_remove", args=[org.pk, own.pk]), follow=True)
    assert "mindestens eine Person" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    response = client.post(
        reverse("accounts:member_admin", args=[org.pk, own.pk]), {"verwaltet": "nein"}, follow=True
    )
    assert "mindestens eine Person" in response.content.decode()
    assert Membership.objects.get(pk=own.pk).is_admin


def test_admin_hands_over_and_then_may_leave(client: Client) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    member = Membership.objects.create(user=citizen("max@example.org"), organisation=org)
    client.force_login(admin)
    client.post(reverse("accounts:member_admin", args=[org.pk, member.pk]), {"verwaltet": "ja"})
    assert Membership.objects.get(pk=member.pk).is_admin
    own = Membership.objects.get(user=admin)
    assert client.post(reverse("accounts:member_remove", args=[org.pk, own.pk])).status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_acting_for_an_organisation_is_kept_in_the_session_while_a_member(client: Client) -> None:
    user = citizen()
    org = services.organisation_create(actor=user, data=ORG)
    client.force_login(user)
    response = client.post(reverse("accounts:acting_for"), {"organisation": str(org.pk)}, follow=True)
    assert "im Namen von „Bäckerei Beispiel GmbH“" in response.content.decode()

    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    assert acting_for(request) == org
    Membership.objects.filter(user=user).delete()
    assert acting_for(request) is None

    client.post(reverse("accounts:acting_for"), {"organisation": ""})
    request.session = client.session
    assert acting_for(request) is None


def test_acting_for_a_foreign_organisation_is_refused(client: Client) -> None:
    other = services.organisation_create(actor=citizen("fremd@example.org"), data=ORG)
    user = citizen()
    client.force_login(user)
    response = client.post(reverse("accounts:acting_for"), {"organisation": str(other.pk)}, follow=True)
    assert "bei der Sie Mitglied sind" in response.content.decode()
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    assert acting_for(request) is None


def test_a_forwarded_invitation_does_not_make_someone_else_a_member(client: Client) -> None:
    admin = citizen()
    org = services.organisation_create(actor=admin, data=ORG)
    services.invitation_send(
        actor=admin,
        organisation=org,
        email="max@example.org",
        absolute=lambda path: f"http://testserver{path}",
    )
    client.force_login(citizen("jemand.anders@example.org"))
    response = client.post(last_link("max@example.org"))
    assert response.status_code == 400
    assert "andere E-Mail-Adresse" in response.content.decode()
    assert Membership.objects.filter(organisation=org).count() == 1


def test_a_member_may_leave_on_their_own(client: Client) -> None:
    org = services.organisation_create(actor=citizen(), data=ORG)
    member = Membership.objects.create(user=citizen("max@example.org"), organisation=org)
    client.force_login(member.user)
    response = client.post(reverse("accounts:member_remove", args=[org.pk, member.pk]))
    assert response["Location"] == reverse("accounts:overview")
    assert not Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000])
def test_superscript_or_endless_digits_as_organisation_are_explained_not_a_500(value: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(citizen())
    response = client.post(reverse("accounts:acting_for"), {"organisation": value}, follow=True)
    assert response.status_code == 200
    assert "bei der Sie Mitglied sind" in response.content.decode()
