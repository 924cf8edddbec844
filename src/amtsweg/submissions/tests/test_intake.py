"""Intake of submissions: one transaction, exactly one submission per draft, routed to the right office."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from amtsweg.accounts.models import User
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.submissions import services
from amtsweg.submissions.models import Attachment, Draft, Submission
from amtsweg.submissions.references import check_character, reference_new, reference_normalize
from amtsweg.submissions.services import SubmissionInvalid, submission_for_draft, submission_submit
from amtsweg.submissions.tests.test_intake_fixtures import (
    World,
    build_world,
    pdf_bytes,
    upload,
    valid_data,
)
from amtsweg.submissions.uploads import attachment_add

REFERENCE = re.compile(r"^AW-\d{4}-[0-9A-HJKMNP-TV-Z]{8}$")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _task_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def _draft_with_file(world: World) -> tuple[Draft, Attachment]:
    draft = world.draft()
    attachment = attachment_add(
        draft=draft, field_path="nachweis", file=upload("Versicherung.pdf", pdf_bytes()), actor=None
    )
    draft.data = valid_data(nachweis=str(attachment.pk))
    draft.save(update_fields=["data"])
    return draft, attachment


@pytest.mark.django_db
def test_submit_stores_routes_moves_files_deletes_draft_queues_tasks_and_audits(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft, attachment = _draft_with_file(world)
    DBTaskResult.objects.all().delete()
    audit_before = AuditEntry.objects.count()

    submission = submission_submit(draft=draft, actor=None, source="web 127.0.0.1")

    assert REFERENCE.match(submission.reference)
    assert submission.idempotency_key == f"draft:{draft.pk}"
    assert submission.form_version == world.version
    assert submission.service == world.service
    assert submission.municipality == world.town
    assert (submission.authority, submission.org_unit) == (world.town, world.steueramt)
    assert submission.applicant_name == "Jürgen Müller-Lüdenscheidt"
    assert submission.applicant_email == "juergen@example.org"
    assert submission.data["hund"][0]["name"] == "Bello"
    attachment.refresh_from_db()
    assert (attachment.submission_id, attachment.draft_id) == (submission.pk, None)
    assert not Draft.objects.filter(pk=draft.pk).exists()
    # One follow-up task: the e-mail task renders the receipt PDF first, then sends it with the PDF.
    assert _task_paths() == ["amtsweg.submissions.tasks.send_confirmation"]
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == audit_before + 1
    assert entry is not None
    assert (entry.action, entry.object_id) == ("submission.received", str(submission.pk))
    assert list(audit_verify_chain()) == []


@pytest.mark.django_db
def test_account_name_and_address_win_over_the_form(world: World) -> None:
    user = User.objects.create_user(
        username="erika", email="erika@example.org", first_name="Erika", last_name="Mustermann"
    )
    draft = world.draft(actor=user)
    submission = submission_submit(draft=draft, actor=user)
    assert submission.applicant == user
    assert (submission.applicant_name, submission.applicant_email) == (
        "Erika Mustermann",
        "erika@example.org",
    )


@pytest.mark.django_db
def test_without_an_email_address_only_the_receipt_pdf_is_queued(world: World) -> None:
    DBTaskResult.objects.all().delete()
    data = valid_data(antragsteller={"vorname": "Jürgen", "familienname": "Müller-Lüdenscheidt"})
    submission = submission_submit(draft=world.draft(data=data), actor=None)
    assert submission.applicant_email == ""
    assert _task_paths() == ["amtsweg.submissions.tasks.render_receipt"]


@pytest.mark.django_db
def test_invalid_data_are_refused_in_german_and_nothing_is_written(world: World) -> None:
    data = valid_data()
    del data["zustimmung"]
    data["hund"][0]["rasse"] = "99"
    draft = world.draft(data=data)
    DBTaskResult.objects.all().delete()
    audit_before = AuditEntry.objects.count()

    with pytest.raises(SubmissionInvalid) as raised:
        submission_submit(draft=draft, actor=None)

    paths = {error.path for error in raised.value.errors}
    assert "zustimmung" in paths
    assert any(path.startswith("hund") for path in paths)
    assert all(error.message and not error.message.startswith("'") for error in raised.value.errors)
    assert not Submission.objects.exists()
    assert Draft.objects.filter(pk=draft.pk).exists()
    assert not DBTaskResult.objects.exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_a_file_of_another_draft_cannot_be_smuggled_in(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    _other, foreign = _draft_with_file(world)
    draft = world.draft(data=valid_data(nachweis=str(foreign.pk)))
    with pytest.raises(SubmissionInvalid) as raised:
        submission_submit(draft=draft, actor=None)
    assert "gehört nicht zu diesem Antrag" in raised.value.errors[-1].message
    foreign.refresh_from_db()
    assert foreign.submission_id is None


@pytest.mark.django_db
def test_a_failure_after_the_insert_leaves_nothing_behind(
    world: World, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft, attachment = _draft_with_file(world)
    DBTaskResult.objects.all().delete()

    def broken_audit(**kwargs: Any) -> None:
        # By now the submission row, the moved attachments and the task row are written.
        assert Submission.objects.filter(idempotency_key=f"draft:{draft.pk}").exists()
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("Protokoll nicht erreichbar")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        submission_submit(draft=draft, actor=None)

    assert not Submission.objects.exists()
    assert Draft.objects.filter(pk=draft.pk).exists()
    attachment.refresh_from_db()
    assert (attachment.draft_id, attachment.submission_id) == (draft.pk, None)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_double_click_and_back_and_resubmit_give_one_submission(world: World) -> None:
    draft = world.draft()
    stale_copy = Draft.objects.get(pk=draft.pk)
    first = submission_submit(draft=draft, actor=None)
    second = submission_submit(draft=draft, actor=None)
    # Back button: the browser still shows the summary of a draft that is gone.
    third = submission_submit(draft=stale_copy, actor=None)
    assert first.pk == second.pk == third.pk
    assert submission_for_draft(draft.pk) == first
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_a_draft_of_another_account_is_refused(world: World) -> None:
    owner = User.objects.create_user(username="owner", email="owner@example.org")
    intruder = User.objects.create_user(username="intruder", email="intruder@example.org")
    draft = world.draft(actor=owner)
    with pytest.raises(PermissionDenied):
        submission_submit(draft=draft, actor=intruder)
    with pytest.raises(PermissionDenied):
        submission_submit(draft=draft, actor=None)
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft_create_exactly_one_submission() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Gleichzeitige Transaktionen prüft nur PostgreSQL (SQLite serialisiert alle Schreibzugriffe)."
        )
    from amtsweg.submissions.tests.test_intake_fixtures import build_world

    draft = build_world().draft()
    barrier = threading.Barrier(4)
    results: list[Any] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            copy = Draft.objects.get(pk=draft.pk)
            barrier.wait(timeout=10)
            results.append(submission_submit(draft=copy, actor=None).pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Submission.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__startswith="amtsweg.submissions.tasks").count() == 1
    assert list(audit_verify_chain()) == []


def test_reference_numbers_are_readable_and_self_checking() -> None:
    reference = reference_new()
    assert REFERENCE.match(reference)
    assert reference_normalize(reference.lower().replace("-", " ")) == reference
    code = reference[-8:]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for position in range(8):
        for char in alphabet:
            if char != code[position]:
                typo = code[:position] + char + code[position + 1 :]
                assert reference_normalize(reference[:-8] + typo) is None
    for position in range(7):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        if swapped != code:
            assert reference_normalize(reference[:-8] + swapped) is None
    # Crockford: O is read as 0, I and L as 1.
    body = "0011ABC"
    assert reference_normalize(f"AW-2026-OOIL{body[4:]}{check_character(body)}") == (
        f"AW-2026-{body}{check_character(body)}"
    )
