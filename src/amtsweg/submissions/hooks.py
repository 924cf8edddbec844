"""Extension point: what else happens, in the same transaction, when a submission is received.

Apps that build on submissions (case management) register a handler here instead of being imported by
``submissions`` (dependencies point one way, see docs/architecture.md). Handlers run inside the intake
transaction, after the submission row and its attachments are stored and before the audit entry: if a
handler raises, nothing of the submission is stored and the applicant gets an error instead of a
reference number. Handlers must therefore be quick and must not call external systems; they enqueue
tasks for anything slow.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amtsweg.core.actors import Actor
from amtsweg.core.registry import Registry

if TYPE_CHECKING:
    from amtsweg.submissions.models import Draft, Submission

# A handler gets the submission and who submitted it (an account, an applicant without an account, or the
# system for a job such as the demo), so that what it records names the right actor.
SubmissionHandler = Callable[["Submission", Actor], None]

submission_received_hooks: Registry[SubmissionHandler] = Registry("Handler für eingegangene Anträge")


def submission_received_run(submission: Submission, actor: Actor) -> None:
    """Call every registered handler (in the order of their ids)."""
    for _identifier, handler in submission_received_hooks:
        handler(submission, actor)


@dataclass(frozen=True)
class SubmissionStatus:
    """What "Meine Anträge" shows about a submission once another app (case management) works on it."""

    label: str  # plain German, e.g. "In Prüfung"
    next_step: str = ""  # e.g. "Bitte beantworten Sie die Rückfrage bis 12.12.2026."
    deadline: datetime.date | None = None
    url: str = ""  # the applicant's page for this submission (messages, decision), if any
    needs_action: bool = False
    delayed: bool = False  # the expected completion date (``deadline``) has passed


StatusProvider = Callable[[list["Submission"]], dict[str, SubmissionStatus]]

# A provider maps submissions (of one applicant) to their status by submission id (str(pk)).
submission_status_providers: Registry[StatusProvider] = Registry("Statusquelle für Anträge")


def submission_statuses(submissions: list[Submission]) -> dict[str, SubmissionStatus]:
    """The status of each submission from the registered providers (later providers win)."""
    statuses: dict[str, SubmissionStatus] = {}
    for _identifier, provider in submission_status_providers:
        statuses.update(provider(submissions))
    return statuses


# ---- before submitting, on the summary and on the receipt (online payment plugs in here) ---------------


@dataclass(frozen=True)
class Notice:
    """A note for the applicant with an optional button (e.g. "Gebühr: 30,00 €" and "Jetzt bezahlen")."""

    text: str
    url: str = ""
    label: str = ""
    needs_action: bool = False


# A guard returns the address of a step the applicant must take before the draft may be submitted (the
# payment of a fee due before submitting), or None. Checked by ``services.submission_submit``.
SubmitGuard = Callable[["Draft"], str | None]
submit_guards: Registry[SubmitGuard] = Registry("Voraussetzung für das Absenden")

DraftNotices = Callable[["Draft"], list[Notice]]
summary_notice_providers: Registry[DraftNotices] = Registry("Hinweis auf der Zusammenfassung")

SubmissionNotices = Callable[["Submission"], list[Notice]]
receipt_notice_providers: Registry[SubmissionNotices] = Registry("Hinweis auf der Eingangsbestätigung")


def submit_guard_url(draft: Draft) -> str | None:
    """The first step still to take before ``draft`` may be submitted, or ``None``."""
    for _identifier, guard in submit_guards:
        if (url := guard(draft)) is not None:
            return url
    return None


def summary_notices(draft: Draft) -> list[Notice]:
    return [notice for _identifier, provider in summary_notice_providers for notice in provider(draft)]


def receipt_notices(submission: Submission) -> list[Notice]:
    return [notice for _identifier, provider in receipt_notice_providers for notice in provider(submission)]
