"""Demo citizen and company logins, for ``amtsweg demo`` (refused in production).

A citizen of Dülmen with a confirmed address and profile, and a company member who acts for a
small demo company that the citizen administers. Log in with the e-mail address and the demo password.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amtsweg.accounts import services
from amtsweg.accounts.models import Membership, Organisation, User
from amtsweg.tenants.models import Authority

DEMO_CITIZEN = "buergerin@amtsweg.example"
DEMO_COMPANY_MEMBER = "firma@amtsweg.example"
DEMO_COMPANY = "Demo-Bäckerei Beispiel GmbH"

DEMO_CITIZEN_LOGINS: tuple[tuple[str, str], ...] = (
    (DEMO_CITIZEN, gettext_noop("Bürgerin aus Dülmen; verwaltet das Organisationskonto der Demo-Bäckerei")),
    (DEMO_COMPANY_MEMBER, gettext_noop("Mitglied des Organisationskontos der Demo-Bäckerei")),
)


def demo_citizen_logins(password: str) -> list[tuple[str, str, str]]:
    """(login, password, description) of the demo citizens, for ``amtsweg demo`` to print."""
    return [(email, password, _(description)) for email, description in DEMO_CITIZEN_LOGINS]


def _citizen(email: str, first_name: str, password: str, counts: Counter[str]) -> User:
    user = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
    if user is not None:
        return user
    duelmen = Authority.objects.filter(slug="duelmen").first()
    user = User.objects.create_user(
        f"demo-{email.split('@')[0]}",
        email,
        password,
        first_name=first_name,
        last_name="Beispiel",
        street="Marktstraße 1",
        postcode="48249",
        city="Dülmen",
        municipality=duelmen,
        email_verified_at=timezone.now(),
    )
    counts["citizens_created"] += 1
    return user


def demo_citizens_ensure(password: str) -> Counter[str]:
    """Create the demo citizen, the company member and their organisation if missing."""
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured(_("Die Demo-Zugänge werden in der Produktionsumgebung nicht angelegt."))
    counts: Counter[str] = Counter()
    admin = _citizen(DEMO_CITIZEN, "Erika", password, counts)
    member = _citizen(DEMO_COMPANY_MEMBER, "Max", password, counts)
    organisation = Organisation.objects.filter(name=DEMO_COMPANY, memberships__user=admin).first()
    if organisation is None:
        organisation = services.organisation_create(
            actor=admin,
            data={"name": DEMO_COMPANY, "street": "Marktstraße 3", "postcode": "48249", "city": "Dülmen"},
        )
        counts["organisations_created"] += 1
    if not Membership.objects.filter(user=member, organisation=organisation).exists():
        Membership.objects.create(user=member, organisation=organisation, is_admin=False)
        counts["members_added"] += 1
    return counts
