"""Personal data does not outlive its retention inside the audit trail, and accounts of an external login
(DeutschlandID, OIDC) can change their e-mail address and delete themselves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from amtsweg.accounts.providers.base import TrustLevel
from amtsweg.accounts.providers.models import ExternalIdentity
from amtsweg.accounts.providers.services import ExternalProfile, external_identity_login
from amtsweg.cases.models import Case, Status
from amtsweg.cases.retention import case_anonymise
from amtsweg.cases.services import case_forward
from amtsweg.cases.tests.conftest import CaseWorld, cw  # noqa: F401 - fixture
from amtsweg.core.models import AuditEntry
from amtsweg.portal.services import feedback_submit
from amtsweg.tenants.models import OrgUnit

pytestmark = pytest.mark.django_db

NAME_ID = "AAdzZWNyZXQxAAAAbmFtZWlkLXZvbi1tYXJpYQ=="


def _everything_in_the_audit() -> str:
    return " ".join(
        f"{e.actor_label} {e.object_label} {e.changes} {e.source}" for e in AuditEntry.objects.all()
    )


def _verify_audit() -> None:
    call_command("verify-audit", verbosity=0)  # raises (exit code 1) when the chain is broken


def test_the_forward_reason_is_gone_after_anonymisation(cw: CaseWorld) -> None:  # noqa: F811
    case = cw.case()
    reason = "Frau Müller wohnt seit März bei ihrer Tochter in Coesfeld, Hausnr. 12"
    case_forward(
        actor=cw.caseworker,
        case=case,
        to_org_unit=OrgUnit.objects.get(authority=cw.other_town),
        reason=reason,
    )
    Case.objects.filter(pk=case.pk).update(status=Status.ABGESCHLOSSEN)
    case_anonymise(Case.objects.get(pk=case.pk))
    assert "Tochter" not in _everything_in_the_audit()
    assert AuditEntry.objects.filter(action="case.forwarded").exists()
    _verify_audit()


def test_feedback_text_is_not_in_the_audit_trail() -> None:
    feedback_submit(
        actor=None,
        page_url="/suche/",
        message="Ich, Hans Beispiel, sehe den Knopf nicht.",
        email="h@example.org",
    )
    audit = _everything_in_the_audit()
    assert "Hans Beispiel" not in audit
    assert "h@example.org" not in audit
    assert AuditEntry.objects.filter(action="portal.feedback.submitted").exists()


def _sso_login(client: Client) -> Any:
    """Log in through the DeutschlandID plugin's service (what the ACS calls after checking the answer)."""
    request = RequestFactory().post("/konto/anmelden/deutschlandid/acs/")
    request.session = SessionStore()
    request.session.create()
    user = external_identity_login(
        request,
        provider="deutschlandid",
        profile=ExternalProfile(subject=NAME_ID, first_name="Maria", last_name="Muster"),
        level=TrustLevel.SUBSTANTIAL,
    )
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return user


def test_the_saml_name_id_is_not_in_the_audit_trail(client: Client) -> None:
    _sso_login(client)
    assert ExternalIdentity.objects.filter(subject=NAME_ID).exists()
    assert AuditEntry.objects.filter(action="login_provider.linked").exists()
    assert NAME_ID not in _everything_in_the_audit()


def test_an_sso_account_deletes_itself_after_a_recent_login(client: Client) -> None:
    user = _sso_login(client)
    page = client.get(reverse("accounts:delete"))
    assert page.status_code == 200
    assert "LÖSCHEN" in page.content.decode()
    response = client.post(reverse("accounts:delete"), {"confirm": "LÖSCHEN"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.deleted_at is not None
    assert not user.is_active
    # The NameID is gone with the account: a new DeutschlandID login starts a new, empty account.
    assert not ExternalIdentity.objects.filter(subject=NAME_ID).exists()
    _verify_audit()


def test_an_sso_account_with_an_old_login_is_asked_to_log_in_again(client: Client) -> None:
    user = _sso_login(client)
    get_user_model().objects.filter(pk=user.pk).update(
        last_login=timezone.now() - datetime.timedelta(hours=2)
    )
    response = client.post(reverse("accounts:delete"), {"confirm": "LÖSCHEN"})
    assert response.status_code == 400
    assert "erneut an" in response.content.decode()
    user.refresh_from_db()
    assert user.deleted_at is None


def test_an_sso_account_changes_its_e_mail_address(client: Client, mailoutbox: list[Any]) -> None:
    _sso_login(client)
    form = client.get(reverse("accounts:email_change"))
    assert form.status_code == 200
    assert "aktuelles Passwort" not in form.content.decode()
    response = client.post(reverse("accounts:email_change"), {"email": "maria.neu@example.org"})
    assert response.status_code == 302
    assert any("maria.neu@example.org" in m.to for m in mailoutbox)
