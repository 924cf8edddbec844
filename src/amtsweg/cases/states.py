"""The status models of cases as data: which statuses a case goes through and who may move it where.

The status changes only in the actions of :mod:`amtsweg.cases.services` (``case_review_start``,
``case_ask``, ``case_decide``, ``case_close``, ``case_withdraw``, the applicant's answer); they look the step
up here and refuse every step that is not listed. Each service chooses its model in its case settings
(``ServiceCaseSettings.status_model``); the case copies it when it is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amtsweg.cases.models import Status, StatusModel

STAFF = "staff"
APPLICANT = "applicant"

OPEN = frozenset({Status.EINGEGANGEN, Status.IN_PRUEFUNG, Status.RUECKFRAGE})
CLOSED = frozenset({Status.ABGESCHLOSSEN, Status.ZURUECKGEZOGEN})


@dataclass(frozen=True)
class Step:
    """One allowed status change."""

    source: str
    target: str
    label: Promise  # shown on the button
    by: frozenset[str]  # STAFF, APPLICANT (the system may do every step)
    needs_decision: bool = False  # entschieden: bewilligt/abgelehnt/teilweise required
    needs_text: bool = False  # Rückfrage: the question to the applicant


@dataclass(frozen=True)
class Model:
    code: str
    statuses: tuple[str, ...]
    steps: tuple[Step, ...]
    _index: dict[tuple[str, str], Step] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({(step.source, step.target): step for step in self.steps})

    def step(self, source: str, target: str) -> Step | None:
        return self._index.get((source, target))

    def steps_from(self, source: str, by: str | None = None) -> list[Step]:
        return [s for s in self.steps if s.source == source and (by is None or by in s.by)]


def _withdrawals(statuses: tuple[str, ...]) -> tuple[Step, ...]:
    return tuple(
        Step(source, Status.ZURUECKGEZOGEN, _("Antrag zurückziehen"), frozenset({APPLICANT}))
        for source in statuses
        if source in OPEN
    )


_ANTRAG_STATUSES = (
    Status.EINGEGANGEN,
    Status.IN_PRUEFUNG,
    Status.RUECKFRAGE,
    Status.ENTSCHIEDEN,
    Status.ABGESCHLOSSEN,
    Status.ZURUECKGEZOGEN,
)
_ANZEIGE_STATUSES = (
    Status.EINGEGANGEN,
    Status.IN_PRUEFUNG,
    Status.RUECKFRAGE,
    Status.ABGESCHLOSSEN,
    Status.ZURUECKGEZOGEN,
)
_S = frozenset({STAFF})

STATUS_MODELS: dict[str, Model] = {
    StatusModel.ANTRAG: Model(
        StatusModel.ANTRAG,
        _ANTRAG_STATUSES,
        (
            Step(Status.EINGEGANGEN, Status.IN_PRUEFUNG, _("Prüfung beginnen"), _S),
            Step(Status.IN_PRUEFUNG, Status.RUECKFRAGE, _("Rückfrage stellen"), _S, needs_text=True),
            Step(Status.RUECKFRAGE, Status.IN_PRUEFUNG, _("Prüfung fortsetzen"), _S),
            Step(Status.IN_PRUEFUNG, Status.ENTSCHIEDEN, _("Entscheiden"), _S, needs_decision=True),
            Step(Status.ENTSCHIEDEN, Status.ABGESCHLOSSEN, _("Vorgang abschließen"), _S),
            *_withdrawals(_ANTRAG_STATUSES),
        ),
    ),
    StatusModel.ANZEIGE: Model(
        StatusModel.ANZEIGE,
        _ANZEIGE_STATUSES,
        (
            Step(Status.EINGEGANGEN, Status.IN_PRUEFUNG, _("Prüfung beginnen"), _S),
            Step(Status.IN_PRUEFUNG, Status.RUECKFRAGE, _("Rückfrage stellen"), _S, needs_text=True),
            Step(Status.RUECKFRAGE, Status.IN_PRUEFUNG, _("Prüfung fortsetzen"), _S),
            Step(Status.IN_PRUEFUNG, Status.ABGESCHLOSSEN, _("Erledigt, Vorgang abschließen"), _S),
            *_withdrawals(_ANZEIGE_STATUSES),
        ),
    ),
}


def model_for(code: str) -> Model:
    return STATUS_MODELS.get(code) or STATUS_MODELS[StatusModel.ANTRAG]


# What the applicant reads on "Meine Anträge" and the case page (plain German).
APPLICANT_LABELS: dict[str, Promise] = {
    Status.EINGEGANGEN: _("Eingegangen"),
    Status.IN_PRUEFUNG: _("In Bearbeitung"),
    Status.RUECKFRAGE: _("Rückfrage an Sie"),
    Status.ENTSCHIEDEN: _("Entschieden"),
    Status.ABGESCHLOSSEN: _("Abgeschlossen"),
    Status.ZURUECKGEZOGEN: _("Zurückgezogen"),
}
APPLICANT_NEXT_STEPS: dict[str, Promise] = {
    Status.EINGEGANGEN: _("Ihr Antrag ist eingegangen. Die zuständige Stelle beginnt bald mit der Prüfung."),
    Status.IN_PRUEFUNG: _("Die zuständige Stelle prüft Ihren Antrag. Sie müssen nichts tun."),
    Status.RUECKFRAGE: _("Bitte beantworten Sie die Rückfrage der zuständigen Stelle."),
    Status.ENTSCHIEDEN: _(
        "Über Ihren Antrag ist entschieden. Den Bescheid finden Sie auf der Seite des Antrags."
    ),
    Status.ABGESCHLOSSEN: _("Die Bearbeitung ist abgeschlossen."),
    Status.ZURUECKGEZOGEN: _("Sie haben den Antrag zurückgezogen."),
}
