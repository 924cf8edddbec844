"""Second factor for staff: verify at login, set up an authenticator, recovery codes, reset."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access import services, twofactor
from amtsweg.access.forms import CodeForm, PasswordAgainForm, ResetForm, SetupCodeForm, SetupWithPasswordForm
from amtsweg.access.models import ApprovalRequest
from amtsweg.access.permissions import Perm, has_any
from amtsweg.core.audit import audit_record
from amtsweg.core.clients import client_address


def _client_address(request: HttpRequest) -> str:
    return client_address(request)


def _verified_staff(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_authenticated and twofactor.needs_second_factor(user) and user.is_verified())


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    """No (valid) pending login: explain and offer the login again."""
    return render(request, "access/otp_restart.html", {"message": message}, status=400)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of a staff login: a code from the authenticator app or a recovery code."""
    user = twofactor.pending_login(request)
    if user is None:
        return _restart(request, _("Die Anmeldung ist abgelaufen oder wurde nicht begonnen."))
    next_url = twofactor.safe_next(request, request.POST.get("next") or request.GET.get("next"), user)
    if not django_otp.user_has_device(user):
        return redirect(_with_next("access:otp_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device, throttled = _matching_device(user, form.cleaned_data["code"])
            if device is not None:
                twofactor.staff_login_complete(request, user, device)
                audit_record(
                    actor=user,
                    action="access.login.second_factor",
                    obj=user,
                    changes={"device": device.__class__.__name__},
                    authority_id=getattr(user, "authority_id", None),
                    source=_client_address(request),
                )
                return redirect(next_url)
        if twofactor.attempt_failed(request):
            return _restart(
                request,
                _("Der Code war zu oft falsch. Bitte melden Sie sich noch einmal mit Ihrem Passwort an."),
            )
        form.add_error(
            "code",
            _("Bitte warten Sie einige Sekunden und geben Sie dann den aktuellen Code ein.")
            if throttled
            else _("Der Code stimmt nicht oder ist abgelaufen. Bitte versuchen Sie es erneut."),
        )
    context = {"form": form, "next": next_url}
    return render(request, "access/otp_verify.html", context, status=400 if form.errors else 200)


def _matching_device(user: Any, code: str) -> tuple[Any, bool]:
    """The confirmed device that accepts ``code`` (a recovery code is used up by this), and whether
    a device refused to check because of recent wrong codes (django-otp's throttling, in the database)."""
    throttled = False
    for device in django_otp.devices_for_user(user, for_verify=True):
        allowed, _info = device.verify_is_allowed()
        throttled = throttled or not allowed
        if allowed and not twofactor.device_refused(device) and device.verify_token(code):
            return device, False
    return None, throttled


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address (issuer from OTP_TOTP_ISSUER) as inline SVG, without script."""
    qr = segno.make(device.config_url, error="m")
    # The surrounding element names the image for screen readers (role="img", aria-label).
    return str(qr.svg_inline(scale=5, dark="#000", light="#fff"))


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: right after the password step (no factor yet) or later, logged in."""
    forced = not _verified_staff(request)
    if not forced:
        user: Any = request.user
    else:
        user = twofactor.pending_login(request)
        if user is None:
            return _restart(request, _("Die Anmeldung ist abgelaufen oder wurde nicht begonnen."))
    next_url = twofactor.safe_next(request, request.POST.get("next") or request.GET.get("next"), user)
    if forced and django_otp.user_has_device(user):
        # Whoever has a factor must use it; setting up another one needs a reset by a colleague.
        return redirect(_with_next("access:otp_verify", next_url))
    device = TOTPDevice.objects.filter(
        pk=request.session.get(twofactor.SETUP_DEVICE_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[twofactor.SETUP_DEVICE_KEY] = device.pk
    # Logged in with a factor already: replacing it asks for the password again (the forced setup right
    # after the password step does not).
    form = (
        SetupCodeForm(request.POST or None)
        if forced
        else SetupWithPasswordForm(request.POST if request.method == "POST" else None, user=user)
    )
    if request.method == "POST" and not forced and form.has_error("password"):
        _password_refused(request, user, "access.second_factor.set_up")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.totp_device_confirm(user=user, device=device, source=_client_address(request))
            request.session.pop(twofactor.SETUP_DEVICE_KEY, None)
            if forced:
                twofactor.staff_login_complete(request, user, device)
            else:
                django_otp.login(request, device)
            request.session[twofactor.NEXT_KEY] = next_url
            request.session[twofactor.RECOVERY_CODES_KEY] = codes
            return redirect("access:recovery_codes")
        if forced and twofactor.attempt_failed(request):
            return _restart(
                request,
                _("Der Code war zu oft falsch. Bitte melden Sie sich noch einmal mit Ihrem Passwort an."),
            )
        form.add_error(
            "code",
            _("Der Code stimmt nicht. Prüfen Sie die Uhrzeit Ihres Geräts und versuchen Sie es erneut."),
        )
    secret_text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device)),  # noqa: S308 - generated by segno
        "secret": " ".join(secret_text[i : i + 4] for i in range(0, len(secret_text), 4)),
        "forced": forced,
        "next": next_url,
    }
    return render(request, "access/otp_setup.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes exactly once; logged-in staff can replace them."""
    if not _verified_staff(request):
        return redirect(f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={request.path}")
    form = PasswordAgainForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            request.session[twofactor.RECOVERY_CODES_KEY] = services.recovery_codes_renew(
                user=request.user, source=_client_address(request)
            )
            return redirect("access:recovery_codes")
        if form.has_error("password"):
            _password_refused(request, request.user, "access.recovery_codes.renewed")
        return render(request, "access/recovery_codes.html", {"codes": None, "form": form}, status=400)
    codes = request.session.pop(twofactor.RECOVERY_CODES_KEY, None)
    next_url = twofactor.safe_next(request, request.session.pop(twofactor.NEXT_KEY, None), request.user)
    return render(request, "access/recovery_codes.html", {"codes": codes, "next_url": next_url, "form": form})


def _password_refused(request: HttpRequest, user: Any, action: str) -> None:
    """A wrong or missing password before a new second factor: recorded in the audit trail."""
    audit_record(
        actor=user,
        action="access.password_again.refused",
        obj=user,
        changes={"for": action},
        authority_id=getattr(user, "authority_id", None),
        source=_client_address(request),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def otp_reset(request: HttpRequest) -> HttpResponse:
    """Reset a colleague's second factor (Teamleitung of the same authority, Plattform-Admin)."""
    if not _verified_staff(request):
        return redirect(f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={request.path}")
    if not has_any(request.user, Perm.SECOND_FACTOR_RESET):
        raise PermissionDenied(_("Sie dürfen den zweiten Faktor anderer Konten nicht zurücksetzen."))
    form = ResetForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["colleague"]
        pending = services.second_factor_reset(
            actor=request.user, colleague=colleague, source=_client_address(request)
        )
        if pending is not None:
            messages.info(
                request,
                format_html(
                    _(
                        "{} hat mehr Rechte als Sie. Das Zurücksetzen braucht deshalb die Zustimmung einer "
                        "zweiten berechtigten Person; der Antrag steht unter „Freigaben“."
                    ),
                    colleague,
                ),
            )
            return redirect("access:otp_reset")
        messages.success(
            request,
            format_html(
                _(
                    "Der zweite Faktor von {} wurde zurückgesetzt. Bei der nächsten Anmeldung "
                    "wird ein neuer eingerichtet."
                ),
                colleague,
            ),
        )
        return redirect("access:otp_reset")
    return render(request, "access/otp_reset.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Pending four-eyes requests this person may decide (roles for oneself, resets of higher accounts)."""
    if not _verified_staff(request):
        return redirect(f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={request.path}")
    if request.method == "POST":
        decision = request.POST.get("entscheidung", "")
        number = request.POST.get("antrag", "")
        found = ApprovalRequest.objects.filter(pk=int(number)).first() if number.isdigit() else None
        if found is None or decision not in {"zustimmen", "ablehnen"}:
            messages.error(request, _("Diesen Antrag gibt es nicht."))
            return redirect("access:approvals")
        try:
            services.approval_decide(
                actor=request.user,
                request=found,
                approve=decision == "zustimmen",
                source=_client_address(request),
            )
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            messages.success(
                request,
                _("Zugestimmt: Die Änderung ist ausgeführt.")
                if decision == "zustimmen"
                else _("Abgelehnt: Es wurde nichts geändert."),
            )
        return redirect("access:approvals")
    mine = ApprovalRequest.objects.filter(
        requested_by_id=request.user.pk, state=ApprovalRequest.State.PENDING
    ).select_related("target", "role", "authority", "org_unit")
    context = {"open": services.approvals_open_for(request.user), "mine": mine}
    return render(request, "access/approvals.html", context)
