"""Pages of citizen and company accounts: register, log in and out, reset the password, "Mein Konto"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtsweg.access.login import (
    ACTING_FOR_SESSION_KEY,
    client_ip,
    login_complete,
    safe_next,
    second_factor_begin,
)
from amtsweg.accounts import selectors, services
from amtsweg.accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    InvitationForm,
    LoginForm,
    OrganisationForm,
    ProfileForm,
    RegistrationForm,
    ResetRequestForm,
    SetPasswordForm,
)
from amtsweg.accounts.hooks import account_notices
from amtsweg.accounts.models import Membership, User
from amtsweg.core.text import is_index

GET_POST = ["GET", "HEAD", "POST"]


def _citizen(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.kind != User.Kind.CITIZEN:
        raise PermissionDenied(_("Diese Seite gibt es nur für Bürgerkonten."))
    return user


# Links from e-mails carry a token in the path. Opening one stores the token in the session and redirects to
# the same page with this placeholder, so the token appears in at most one request line (which the access log
# redacts, see amtsweg.core.logredact), never in the page's address, the browser history or a Referer.
LINK_PLACEHOLDER = "-"
TokenView = Callable[[HttpRequest, str], HttpResponse]


def _token_from_session(url_name: str) -> Callable[[TokenView], TokenView]:
    key = f"amtsweg.link.{url_name}"

    def decorate(view: TokenView) -> TokenView:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str) -> HttpResponse:
            if token != LINK_PLACEHOLDER:
                if request.method in ("GET", "HEAD"):
                    request.session[key] = token
                    return redirect(f"accounts:{url_name}", LINK_PLACEHOLDER)
                return view(request, token)
            stored = request.session.get(key)
            if not isinstance(stored, str) or not stored:
                return _link_error(
                    request,
                    services.LinkInvalid(
                        _(
                            "Dieser Link ist ungültig oder wurde schon verwendet. Bitte öffnen Sie den Link "
                            "aus der E-Mail noch einmal."
                        )
                    ),
                )
            response = view(request, stored)
            if request.method == "POST" and response.status_code in (301, 302, 303):
                request.session.pop(key, None)  # used: the next visit needs the e-mail again
            return response

        return wrapper

    return decorate


def _link_error(request: HttpRequest, error: services.AccountError) -> HttpResponse:
    return render(
        request,
        "accounts/link_error.html",
        {"message": error.message, "expired": isinstance(error, services.LinkExpired)},
        status=400,
    )


# --- registration --------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@require_http_methods(GET_POST)
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:overview")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                absolute=request.build_absolute_uri,
                ip=client_ip(request),
            )
        except services.Throttled as error:
            form.add_error(None, error.message)
            return render(request, "accounts/register.html", {"form": form}, status=429)
        except ValidationError as error:
            form.add_error(None, services.validation_message(error))
        else:
            return redirect("accounts:register_sent")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@require_safe
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html")


@require_http_methods(GET_POST)
@_token_from_session("verify")
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links do not use them up."""
    try:
        if request.method == "POST":
            services.email_verify(token=token)
            messages.success(
                request, _("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.")
            )
            return redirect("accounts:login")
        user, _extra = services.link_token_read(services.PURPOSE_VERIFY, token)
        if user.email_verified_at is not None:
            raise services.LinkInvalid(_("Dieser Link ist ungültig oder wurde schon verwendet."))
    except services.AccountError as error:
        return _link_error(request, error)
    return render(request, "accounts/verify.html")


# --- login and logout ----------------------------------------------------------------------------


def _second_factor_url(next_url: str) -> str | None:
    try:
        url = reverse("access:otp_verify")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method != "POST":
        home = (
            "accounts:overview" if getattr(request.user, "kind", "") == User.Kind.CITIZEN else "portal:home"
        )
        return HttpResponseRedirect(next_url or reverse(home))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                absolute=request.build_absolute_uri,
            )
        except services.Throttled as error:
            form.add_error(None, error.message)
            return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=429)
        except services.LoginFailed as error:
            form.add_error(None, error.message)
        else:
            if user.kind == User.Kind.STAFF or user.is_superuser:
                target = _second_factor_url(next_url)
                if target is None:
                    # Never without the second factor: no verification page, no staff login.
                    form.add_error(
                        None,
                        _(
                            "Die Anmeldung für Beschäftigte ist im Moment nicht möglich, weil die Prüfung "
                            "des zweiten Faktors fehlt. Bitte wenden Sie sich an die Administration."
                        ),
                    )
                    return render(
                        request, "accounts/login.html", {"form": form, "next": next_url}, status=503
                    )
                second_factor_begin(request, user)
                return HttpResponseRedirect(target)
            login_complete(request, user)
            return HttpResponseRedirect(next_url or reverse("accounts:overview"))
    status = 400 if form.is_bound else 200
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Sie sind abgemeldet."))
    return redirect("portal:home")


# --- password reset ------------------------------------------------------------------------------


@require_http_methods(GET_POST)
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], ip=client_ip(request), absolute=request.build_absolute_uri
            )
        except services.Throttled as error:
            form.add_error(None, error.message)
            return render(request, "accounts/reset_request.html", {"form": form}, status=429)
        return redirect("accounts:reset_sent")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/reset_request.html", {"form": form}, status=status)


@require_safe
def reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/reset_sent.html", {"minutes": settings.AMTSWEG_PASSWORD_RESET_MINUTES})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(GET_POST)
@_token_from_session("reset_confirm")
def reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, _extra = services.link_token_read(services.PURPOSE_RESET, token)
    except services.AccountError as error:
        return _link_error(request, error)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(token=token, password=form.cleaned_data["password1"])
        except services.AccountError as error:
            return _link_error(request, error)
        messages.success(request, _("Ihr neues Passwort ist gespeichert. Bitte melden Sie sich damit an."))
        return redirect("accounts:login")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/reset_confirm.html", {"form": form}, status=status)


# --- Mein Konto ----------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    return render(
        request,
        "accounts/overview.html",
        {
            "profile": selectors.profile_of(user),
            "memberships": selectors.memberships_of(user),
            "acting_for": selectors.acting_for(request),
            "notices": account_notices(user),
        },
    )


@login_required
@require_http_methods(GET_POST)
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = ProfileForm(request.POST or None, instance=user, municipalities=selectors.municipalities())
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, user=user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, services.validation_message(error))
        else:
            messages.success(request, _("Ihre Angaben sind gespeichert."))
            return redirect("accounts:overview")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@login_required
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def email_change(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = EmailChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(
                actor=user,
                user=user,
                new_email=form.cleaned_data["email"],
                absolute=request.build_absolute_uri,
            )
        except services.AccountError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Wir haben einen Link an die neue Adresse geschickt. Bis Sie ihn öffnen, gilt Ihre "
                    "bisherige Adresse."
                ),
            )
            return redirect("accounts:overview")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/email_change.html", {"form": form}, status=status)


@require_http_methods(GET_POST)
@_token_from_session("email_confirm")
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            services.email_change_confirm(token=token)
            messages.success(request, _("Ihre neue E-Mail-Adresse ist bestätigt und gespeichert."))
            return redirect("accounts:overview" if request.user.is_authenticated else "accounts:login")
        _user, new_email = services.link_token_read(services.PURPOSE_EMAIL_CHANGE, token)
    except services.AccountError as error:
        return _link_error(request, error)
    return render(request, "accounts/email_confirm.html", {"new_email": new_email})


@login_required
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(actor=user, user=user, password=form.cleaned_data.get("password"))
        except services.AccountError as error:
            on_password = "password" in form.fields and "Passwort" in error.message
            form.add_error("password" if on_password else None, error.message)
        else:
            logout(request)
            messages.success(request, _("Ihr Konto ist gelöscht. Auf Wiedersehen!"))
            return redirect("portal:home")
    context: dict[str, Any] = {
        "form": form,
        "blocking": services.organisations_blocking_deletion(user),
        "memberships": selectors.memberships_of(user),
    }
    status = 400 if form.is_bound else 200
    return render(request, "accounts/delete.html", context, status=status)


# --- organisations -------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=user, data=form.cleaned_data)
        messages.success(request, _("Das Organisationskonto ist angelegt. Sie verwalten es."))
        return redirect("accounts:organisation", pk=organisation.pk)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/organisation_form.html", {"form": form}, status=status)


def _membership(request: HttpRequest, pk: int) -> Membership:
    membership = selectors.organisation_for_member(_citizen(request), pk)
    if membership is None:
        raise Http404
    return membership


@login_required
@require_http_methods(GET_POST)
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    organisation = membership.organisation
    form = OrganisationForm(request.POST or None, instance=organisation) if membership.is_admin else None
    invite_form = InvitationForm(prefix="einladung") if membership.is_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.organisation_update(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
            messages.success(request, _("Die Angaben der Organisation sind gespeichert."))
            return redirect("accounts:organisation", pk=pk)
    return _organisation_page(request, membership, form, invite_form)


def _organisation_page(
    request: HttpRequest,
    membership: Membership,
    form: OrganisationForm | None,
    invite_form: InvitationForm | None,
) -> HttpResponse:
    organisation = membership.organisation
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "invitations": selectors.organisation_open_invitations(organisation) if membership.is_admin else [],
        "form": form,
        "invite_form": invite_form,
    }
    bound = (form is not None and form.is_bound) or (invite_form is not None and invite_form.is_bound)
    return render(request, "accounts/organisation_detail.html", context, status=400 if bound else 200)


@login_required
@require_POST
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    if not membership.is_admin:
        raise PermissionDenied
    invite_form = InvitationForm(request.POST, prefix="einladung")
    if invite_form.is_valid():
        services.invitation_send(
            actor=request.user,
            organisation=membership.organisation,
            email=invite_form.cleaned_data["email"],
            absolute=request.build_absolute_uri,
        )
        messages.success(request, _("Die Einladung ist verschickt."))
        return redirect("accounts:organisation", pk=pk)
    form = OrganisationForm(instance=membership.organisation)
    return _organisation_page(request, membership, form, invite_form)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    target = get_object_or_404(Membership, pk=member_pk, organisation_id=pk)
    try:
        services.membership_remove(actor=request.user, membership=target)
    except services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Das Mitglied ist entfernt."))
    if target.user_id == request.user.pk and not Membership.objects.filter(pk=membership.pk).exists():
        return redirect("accounts:overview")
    return redirect("accounts:organisation", pk=pk)


@login_required
@require_POST
def member_admin(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    _membership(request, pk)
    target = get_object_or_404(Membership, pk=member_pk, organisation_id=pk)
    try:
        services.membership_set_admin(
            actor=request.user, membership=target, is_admin=request.POST.get("verwaltet") == "ja"
        )
    except services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Rechte sind geändert."))
    return redirect("accounts:organisation", pk=pk)


@require_http_methods(GET_POST)
@_token_from_session("invitation")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_read(token)
    except services.AccountError as error:
        return _link_error(request, error)
    if not request.user.is_authenticated:
        return render(request, "accounts/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except services.AccountError as error:
            return _link_error(request, error)
        messages.success(
            request, _("Sie sind jetzt Mitglied von „%(name)s“.") % {"name": membership.organisation.name}
        )
        return redirect("accounts:organisation", pk=membership.organisation_id)
    return render(request, "accounts/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def acting_for_choose(request: HttpRequest) -> HttpResponse:
    """Choose "Im Namen von": oneself (empty value) or an organisation one is a member of."""
    user = _citizen(request)
    value = request.POST.get("organisation", "")
    if not value:
        request.session.pop(ACTING_FOR_SESSION_KEY, None)
        messages.success(request, _("Sie handeln jetzt in eigenem Namen."))
        return redirect("accounts:overview")
    membership = selectors.organisation_for_member(user, int(value)) if is_index(value) else None
    if membership is None:
        messages.error(request, _("Bitte wählen Sie eine Organisation, bei der Sie Mitglied sind."))
        return redirect("accounts:overview")
    request.session[ACTING_FOR_SESSION_KEY] = membership.organisation_id
    messages.success(
        request, _("Sie handeln jetzt im Namen von „%(name)s“.") % {"name": membership.organisation.name}
    )
    return redirect("accounts:overview")
