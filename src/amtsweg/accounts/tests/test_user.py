"""The user model: one e-mail address, one account; staff belong to an authority."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from amtsweg.accounts.models import User
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


def test_an_email_address_belongs_to_one_account_regardless_of_case() -> None:
    User.objects.create_user("erste", email="Maria.Muster@example.org", password="x" * 16)
    second = User(username="zweite", email="maria.muster@EXAMPLE.org")
    second.set_password("y" * 16)
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "Zu dieser E-Mail-Adresse gibt es bereits ein Konto." in str(excinfo.value)


def test_accounts_without_email_do_not_collide() -> None:
    User.objects.create_user("ohne1", password="x" * 16)
    User.objects.create_user("ohne2", password="x" * 16)
    assert User.objects.filter(email="").count() == 2


def test_staff_account_names_its_authority() -> None:
    kreis = Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )
    clerk = User.objects.create_user(
        "sachbearbeitung", password="x" * 16, kind=User.Kind.STAFF, authority=kreis, is_staff=True
    )
    assert clerk.is_staff_account
    assert list(kreis.staff.all()) == [clerk]
