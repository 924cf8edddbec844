"""The Plattform-Admin's page of failed and stuck background tasks, with "Erneut ausführen"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.tasks import rebuild_search_index
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
URL = "/admin/core/backgroundtask/"


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Kreis", slug="kreis", kind="kreis", ags="05558000"
    )


def _failed() -> DBTaskResult:
    result = rebuild_search_index.enqueue([1]).db_result
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="FAILED",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1"] * 5,
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="Connection unexpectedly closed",
    )
    return DBTaskResult.objects.get(pk=result.pk)


def _stuck() -> DBTaskResult:
    result = rebuild_search_index.enqueue([2]).db_result
    started = timezone.now() - dt.timedelta(hours=2)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", started_at=started, worker_ids=["getoetet"]
    )
    return DBTaskResult.objects.get(pk=result.pk)


def test_the_plattform_admin_sees_failed_and_stuck_tasks_and_starts_them_again(
    client: Client, kreis: Authority
) -> None:
    failed, stuck = _failed(), _stuck()
    done = rebuild_search_index.enqueue([3]).db_result
    DBTaskResult.objects.filter(pk=done.pk).update(status="SUCCESSFUL")
    admin = staff_create("plattform", kreis, "plattform-admin")
    login_verified(client, admin)

    assert "Hintergrundaufgaben" in client.get("/admin/").content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "fehlgeschlagen" in html
    assert "hängt" in html
    assert "SMTPServerDisconnected" in html
    assert str(failed.pk) in html
    assert str(stuck.pk) in html
    assert str(done.pk) not in html  # finished work needs no attention
    assert client.get(f"{URL}{failed.pk}/change/").status_code == 200

    response = client.post(
        URL, {"action": "retry", "_selected_action": [str(failed.pk), str(stuck.pk)]}, follow=True
    )
    assert "2 Aufgaben werden erneut ausgeführt." in response.content.decode()
    for result in (failed, stuck):
        result.refresh_from_db()
        assert result.status == "READY"
        assert result.worker_ids == []
    entries = AuditEntry.objects.filter(action="core.task.retried")
    assert {e.object_id for e in entries} == {str(failed.pk), str(stuck.pk)}
    assert {e.actor_id for e in entries} == {admin.pk}


@pytest.mark.parametrize("role", ["sachbearbeitung", "fachadministration", "auditor"])
def test_other_staff_neither_see_nor_retry_tasks(client: Client, kreis: Authority, role: str) -> None:
    failed = _failed()
    login_verified(client, staff_create("person", kreis, role))

    assert "Hintergrundaufgaben" not in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 403
    client.post(URL, {"action": "retry", "_selected_action": [str(failed.pk)]})
    failed.refresh_from_db()
    assert failed.status == "FAILED"
    assert not AuditEntry.objects.filter(action="core.task.retried").exists()
