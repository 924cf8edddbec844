"""Reads of accounts and organisations. Views and later apps (forms, cases) read through these."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from amtsweg.access.login import ACTING_FOR_SESSION_KEY
from amtsweg.accounts.models import Membership, Organisation, User
from amtsweg.tenants.models import Authority


def municipalities() -> QuerySet[Authority]:
    """The towns and municipalities of the Kreis, for the place of residence in the profile."""
    return Authority.objects.filter(
        parent__ags=settings.AMTSWEG_KREIS_AGS,
        kind__in=[Authority.Kind.STADT, Authority.Kind.GEMEINDE],
    ).order_by("short_name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def organisation_for_member(user: User, pk: int) -> Membership | None:
    """The membership of ``user`` in organisation ``pk``, or ``None`` when not a member."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation_id=pk).select_related("organisation").first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-is_admin", "user__last_name", "user_id")


def organisation_open_invitations(organisation: Organisation) -> list[str]:
    return list(
        organisation.invitations.filter(accepted_at__isnull=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def acting_for(request: HttpRequest) -> Organisation | None:
    """The organisation the logged-in person currently acts for ("Im Namen von"), or ``None`` for themselves.

    Forms read this when a submission is made; it is checked against the memberships on every call, so a
    removed member no longer acts for the organisation.
    """
    user = request.user
    pk = request.session.get(ACTING_FOR_SESSION_KEY)
    if pk is None or not user.is_authenticated:
        return None
    membership = organisation_for_member(user, int(pk))
    return membership.organisation if membership is not None else None


@dataclass(frozen=True)
class Profile:
    """What forms may prefill about the person logged in."""

    first_name: str
    last_name: str
    email: str
    street: str
    postcode: str
    city: str
    municipality: Authority | None


def profile_of(user: User) -> Profile:
    return Profile(
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        street=user.street,
        postcode=user.postcode,
        city=user.city,
        municipality=user.municipality,
    )
