"""Demo cases: a Monday morning in the Kreis Coesfeld – about 150 cases of several services and towns.

Every case comes through the real intake (``submissions.services.submission_create``) with answers that
pass the validation of the published demo form, is routed by the real rules and then moved along its
status model with ``case_transition`` (and assigned with ``case_assign``). Only the dates are moved into
the past afterwards (received up to eight weeks ago), so that some cases are overdue, some soon due and
some wait for the applicant's answer to a Rückfrage.

Idempotent: each demo submission has a fixed idempotency key (``demo-case:<n>``); a case that exists
already is left alone. Forms with a required upload (Wohngeld, Schülerfahrkosten, Führerschein) are not
used: the API intake takes no files.
"""

from __future__ import annotations

import datetime
import random
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from amtsweg.cases import deadlines
from amtsweg.cases.models import Case, CaseEvent, RoutingRule, ServiceCaseSettings, Status, StatusModel
from amtsweg.cases.services import (
    case_assign,
    case_forward,
    case_message_send,
    case_reply,
    case_transition,
    settings_for,
)
from amtsweg.catalog.models import Service
from amtsweg.forms.fieldtypes import TODAY, date_bound
from amtsweg.forms.models import FormVersion
from amtsweg.forms.selectors import published_version
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec
from amtsweg.forms.validation import validate_version
from amtsweg.submissions.services import SubmissionInvalid, submission_create
from amtsweg.tenants.models import Authority, OrgUnit

KEY_PREFIX = "demo-case:"
COUNT = 150
SEED = 20261123

# (form key, share of the cases)
FORMS = (("kita-platz", 0.42), ("hundesteuer-anmeldung", 0.38), ("anliegen", 0.20))
# (status reached, share) – a Monday morning: much new, some in work, a few waiting, some done
STATUSES = (
    (Status.EINGEGANGEN, 0.30),
    (Status.IN_PRUEFUNG, 0.30),
    (Status.RUECKFRAGE, 0.14),
    (Status.ENTSCHIEDEN, 0.10),
    (Status.ABGESCHLOSSEN, 0.12),
    (Status.ZURUECKGEZOGEN, 0.04),
)
# case settings per service, found by the demo form's service or by LeiKa key
SETTINGS_BY_FORM: dict[str, dict[str, Any]] = {
    "kita-platz": {"processing_days": 30, "reply_days": 10},
    "hundesteuer-anmeldung": {"processing_days": 10, "reply_days": 10, "status_model": StatusModel.ANZEIGE},
}
SETTINGS_BY_LEIKA: dict[str, dict[str, Any]] = {
    # Baugenehmigung: approval fiction after three months where the Landesbauordnung orders it
    "99012070006001": {"processing_days": 60, "reply_days": 20, "approval_fiction_months": 3},
}

FIRST_NAMES = (
    "Anna",
    "Jonas",
    "Marie",
    "Lukas",
    "Sophie",
    "Paul",
    "Emma",
    "Felix",
    "Mia",
    "Ben",
    "Lea",
    "Elias",
)
LAST_NAMES = ("Schulte", "Hölscher", "Brüggemann", "Wessels", "Terhaar", "Kemper", "Overmann", "Büscher")
STREETS = ("Kirchstraße", "Münsterstraße", "Lüdinghauser Straße", "Am Markt", "Bahnhofstraße", "Droste-Weg")
DOGS = ("Bello", "Luna", "Balu", "Emma", "Paul", "Frieda", "Rocky")
TOPICS = (
    ("Schlagloch in der Kirchstraße", "In der Kirchstraße vor Hausnummer 12 ist ein tiefes Schlagloch."),
    ("Frage zur Abfallgebühr", "Wie berechnet sich die Abfallgebühr für einen Zwei-Personen-Haushalt?"),
    ("Laterne defekt", "Die Straßenlaterne am Spielplatz ist seit einer Woche dunkel."),
    ("Anregung Radweg", "Ein Radweg zwischen Ortskern und Bahnhof wäre eine große Hilfe."),
)
QUESTIONS = (
    "Bitte reichen Sie eine Kopie des Personalausweises nach.",
    "Ab welchem Datum genau wird die Betreuung benötigt?",
    "Bitte nennen Sie die Chipnummer des Hundes.",
)


# ---- answers that pass a form's validation ------------------------------------------------------------


DEMO_IBAN = "DE02120300000000202051"  # a well-known example IBAN with valid check digits


class _Answers:
    def __init__(self, rng: random.Random, town: Authority, today: datetime.date) -> None:
        self.rng = rng
        self.town = town
        self.today = today
        self.next_date = datetime.date(2023, 1, 10) + datetime.timedelta(days=rng.randint(0, 200))
        self.first = rng.choice(FIRST_NAMES)
        self.last = rng.choice(LAST_NAMES)

    def text(self, field: FieldSpec, spec: FormSpec) -> str | None:
        if field.code_list and field.code_list in spec.code_lists:
            entries = spec.code_lists[field.code_list].entries
            choice = self.rng.choice(entries).code
            return "keine" if any(e.code == "keine" for e in entries) and self.rng.random() < 0.5 else choice
        key = field.key.lower()
        candidates = {
            "vorname": self.first,
            "nachname": self.last,
            "familienname": self.last,
            "name": self.rng.choice(DOGS) if "hund" in field.label.lower() else f"{self.first} {self.last}",
            "strasse": f"{self.rng.choice(STREETS)} {self.rng.randint(1, 80)}",
            "plz": self.town.postcode or "48653",
            "ort": self.town.city or self.town.short_name,
            "telefon": f"0{self.rng.randint(2500, 2599)} {self.rng.randint(10000, 99999)}",
            "email": f"{self.first.lower()}.{self.last.lower()}@example.org".replace("ö", "oe").replace(
                "ü", "ue"
            ),
            "chipnummer": "".join(str(self.rng.randint(0, 9)) for _ in range(15)),
            "rasse": self.rng.choice(("Mischling", "Labrador", "Dackel", "Beagle")),
            "wunschkita": self.rng.choice(
                ("Kita Sonnenschein", "Kita Regenbogen", "Familienzentrum St. Marien")
            ),
        }
        value = candidates.get(key)
        if value is None:
            topic = self.rng.choice(TOPICS)
            value = topic[1] if field.input == "textarea" else topic[0]
        if field.max_length:
            value = value[: field.max_length]
        if field.pattern and not re.fullmatch(field.pattern, value):
            return None
        if field.min_length and len(value) < field.min_length:
            value = (value + " " + value)[: field.max_length or 200]
        return value

    def date(self, field: FieldSpec, group: GroupSpec) -> str:
        if "geburt" in field.key and group.key not in ("kind", "hund"):
            day = datetime.date(
                self.rng.randint(1960, 1998), self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
        else:
            day = self.next_date
            self.next_date += datetime.timedelta(days=self.rng.randint(60, 200))
        earliest, latest = date_bound(field.min_value), date_bound(field.max_value)
        if earliest:
            day = max(day, self.today if earliest == TODAY else datetime.date.fromisoformat(earliest))
        if latest:
            day = min(day, self.today if latest == TODAY else datetime.date.fromisoformat(latest))
        return min(day, self.today).isoformat()

    def number(self, field: FieldSpec) -> int | float:
        low = float(field.min_value) if field.min_value else 1.0
        high = float(field.max_value) if field.max_value else max(low, 1.0) * 50
        value = self.rng.uniform(low, high)
        return round(value) if field.datatype == "integer" else round(value, 2)

    def group(self, group: GroupSpec, spec: FormSpec) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for child in group.children:
            element = child.element
            count = max(child.min, 1)
            if isinstance(element, GroupSpec):
                instances = [self.group(element, spec) for _ in range(count)]
                answers[child.key] = instances if child.repeating else instances[0]
                continue
            value = self.value(element, group, spec, required=child.min > 0)
            if value is None:
                continue
            answers[child.key] = [value] * count if child.repeating else value
        return answers

    def value(self, field: FieldSpec, group: GroupSpec, spec: FormSpec, *, required: bool) -> Any:
        if field.datatype in ("file", "label"):
            return None
        if field.datatype == "bool":
            return required
        if field.datatype == "date":
            return self.date(field, group)
        if field.datatype in ("integer", "number", "currency"):
            return self.number(field)
        if field.datatype == "iban":
            return DEMO_IBAN
        if field.datatype in ("time", "datetime"):
            return None if not required else ("09:30" if field.datatype == "time" else f"{self.today}T09:30")
        return self.text(field, spec)


def answers_for(version: FormVersion, rng: random.Random, town: Authority) -> dict[str, Any] | None:
    """Answers to ``version`` that pass its validation (a few tries), or ``None``."""
    spec = version.spec()
    today = timezone.localdate()
    for _attempt in range(8):
        data = _Answers(rng, town, today).group(spec.root, spec)
        if not validate_version(version, data):
            return data
    return None


# ---- the demo set ---------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([item for item, _w in weighted], weights=[w for _i, w in weighted])[0]


def _path_to(status: str, model: str) -> list[str]:
    if model == StatusModel.ANZEIGE and status == Status.ENTSCHIEDEN:
        status = Status.ABGESCHLOSSEN
    paths: dict[str, list[str]] = {
        Status.EINGEGANGEN: [],
        Status.IN_PRUEFUNG: [Status.IN_PRUEFUNG],
        Status.RUECKFRAGE: [Status.IN_PRUEFUNG, Status.RUECKFRAGE],
        Status.ENTSCHIEDEN: [Status.IN_PRUEFUNG, Status.ENTSCHIEDEN],
        Status.ABGESCHLOSSEN: [Status.IN_PRUEFUNG, Status.ENTSCHIEDEN, Status.ABGESCHLOSSEN]
        if model == StatusModel.ANTRAG
        else [Status.IN_PRUEFUNG, Status.ABGESCHLOSSEN],
        Status.ZURUECKGEZOGEN: [Status.IN_PRUEFUNG, Status.ZURUECKGEZOGEN],
    }
    return paths[status]


def _configuration(versions: dict[str, FormVersion | None]) -> None:
    for form_key, values in SETTINGS_BY_FORM.items():
        version = versions.get(form_key)
        if version is not None and version.form.service_id is not None:
            ServiceCaseSettings.objects.get_or_create(service_id=version.form.service_id, defaults=values)
    for leika, values in SETTINGS_BY_LEIKA.items():
        for service in Service.objects.filter(leika_key=leika):
            ServiceCaseSettings.objects.get_or_create(service=service, defaults=values)
    duelmen = Authority.objects.filter(slug="duelmen").first()
    office = OrgUnit.objects.filter(authority=duelmen, function="buergerbuero").first() if duelmen else None
    dog_form = versions.get("hundesteuer-anmeldung")
    hundesteuer = dog_form.form.service if dog_form is not None else None
    if duelmen is None or office is None:
        return
    if hundesteuer is not None:
        RoutingRule.objects.get_or_create(
            authority=duelmen,
            name="Hundeanmeldungen nimmt das Bürgerbüro an",
            defaults={
                "position": 10,
                "service": hundesteuer,
                "target_authority": duelmen,
                "target_org_unit": office,
            },
        )
    RoutingRule.objects.get_or_create(
        authority=duelmen,
        name="Allgemeine Anliegen aus Dülmen an das Bürgerbüro",
        defaults={
            "position": 20,
            "municipality": duelmen,
            "condition": {"field": "thema", "op": "filled"},
            "target_authority": duelmen,
            "target_org_unit": office,
        },
    )


def _forward_to_steueramt(case: Case, number: int, office_worker: Any) -> Case:
    """Every other Hundeanmeldung the Bürgerbüro of Dülmen took in goes on to the Steueramt (it sets the tax).

    So both Dülmen logins (``sb-duelmen``, ``sb-steuern-duelmen``) have dog tax cases to work on.
    """
    if (
        office_worker is None
        or number % 2
        or case.org_unit is None
        or case.org_unit.function != "buergerbuero"
    ):
        return case
    if case.authority.slug != "duelmen" or case.service is None or not case.service.name.startswith("Hund"):
        return case
    steueramt = OrgUnit.objects.filter(authority=case.authority, function="steueramt").first()
    if steueramt is None:
        return case
    case_forward(
        actor=office_worker,
        case=case,
        to_org_unit=steueramt,
        reason="Festsetzung der Hundesteuer durch das Steueramt",
        source="amtsweg load-demo",
    )
    return Case.objects.get(pk=case.pk)


def _backdate(case: Case, received: datetime.datetime) -> None:
    """Move the case's dates into the past as if it had come in at ``received``."""
    case_settings = settings_for(case.service)
    received_day = timezone.localdate(received)
    due = deadlines.processing_due(received_day, case_settings.processing_days)
    case.submission.__class__.objects.filter(pk=case.submission_id).update(submitted_at=received)
    events = list(case.events.order_by("at", "id"))
    span = timezone.now() - received
    for index, event in enumerate(events):
        moment = received + span * (index / max(len(events), 1)) if index else received
        CaseEvent.objects.filter(pk=event.pk).update(at=moment)
    Case.objects.filter(pk=case.pk).update(received_at=received, due_date=due)


def load_cases_demo(*, count: int = COUNT) -> dict[str, int]:
    """Create the demo cases that are missing (see the module docstring); returns counts."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    kreis = Authority.objects.filter(slug="kreis-coesfeld").first()
    towns = (
        list(Authority.objects.filter(parent=kreis).exclude(population=None).order_by("slug"))
        if kreis
        else []
    )
    versions = {key: published_version(key) for key, _share in FORMS}
    forms = tuple((key, share) for key, share in FORMS if versions[key] is not None)
    if kreis is None or not towns or not forms:
        return {"cases": 0}
    _configuration(versions)
    users = get_user_model()._default_manager
    caseworkers = {
        u.username: u for u in users.filter(username__in=("sb-jugendamt", "sb-duelmen", "sb-steuern-duelmen"))
    }
    citizen = users.filter(username="demo-buergerin").first()
    weights = [t.population or 10000 for t in towns]
    now = timezone.now()
    created = 0
    for number in range(count):
        # draw everything first, so that case n is the same whether or not earlier ones existed
        town = rng.choices(towns, weights=weights)[0]
        form_key = _pick(rng, forms)
        target = _pick(rng, STATUSES)
        age_days = (
            rng.randint(0, 55) if target in (Status.EINGEGANGEN, Status.IN_PRUEFUNG) else rng.randint(10, 60)
        )
        if target == Status.EINGEGANGEN:
            age_days = min(age_days, rng.randint(0, 30))
        received = now - datetime.timedelta(
            days=age_days, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
        )
        sub_rng = random.Random(SEED * 1000 + number)  # noqa: S311 - reproducible demo data
        key = f"{KEY_PREFIX}{number}"
        if Case.objects.filter(submission__idempotency_key=key).exists():
            continue
        version = versions[form_key]
        if version is None:
            continue
        applicant = citizen if citizen is not None and number % 25 == 0 else None
        data = answers_for(
            version, sub_rng, applicant.municipality if applicant and applicant.municipality else town
        )
        if data is None:
            continue
        try:
            submission, is_new = submission_create(
                form_version=version,
                data=data,
                applicant=applicant,
                municipality=(applicant.municipality if applicant and applicant.municipality else town),
                idempotency_key=key,
                channel="web",
                source="amtsweg load-demo",
            )
        except SubmissionInvalid:
            continue
        if not is_new:
            continue
        case = Case.objects.get(submission=submission)
        case = _forward_to_steueramt(case, number, caseworkers.get("sb-duelmen"))
        worker = next(
            (
                u
                for u in caseworkers.values()
                if case.org_unit_id is not None
                and case.org_unit_id in set(u.org_units.values_list("pk", flat=True))
            ),
            None,
        )
        for step in _path_to(target, case.status_model):
            # the applicant withdraws (the system for anonymous applicants); staff do everything else
            actor = (case.applicant if step == Status.ZURUECKGEZOGEN else worker) or None
            case = case_transition(
                actor=actor,
                case=case,
                to=step,
                text=sub_rng.choice(QUESTIONS) if step == Status.RUECKFRAGE else "",
                decision=sub_rng.choice(("bewilligt", "bewilligt", "bewilligt", "abgelehnt", "teilweise"))
                if step == Status.ENTSCHIEDEN
                else "",
                source="amtsweg load-demo",
            )
        if worker is not None and case.is_open and sub_rng.random() < 0.6:
            case_assign(actor=None, case=case, assignee=worker)
        if case.status == Status.IN_PRUEFUNG and sub_rng.random() < 0.15:
            case_message_send(
                actor=worker, case=case, text="Ihr Antrag ist vollständig; wir melden uns bald."
            )
        if case.applicant is not None and case.status == Status.RUECKFRAGE and sub_rng.random() < 0.5:
            case_reply(actor=case.applicant, case=case, text="Ich reiche das gern nach, bitte kurz Geduld.")
        _backdate(case, received)
        if case.status == Status.RUECKFRAGE and sub_rng.random() < 0.4:
            # waiting too long for the applicant's answer
            Case.objects.filter(pk=case.pk).update(
                reply_due=timezone.localdate() - datetime.timedelta(days=2)
            )
        created += 1
    return {"cases": created}
