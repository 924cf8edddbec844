"""Writes to citizen and company accounts. Views call these functions and nothing else to change data.

Every function checks that the actor may do what is asked, changes the data inside one transaction and
writes an audit entry. Audit entries name accounts only by an anonymous reference (``konto-<id>``), never
by name or e-mail address, so that a deleted account leaves no personal data in the audit trail.

Links sent by e-mail (confirm address, new password, change of address) are signed with Django's
signing machinery, expire after the configured time and carry a fingerprint of the account state they
change, so each link works once: after use the fingerprint no longer matches.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from amtsweg.accounts.models import Invitation, LoginAttempt, Membership, Organisation, User
from amtsweg.core.audit import audit_record

# Builds an absolute URL (with scheme and host) from a path; views pass ``request.build_absolute_uri``.
AbsoluteUrl = Callable[[str], str]


class AccountError(Exception):
    """A request that cannot be fulfilled; ``message`` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LinkInvalid(AccountError):
    pass


class LinkExpired(AccountError):
    pass


class Throttled(AccountError):
    pass


class LoginFailed(AccountError):
    pass


def account_ref(user: User) -> str:
    """The anonymous reference under which the audit trail names an account."""
    return f"konto-{user.pk}"


def _audit(actor: Any, action: str, user: User | None = None, **changes: Any) -> None:
    if user is not None:
        changes = {"konto": account_ref(user), **changes}
    audit_record(actor=actor, action=action, changes=changes, source="Konto")


# --- signed links --------------------------------------------------------------------------------

PURPOSE_VERIFY = "verify"
PURPOSE_RESET = "reset"
PURPOSE_EMAIL_CHANGE = "email-change"
PURPOSE_INVITATION = "invitation"


def _fingerprint(purpose: str, user: User, extra: str) -> str:
    state = f"{user.pk}|{user.email}|{user.email_verified_at}|{user.password}|{user.is_active}|{extra}"
    return salted_hmac(f"amtsweg.accounts.{purpose}", state, algorithm="sha256").hexdigest()[:32]


def link_token_make(purpose: str, user: User, extra: str = "") -> str:
    payload = {"u": user.pk, "f": _fingerprint(purpose, user, extra), "x": extra}
    return signing.dumps(payload, salt=f"amtsweg.accounts.{purpose}", compress=True)


def _link_lifetime(purpose: str) -> timedelta:
    if purpose == PURPOSE_RESET:
        return timedelta(minutes=settings.AMTSWEG_PASSWORD_RESET_MINUTES)
    return timedelta(hours=settings.AMTSWEG_EMAIL_VERIFICATION_HOURS)


def _as_id(value: Any) -> int:
    """A primary key from signed data; anything else becomes an id no row has."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def link_token_read(purpose: str, token: str) -> tuple[User, str]:
    """The account and extra value of a link; raises :class:`LinkExpired` or :class:`LinkInvalid`."""
    invalid = LinkInvalid(_("Dieser Link ist ungültig oder wurde schon verwendet."))
    try:
        payload = signing.loads(token, salt=f"amtsweg.accounts.{purpose}", max_age=_link_lifetime(purpose))
    except signing.SignatureExpired as exc:
        raise LinkExpired(_("Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen Link an.")) from exc
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(payload, dict):
        raise invalid
    user = User.objects.filter(pk=_as_id(payload.get("u")), deleted_at__isnull=True).first()
    extra = str(payload.get("x", ""))
    if user is None or payload.get("f") != _fingerprint(purpose, user, extra):
        raise invalid
    return user, extra


def _send(template: str, to: str, context: dict[str, Any]) -> None:
    context = {"site_name": settings.AMTSWEG_SITE_NAME, **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


# --- throttling ----------------------------------------------------------------------------------


def _attempt_key(value: str) -> str:
    return salted_hmac("amtsweg.accounts.attempt", value.strip().lower(), algorithm="sha256").hexdigest()


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.AMTSWEG_LOGIN_WINDOW_MINUTES)


@dataclass(frozen=True)
class ThrottleRule:
    scope: str
    value: str
    limit: int


def _login_rules(identifier: str, ip: str) -> list[ThrottleRule]:
    return [
        ThrottleRule(LoginAttempt.Scope.ACCOUNT, identifier, settings.AMTSWEG_LOGIN_MAX_FAILURES_ACCOUNT),
        ThrottleRule(LoginAttempt.Scope.IP, ip, settings.AMTSWEG_LOGIN_MAX_FAILURES_IP),
    ]


def _reset_rules(email: str, ip: str) -> list[ThrottleRule]:
    return [
        ThrottleRule(LoginAttempt.Scope.RESET_ACCOUNT, email, 3),
        ThrottleRule(LoginAttempt.Scope.RESET_IP, ip, settings.AMTSWEG_LOGIN_MAX_FAILURES_IP),
    ]


def _throttled(rules: list[ThrottleRule], since: Any = None) -> bool:
    since = since or _window_start()
    return any(
        LoginAttempt.objects.filter(
            scope=rule.scope, key=_attempt_key(rule.value), attempted_at__gte=since
        ).count()
        >= rule.limit
        for rule in rules
        if rule.value
    )


def _longest_window() -> timedelta:
    api = rate_parse(settings.AMTSWEG_API_ANON_RATE)
    return max(
        timedelta(minutes=settings.AMTSWEG_LOGIN_WINDOW_MINUTES), timedelta(seconds=api[1] if api else 0)
    )


def _attempts_record(rules: list[ThrottleRule]) -> None:
    now = timezone.now()
    # Old rows are no use to anyone; the table stays as small as the longest window.
    LoginAttempt.objects.filter(attempted_at__lt=now - _longest_window()).delete()
    LoginAttempt.objects.bulk_create(
        LoginAttempt(scope=rule.scope, key=_attempt_key(rule.value), attempted_at=now)
        for rule in rules
        if rule.value
    )


def resume_link_allowance_take(*, email: str, ip: str) -> bool:
    """May one more resume link of a draft be e-mailed to ``email`` at the request of ``ip``? Records it
    when yes. At most 3 per address and ``AMTSWEG_LOGIN_MAX_FAILURES_IP`` per client address within
    ``AMTSWEG_LOGIN_WINDOW_MINUTES`` – so nobody can flood someone else's mailbox through the form."""
    rules = [
        ThrottleRule(LoginAttempt.Scope.RESUME_ADDRESS, email, 3),
        ThrottleRule(LoginAttempt.Scope.RESUME_IP, ip, settings.AMTSWEG_LOGIN_MAX_FAILURES_IP),
    ]
    if _throttled(rules):
        return False
    _attempts_record(rules)
    return True


def rate_parse(rate: str) -> tuple[int, int] | None:
    """``"60/m"`` → (60, 60): requests and seconds; ``None`` for an empty rate (no limit)."""
    if not rate.strip():
        return None
    count, _slash, period = rate.strip().partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period.strip()[:1].lower())
    if not count.strip().isdecimal() or seconds is None:
        raise ValueError(f"Rate {rate!r}: erwartet wird z. B. 60/m")
    return int(count), seconds


def client_allowance_take(*, scope: str, value: str, limit: int, seconds: int) -> int:
    """Count one request of ``value`` (a client address) in ``scope``; 0 when it is within ``limit`` per
    ``seconds``, else the seconds until the next one is allowed (nothing recorded then).

    The count lives in the database, so every app server process shares it (check, then record: two
    requests at the same instant may both pass the last free place – a limit, not a ledger)."""
    since = timezone.now() - timedelta(seconds=seconds)
    rule = ThrottleRule(scope, value or "unbekannt", limit)
    if _throttled([rule], since):
        oldest = (
            LoginAttempt.objects.filter(scope=scope, key=_attempt_key(rule.value), attempted_at__gte=since)
            .order_by("attempted_at")
            .values_list("attempted_at", flat=True)
            .first()
        )
        wait = (oldest + timedelta(seconds=seconds) - timezone.now()).total_seconds() if oldest else seconds
        return max(1, int(wait) + 1)
    _attempts_record([rule])
    return 0


MAILS_PER_ADDRESS = 3


def _mail_allowance_take(address_scope: str, ip_scope: str, email: str, ip: str) -> bool:
    rules = [ThrottleRule(address_scope, email, MAILS_PER_ADDRESS)]
    if settings.AMTSWEG_MAILS_PER_CLIENT:
        rules.append(ThrottleRule(ip_scope, ip or "unbekannt", settings.AMTSWEG_MAILS_PER_CLIENT))
    if _throttled(rules):
        return False
    _attempts_record(rules)
    return True


def confirmation_allowance_take(*, email: str, ip: str) -> bool:
    """May the confirmation of an application made without an account be e-mailed to ``email``
    (submitted from ``ip``)? Records it when yes. At most 3 per address and ``AMTSWEG_MAILS_PER_CLIENT``
    per client address within ``AMTSWEG_LOGIN_WINDOW_MINUTES``: a form without login must not become a
    way to send mail to anyone. ``ip`` empty: a call from inside (demo data, a command) – not limited."""
    if not ip:
        return True
    return _mail_allowance_take(
        LoginAttempt.Scope.CONFIRMATION_ADDRESS, LoginAttempt.Scope.CONFIRMATION_IP, email, ip
    )


def _throttle_message() -> str:
    return _(
        "Zu viele Versuche in kurzer Zeit. Aus Sicherheitsgründen ist die Anmeldung vorübergehend gesperrt. "
        "Bitte warten Sie %(minutes)d Minuten und versuchen Sie es dann erneut."
    ) % {"minutes": settings.AMTSWEG_LOGIN_WINDOW_MINUTES}


# --- registration and login ----------------------------------------------------------------------


def _user_by_email(email: str) -> User | None:
    if not email.strip():
        return None
    return User.objects.filter(email__iexact=email.strip(), deleted_at__isnull=True).first()


def _verification_send(user: User, absolute: AbsoluteUrl) -> None:
    token = link_token_make(PURPOSE_VERIFY, user)
    _send(
        "verify",
        user.email,
        {
            "user": user,
            "link": absolute(reverse("accounts:verify", args=[token])),
            "hours": settings.AMTSWEG_EMAIL_VERIFICATION_HOURS,
        },
    )


@transaction.atomic
def account_register(
    *, email: str, password: str, first_name: str, last_name: str, absolute: AbsoluteUrl, ip: str = ""
) -> None:
    """Create a citizen account and send the confirmation link.

    When the address already has an account, nothing is created; its owner gets a mail saying so.
    The person registering sees the same page either way (no enumeration of accounts). Registrations are
    limited to 3 per address and ``AMTSWEG_MAILS_PER_CLIENT`` per client address within the window
    (raises :class:`Throttled`), whether or not the address has an account: each one sends a mail.
    """
    email = email.strip()
    if not _mail_allowance_take(
        LoginAttempt.Scope.REGISTER_ADDRESS, LoginAttempt.Scope.REGISTER_IP, email, ip
    ):
        raise Throttled(_throttle_message())
    existing = _user_by_email(email)
    if existing is not None:
        make_password(password)  # the same work as for a new account, so timing reveals nothing
        _send("already_registered", existing.email, {"login": absolute(reverse("accounts:login"))})
        return
    user = User(
        username=f"b-{secrets.token_hex(8)}",
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=User.Kind.CITIZEN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    _audit(user, "accounts.user.registered", user)
    _verification_send(user, absolute)


@transaction.atomic
def email_verify(*, token: str) -> User:
    user, _extra = link_token_read(PURPOSE_VERIFY, token)
    if user.email_verified_at is not None:
        raise LinkInvalid(_("Dieser Link ist ungültig oder wurde schon verwendet."))
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    _audit(user, "accounts.user.email_verified", user)
    return user


def _login_lookup(identifier: str) -> str:
    """The user name behind an e-mail address or user name; unknown input stays as it is."""
    identifier = identifier.strip()
    if "@" in identifier:
        user = _user_by_email(identifier)
        return user.get_username() if user is not None else identifier
    return identifier


def login_check(*, identifier: str, password: str, ip: str, absolute: AbsoluteUrl) -> User:
    """Check the password of a login, throttled per login name and per IP address.

    Returns the account when the password is right; it is not logged in yet (see
    :mod:`amtsweg.access.login`). Raises :class:`Throttled` or :class:`LoginFailed` with the same
    message whether or not an account exists. The password hasher runs for unknown names too
    (Django's ModelBackend does that), so the answer takes as long.
    """
    from django.contrib.auth import authenticate

    rules = _login_rules(identifier, ip)
    if _throttled(rules):
        raise Throttled(_throttle_message())
    user = authenticate(None, username=_login_lookup(identifier), password=password)
    if not isinstance(user, User) or user.deleted_at is not None:
        with transaction.atomic():
            _attempts_record(rules)
        raise LoginFailed(_("E-Mail-Adresse oder Passwort stimmen nicht. Bitte prüfen Sie Ihre Eingabe."))
    if user.kind == User.Kind.CITIZEN and user.email_verified_at is None:
        # Whoever registered someone else's address knows the password: each login must not mail them.
        resend = [ThrottleRule(LoginAttempt.Scope.VERIFY_ACCOUNT, str(user.pk), MAILS_PER_ADDRESS)]
        if not _throttled(resend):
            _attempts_record(resend)
            _verification_send(user, absolute)
        raise LoginFailed(
            _(
                "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse. Wir haben Ihnen den Link dafür "
                "noch einmal geschickt."
            )
        )
    LoginAttempt.objects.filter(scope=LoginAttempt.Scope.ACCOUNT, key=_attempt_key(identifier)).delete()
    return user


# --- password reset ------------------------------------------------------------------------------


@transaction.atomic
def password_reset_request(*, email: str, ip: str, absolute: AbsoluteUrl) -> None:
    """Send a link to set a new password. Always the same answer to the person asking.

    To an address without an account we send a short mail saying so: the same amount of work and
    time for both cases, and the owner of the address learns that someone tried.
    """
    rules = _reset_rules(email, ip)
    if _throttled(rules):
        raise Throttled(_throttle_message())
    _attempts_record(rules)
    user = _user_by_email(email)
    if user is None or not user.is_active or not user.has_usable_password():
        _send("reset_unknown", email.strip(), {"register": absolute(reverse("accounts:register"))})
        return
    token = link_token_make(PURPOSE_RESET, user)
    _send(
        "reset",
        user.email,
        {
            "link": absolute(reverse("accounts:reset_confirm", args=[token])),
            "minutes": settings.AMTSWEG_PASSWORD_RESET_MINUTES,
        },
    )
    _audit(None, "accounts.user.reset_requested", user)


@transaction.atomic
def password_reset_complete(*, token: str, password: str) -> User:
    user, _extra = link_token_read(PURPOSE_RESET, token)
    user.set_password(password)
    if user.kind == User.Kind.CITIZEN and user.email_verified_at is None:
        # The link reached the mailbox, which proves the address as well.
        user.email_verified_at = timezone.now()
    user.save(update_fields=["password", "email_verified_at"])
    LoginAttempt.objects.filter(scope=LoginAttempt.Scope.ACCOUNT, key=_attempt_key(user.email)).delete()
    _audit(user, "accounts.user.password_reset", user)
    return user


# --- profile, e-mail, deletion -------------------------------------------------------------------


def _require_self(actor: Any, user: User) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk or user.deleted_at is not None:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))


PROFILE_FIELDS = ("first_name", "last_name", "street", "postcode", "city", "municipality")


@transaction.atomic
def profile_update(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    _require_self(actor, user)
    changed = [name for name in PROFILE_FIELDS if name in data and getattr(user, name) != data[name]]
    for name in changed:
        setattr(user, name, data[name])
    user.full_clean()
    if changed:
        user.save(update_fields=changed)
    _audit(actor, "accounts.user.profile_changed", user, felder=sorted(changed))
    return user


@transaction.atomic
def email_change_request(*, actor: Any, user: User, new_email: str, absolute: AbsoluteUrl) -> None:
    """Send a confirmation link to the new address; the address changes only when it is confirmed.

    If the new address belongs to another account, that address gets a mail saying so instead;
    the person changing sees the same answer either way.
    """
    _require_self(actor, user)
    if not user.has_usable_password():
        require_recent_login(user)
    new_email = new_email.strip()
    if _user_by_email(new_email) is not None:
        _send("email_taken", new_email, {})
        return
    token = link_token_make(PURPOSE_EMAIL_CHANGE, user, new_email)
    _send(
        "email_change",
        new_email,
        {
            "link": absolute(reverse("accounts:email_confirm", args=[token])),
            "hours": settings.AMTSWEG_EMAIL_VERIFICATION_HOURS,
        },
    )
    if user.email:
        _send("email_change_notice", user.email, {"new_email": new_email})
    _audit(actor, "accounts.user.email_change_requested", user)


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    user, new_email = link_token_read(PURPOSE_EMAIL_CHANGE, token)
    if _user_by_email(new_email) is not None:
        raise LinkInvalid(_("Diese E-Mail-Adresse gehört inzwischen zu einem anderen Konto."))
    user.email = new_email
    user.email_verified_at = timezone.now()
    user.full_clean()
    user.save(update_fields=["email", "email_verified_at"])
    _audit(user, "accounts.user.email_changed", user)
    return user


def organisations_blocking_deletion(user: User) -> list[Organisation]:
    """Organisations the account is the only admin of while others are members."""
    blocking = []
    for membership in user.memberships.filter(is_admin=True).select_related("organisation"):
        org = membership.organisation
        others = org.memberships.exclude(user=user)
        if others.exists() and not others.filter(is_admin=True).exists():
            blocking.append(org)
    return blocking


RECENT_LOGIN_MINUTES = 10


def require_recent_login(user: User) -> None:
    """Accounts of an external login (DeutschlandID, OIDC) have no password to ask for: instead, the last
    login must be at most ``RECENT_LOGIN_MINUTES`` ago before the e-mail address changes or the account
    is deleted."""
    if user.last_login is None or timezone.now() - user.last_login > timedelta(minutes=RECENT_LOGIN_MINUTES):
        raise AccountError(
            _(
                "Bitte melden Sie sich zur Sicherheit ab und erneut an (zum Beispiel mit der DeutschlandID) "
                "und wiederholen Sie diesen Schritt innerhalb von %(minutes)d Minuten."
            )
            % {"minutes": RECENT_LOGIN_MINUTES}
        )


@transaction.atomic
def account_delete(*, actor: Any, user: User, password: str | None) -> None:
    """Delete an account: personal data, memberships, external identities and login go; an anonymous row
    stays.

    The row stays (without name, address, e-mail address or password) because audit entries point at
    it and the audit chain must not change. Organisations whose only member this was are deleted too.
    Accounts with a password confirm with it; accounts of an external login by a recent login.
    """
    _require_self(actor, user)
    if user.has_usable_password():
        if not user.check_password(password or ""):
            raise AccountError(_("Das Passwort stimmt nicht. Ihr Konto wurde nicht gelöscht."))
    else:
        require_recent_login(user)
    blocking = organisations_blocking_deletion(user)
    if blocking:
        raise AccountError(
            _(
                "Sie verwalten als einzige Person die Organisation „%(name)s“. Bitte bestimmen Sie zuerst "
                "ein anderes Mitglied zur Verwaltung oder entfernen Sie die anderen Mitglieder."
            )
            % {"name": blocking[0].name}
        )
    for membership in list(user.memberships.select_related("organisation")):
        org = membership.organisation
        membership.delete()
        if not org.memberships.exists():
            _audit(user, "accounts.organisation.deleted", None, organisation=f"organisation-{org.pk}")
            org.delete()
    if user.email:
        Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    # The link to the DeutschlandID/OIDC identity goes too: a new login there starts a new, empty account.
    for identity in user.external_identities.all():
        identity.delete()
    user.username = f"geloescht-{secrets.token_hex(8)}"
    user.first_name = user.last_name = user.email = ""
    user.street = user.postcode = user.city = ""
    user.municipality = None
    user.email_verified_at = None
    user.set_unusable_password()
    user.is_active = False
    user.deleted_at = timezone.now()
    user.save()
    user.org_units.clear()
    _audit(user, "accounts.user.deleted", user)


# --- organisations -------------------------------------------------------------------------------


def _require_org_admin(actor: Any, organisation: Organisation) -> None:
    if not (
        getattr(actor, "is_authenticated", False)
        and Membership.objects.filter(user_id=actor.pk, organisation=organisation, is_admin=True).exists()
    ):
        raise PermissionDenied(_("Nur wer die Organisation verwaltet, darf das."))


@transaction.atomic
def organisation_create(*, actor: Any, data: dict[str, Any]) -> Organisation:
    if not getattr(actor, "is_authenticated", False) or actor.kind != User.Kind.CITIZEN:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
    organisation = Organisation(**data)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=actor, organisation=organisation, is_admin=True)
    _audit(actor, "accounts.organisation.created", actor, organisation=f"organisation-{organisation.pk}")
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    _require_org_admin(actor, organisation)
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    _audit(actor, "accounts.organisation.changed", actor, organisation=f"organisation-{organisation.pk}")
    return organisation


def _invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt="amtsweg.accounts.invitation")


@transaction.atomic
def invitation_send(
    *, actor: Any, organisation: Organisation, email: str, absolute: AbsoluteUrl
) -> Invitation:
    _require_org_admin(actor, organisation)
    invitation = Invitation(organisation=organisation, email=email.strip(), invited_by=actor)
    invitation.full_clean()
    invitation.save()
    _send(
        "invitation",
        invitation.email,
        {
            "organisation": organisation,
            "link": absolute(reverse("accounts:invitation", args=[_invitation_token(invitation)])),
            "days": settings.AMTSWEG_INVITATION_DAYS,
        },
    )
    _audit(actor, "accounts.organisation.invited", actor, organisation=f"organisation-{organisation.pk}")
    return invitation


def invitation_read(token: str) -> Invitation:
    try:
        payload = signing.loads(
            token,
            salt="amtsweg.accounts.invitation",
            max_age=timedelta(days=settings.AMTSWEG_INVITATION_DAYS),
        )
    except signing.SignatureExpired as exc:
        raise LinkExpired(
            _("Diese Einladung ist abgelaufen. Bitten Sie die Organisation um eine neue Einladung.")
        ) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(_("Diese Einladung ist ungültig oder wurde schon angenommen.")) from exc
    invitation = (
        Invitation.objects.filter(pk=_as_id(payload.get("i") if isinstance(payload, dict) else None))
        .select_related("organisation")
        .first()
    )
    if invitation is None or invitation.accepted_at is not None:
        raise LinkInvalid(_("Diese Einladung ist ungültig oder wurde schon angenommen."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: Any, token: str) -> Membership:
    """Join the organisation with the account that is logged in; it must have the invited address."""
    invitation = invitation_read(token)
    if not getattr(actor, "is_authenticated", False) or actor.kind != User.Kind.CITIZEN:
        raise PermissionDenied(_("Bitte melden Sie sich mit einem Bürgerkonto an."))
    if actor.email.strip().lower() != invitation.email.strip().lower():
        # A forwarded link does not make someone else a member.
        raise AccountError(
            _(
                "Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie sich mit dem Konto "
                "an, an dessen Adresse die Einladung geschickt wurde."
            )
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, _created = Membership.objects.get_or_create(user=actor, organisation=invitation.organisation)
    _audit(
        actor,
        "accounts.organisation.joined",
        actor,
        organisation=f"organisation-{invitation.organisation_id}",
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    organisation = membership.organisation
    if not (getattr(actor, "is_authenticated", False) and actor.pk == membership.user_id):
        _require_org_admin(actor, organisation)  # members may leave; only admins remove others
    others = organisation.memberships.exclude(pk=membership.pk)
    if membership.is_admin and not others.filter(is_admin=True).exists():
        raise AccountError(_("Eine Organisation braucht mindestens eine Person, die sie verwaltet."))
    removed = membership.user
    membership.delete()
    _audit(
        actor, "accounts.organisation.member_removed", removed, organisation=f"organisation-{organisation.pk}"
    )


@transaction.atomic
def membership_set_admin(*, actor: Any, membership: Membership, is_admin: bool) -> None:
    organisation = membership.organisation
    _require_org_admin(actor, organisation)
    if not is_admin and not organisation.memberships.exclude(pk=membership.pk).filter(is_admin=True).exists():
        raise AccountError(_("Eine Organisation braucht mindestens eine Person, die sie verwaltet."))
    membership.is_admin = is_admin
    membership.save(update_fields=["is_admin"])
    _audit(
        actor,
        "accounts.organisation.admin_changed",
        membership.user,
        organisation=f"organisation-{organisation.pk}",
        verwaltet=is_admin,
    )


def validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)
