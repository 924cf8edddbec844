"""The live OZG maturity dashboard: how digital is each service in each town, measured on our own data.

Everything here is a pure read over the platform's records; nothing is entered by hand.

Per pair (service, municipality) we measure *criteria*:

``information``      the service is published in the catalogue and a responsibility rule names who
                     serves citizens of the municipality;
``online_form``      a published form for the service that serves the municipality: one owned by the
                     responsible authority, or one owned by the Kreis – the Kreis portal offers its forms
                     to citizens of every town and the intake routes them to the responsible authority
                     ("Einer für Alle"); a form a town built for itself does not count for other towns
                     (for them it is an offer to adopt, see the knowledge base);
``evidence_online``  that form has a file field, or the service needs no documents;
``digital_processing``  applications of the pair are worked as cases in Amtsweg (a ``cases.Case`` exists in
                     the twelve months shown);
``digital_decision`` a decision letter of such a case was delivered to the applicant's mailbox
                     (``cases.DecisionLetter.sent_at``);
``once_only``        evidence is fetched from registers – not measured (False);
``proactive``        the service is given without application – not measured (False).

The scale itself is data (:class:`amtsweg.catalog.models.MaturityModel` and its levels). Which
criteria a level needs is written below per model name (:data:`LEVEL_CRITERIA`); a model without an
entry is mapped from its levels' ``is_online`` flag. Levels are cumulative and **the lowest unmet
criterion sets the level**: a pair reaches level *n* only if every criterion of levels 1…*n* holds.

Figures per pair: submissions per month (``submissions.Submission`` by service, municipality and
``submitted_at``) and the channels they came through. Two figures cannot be computed yet and are shown
the median processing time (whole calendar days from receipt to decision of the cases received in those
months and decided; "–" while there is none) and, shown as "–" with an explanation, the share of online
applications among all channels (paper and counter applications are not recorded anywhere yet).

The matrix is built with a fixed number of queries whatever its size (services × municipalities).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import MaturityLevel, MaturityModel, Responsibility, Service, Themenfeld
from amtsweg.catalog.selectors import municipalities, published_services
from amtsweg.forms.models import FormVersion
from amtsweg.strategy.rollup import case_rows, median_of, next_month, submission_rows
from amtsweg.tenants.models import Authority, OrgUnit

MONTHS = 12  # submissions are counted over the last twelve calendar months (the current one included)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: Any  # lazy translation
    help: Any
    measured: bool = True  # False: the platform cannot measure it yet, so it is never met


CRITERIA: dict[str, Criterion] = {
    c.key: c
    for c in (
        Criterion(
            "information",
            _("Informationen und Zuständigkeit"),
            _(
                "Die Leistung ist im Katalog veröffentlicht und die Zuständigkeit für die Gemeinde "
                "hinterlegt."
            ),
        ),
        Criterion(
            "online_form",
            _("Online-Formular"),
            _("Die zuständige Behörde hat ein veröffentlichtes Online-Formular für die Leistung."),
        ),
        Criterion(
            "evidence_online",
            _("Nachweise online"),
            _("Das Formular hat ein Feld zum Hochladen von Nachweisen – oder die Leistung braucht keine."),
        ),
        Criterion(
            "digital_processing",
            _("Digitale Bearbeitung"),
            _("Anträge werden als Vorgang in Amtsweg bearbeitet. Wird mit der Vorgangsbearbeitung gemessen."),
            measured=False,
        ),
        Criterion(
            "digital_decision",
            _("Bescheid digital"),
            _("Der Bescheid wird digital zugestellt. Wird mit der Vorgangsbearbeitung gemessen."),
            measured=False,
        ),
        Criterion(
            "once_only",
            _("Once-Only"),
            _("Nachweise werden mit Zustimmung aus Registern abgerufen. Noch nicht messbar."),
            measured=False,
        ),
        Criterion(
            "proactive",
            _("Antragslos"),
            _("Die Leistung wird ohne Antrag oder automatisch erbracht. Noch nicht messbar."),
            measured=False,
        ),
    )
}

# Model name → {level: criteria newly required at that level}. Levels not named need nothing new.
LEVEL_CRITERIA: dict[str, dict[int, tuple[str, ...]]] = {
    "OZG-Reifegradmodell": {
        1: ("information",),
        2: ("online_form",),
        3: ("evidence_online",),
        4: ("digital_decision", "once_only"),
    },
    "Reifegradmodell 2.0": {
        1: ("information",),
        2: ("online_form",),
        3: ("online_form",),
        4: ("evidence_online", "digital_processing"),
        5: ("digital_decision",),
        6: ("once_only",),
        7: ("proactive",),
    },
}


def _fallback_criteria(levels: list[MaturityLevel]) -> dict[int, tuple[str, ...]]:
    """For a model we do not know by name: information, then a form, then the online levels."""
    mapping: dict[int, tuple[str, ...]] = {}
    online_seen = False
    for level in sorted(levels, key=lambda lv: lv.level):
        if level.level == 0:
            continue
        if level.level == 1:
            mapping[1] = ("information",)
        elif not level.is_online:
            mapping[level.level] = ("online_form",)
        elif not online_seen:
            mapping[level.level] = ("online_form", "evidence_online")
            online_seen = True
        else:
            # Higher online levels mean things we cannot measure yet; never claim them.
            mapping[level.level] = ("digital_decision",)
    return mapping


@dataclass(frozen=True)
class LevelRule:
    """A level of the scale with the criteria it needs (cumulative, so all of them)."""

    level: MaturityLevel
    new: tuple[Criterion, ...]  # what this level adds to the one below
    all: tuple[Criterion, ...]


def level_rules(model: MaturityModel, levels: list[MaturityLevel] | None = None) -> list[LevelRule]:
    levels = sorted(levels if levels is not None else model.levels.all(), key=lambda lv: lv.level)
    mapping = LEVEL_CRITERIA.get(model.name) or _fallback_criteria(levels)
    rules: list[LevelRule] = []
    seen: list[str] = []
    for level in levels:
        new = [key for key in mapping.get(level.level, ()) if key not in seen]
        seen.extend(new)
        rules.append(
            LevelRule(level=level, new=tuple(CRITERIA[k] for k in new), all=tuple(CRITERIA[k] for k in seen))
        )
    return rules


def level_for(
    rules: list[LevelRule], met: dict[str, bool]
) -> tuple[MaturityLevel | None, tuple[Criterion, ...]]:
    """The highest level whose criteria (and those of every level below) all hold, and what blocks the next.

    Returns ``(level, blocking)``; ``blocking`` are the unmet criteria of the next level (empty at the top).
    """
    reached: MaturityLevel | None = None
    for rule in rules:
        missing = tuple(c for c in rule.all if not met.get(c.key, False))
        if missing:
            return reached, missing
        reached = rule.level
    return reached, ()


@dataclass
class Cell:
    """One service in one municipality."""

    service_id: int
    municipality_id: int
    authority_id: int | None  # responsible authority; None: no rule
    org_unit_id: int | None
    met: dict[str, bool]
    level: MaturityLevel | None
    blocking: tuple[Criterion, ...]
    form_title: str = ""
    monthly: list[int] = field(default_factory=list)  # oldest first, MONTHS entries
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def is_online(self) -> bool:
        return bool(self.level is not None and self.level.is_online)

    @property
    def submissions_total(self) -> int:
        return sum(self.monthly)

    @property
    def submissions_last_month(self) -> int:
        """The last complete month (the one before the current)."""
        return self.monthly[-2] if len(self.monthly) >= 2 else 0

    @property
    def submissions_per_month(self) -> float:
        return self.submissions_total / len(self.monthly) if self.monthly else 0.0

    # Median of the calendar days from receipt to decision of the decided cases; None without any.
    median_processing_days: float | None = None

    # Not measurable yet; the templates show "–" with the explanation below.
    online_share: None = None


MEDIAN_EXPLANATION = _(
    "Median der Kalendertage vom Eingang bis zur Entscheidung, über die in Amtsweg bearbeiteten und "
    "entschiedenen Vorgänge der letzten zwölf Monate; „–“, solange es keine gibt."
)
SHARE_EXPLANATION = _(
    "Anträge auf Papier oder am Schalter werden noch nicht erfasst; gezählt werden nur Online-Anträge. "
    "Ein Anteil online gegenüber anderen Wegen lässt sich deshalb noch nicht berechnen."
)


@dataclass
class MaturityMatrix:
    model: MaturityModel
    rules: list[LevelRule]
    services: list[Service]
    municipalities: list[Authority]
    cells: dict[tuple[int, int], Cell]
    months: list[dt.date]
    authorities: dict[int, Authority]
    org_units: dict[int, OrgUnit]
    # Median processing days per town over all services of the matrix (see Cell.median_processing_days).
    town_medians: dict[int, float | None] = field(default_factory=dict)

    def cell(self, service: Service, municipality: Authority) -> Cell:
        return self.cells[(service.pk, municipality.pk)]

    def rows(self) -> list[tuple[Service, list[Cell]]]:
        return [(s, [self.cells[(s.pk, m.pk)] for m in self.municipalities]) for s in self.services]

    def online_service_ids(self, municipality: Authority) -> set[int]:
        return {s.pk for s in self.services if self.cells[(s.pk, municipality.pk)].is_online}

    def level_counts(self, municipality: Authority) -> list[tuple[LevelRule, int]]:
        counts: dict[int, int] = defaultdict(int)
        for s in self.services:
            level = self.cells[(s.pk, municipality.pk)].level
            counts[level.level if level else -1] += 1
        return [(rule, counts.get(rule.level.level, 0)) for rule in self.rules]

    def summary(self) -> list[dict[str, Any]]:
        """Per municipality: services online, submissions in twelve months (alphabetical, no ranking)."""
        out = []
        for m in self.municipalities:
            cells = [self.cells[(s.pk, m.pk)] for s in self.services]
            out.append(
                {
                    "municipality": m,
                    "online": sum(1 for c in cells if c.is_online),
                    "with_form": sum(1 for c in cells if c.met.get("online_form")),
                    "submissions": sum(c.submissions_total for c in cells),
                    "services": len(cells),
                    "median_days": self.town_medians.get(m.pk),
                }
            )
        return out

    def peer_offers(self, municipality: Authority) -> list[PeerOffer]:
        """What each other town has online that ``municipality`` has not yet – to learn from each other.

        Only services the towns provide themselves count (a Kreis form serves every town alike).
        Towns are listed alphabetically; there is no ranking.
        """
        own = self.online_service_ids(municipality)
        offers: list[PeerOffer] = []
        for peer in self.municipalities:
            if peer.pk == municipality.pk:
                continue
            items = []
            for s in self.services:
                peer_cell = self.cells[(s.pk, peer.pk)]
                mine = self.cells[(s.pk, municipality.pk)]
                if s.pk in own or not peer_cell.is_online:
                    continue
                # A service of a third authority (the Kreis) is the same for both towns;
                # only the town's own work counts.
                if peer_cell.authority_id != peer.pk or mine.authority_id not in (municipality.pk, None):
                    continue
                unit = self.org_units.get(peer_cell.org_unit_id) if peer_cell.org_unit_id else None
                items.append(PeerItem(service=s, cell=peer_cell, org_unit=unit))
            if items:
                offers.append(PeerOffer(peer=peer, items=items))
        return offers


@dataclass
class PeerItem:
    service: Service
    cell: Cell
    org_unit: OrgUnit | None

    @property
    def contact_phone(self) -> str:
        return (self.org_unit.phone if self.org_unit else "") or ""

    @property
    def contact_email(self) -> str:
        return (self.org_unit.email if self.org_unit else "") or ""


@dataclass
class PeerOffer:
    peer: Authority
    items: list[PeerItem]

    @property
    def contacts(self) -> list[OrgUnit]:
        seen: dict[int, OrgUnit] = {}
        for item in self.items:
            if item.org_unit is not None:
                seen.setdefault(item.org_unit.pk, item.org_unit)
        return list(seen.values())


def maturity_models() -> QuerySet[MaturityModel]:
    return MaturityModel.objects.order_by("-is_default", "name")


def default_maturity_model() -> MaturityModel | None:
    return maturity_models().first()


def _month_starts(today: dt.date) -> list[dt.date]:
    year, month = today.year, today.month
    starts = []
    for _i in range(MONTHS):
        starts.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _has_file_field(definition: dict[str, Any]) -> bool:
    """Walk the stored form model for a ``file`` field (without building the whole FormSpec)."""
    stack = [definition.get("root", {})]
    while stack:
        node = stack.pop()
        if node.get("kind") == "group":
            stack.extend(child.get("element", {}) for child in node.get("children", ()))
        elif node.get("datatype") == "file" or node.get("input") == "file":
            return True
    return False


def maturity_matrix(
    *,
    model: MaturityModel | None = None,
    themenfeld: Themenfeld | None = None,
    services: QuerySet[Service] | None = None,
    today: dt.date | None = None,
) -> MaturityMatrix | None:
    """Compute the whole matrix (services × municipalities) in a fixed number of queries.

    Returns ``None`` when no maturity model exists (the reference data is not loaded).
    """
    model = model or default_maturity_model()
    if model is None:
        return None
    levels = list(model.levels.all())
    rules = level_rules(model, levels)
    qs = services if services is not None else published_services()
    if themenfeld is not None:
        qs = qs.filter(themenfeld=themenfeld)
    service_list = list(qs.select_related("themenfeld").order_by("name"))
    towns = list(municipalities())
    service_ids = [s.pk for s in service_list]

    # Responsibility rules, applied as catalog.selectors.responsibility_resolve does
    # (own rule, else the default); tests/test_maturity.py checks both agree for every pair.
    rules_by_pair: dict[tuple[int, int | None], Responsibility] = {
        (r.service_id, r.municipality_id): r
        for r in Responsibility.objects.filter(service_id__in=service_ids)
    }
    # Published forms by (service, owner): does the owner's form take evidence?
    forms: dict[tuple[int, int], tuple[str, bool]] = {}
    for version in FormVersion.objects.filter(
        status=FormVersion.Status.PUBLISHED, form__service_id__in=service_ids
    ).values("form__service_id", "form__owner_id", "form__title", "definition"):
        key = (version["form__service_id"], version["form__owner_id"])
        has_file = _has_file_field(version["definition"] or {})
        previous = forms.get(key)
        if previous is None or (has_file and not previous[1]):
            forms[key] = (version["form__title"], has_file)
    kreis_ids = set(Authority.objects.filter(kind=Authority.Kind.KREIS).values_list("pk", flat=True))
    any_form: dict[int, tuple[str, bool]] = {}
    for (service_id, owner_id), offered in sorted(forms.items()):
        if owner_id in kreis_ids and (
            service_id not in any_form or (offered[1] and not any_form[service_id][1])
        ):
            any_form[service_id] = offered

    today = today or timezone.localdate()
    months = _month_starts(today)
    month_index = {m: i for i, m in enumerate(months)}
    monthly: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * MONTHS)
    channels: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    window_end = next_month(months[-1])
    wanted = set(service_ids)
    # Read from the monthly roll-up (closed months) and counted live for the current month
    # (amtsweg.strategy.rollup): the time does not grow with the number of cases.
    for row in submission_rows(months[0], window_end):
        if row.service_id not in wanted or row.municipality_id is None:
            continue
        key = (row.service_id, row.municipality_id)
        index = month_index.get(row.month)
        if index is not None:
            monthly[key][index] += row.count
        channels[key][row.channel] += row.count

    # Cases worked in Amtsweg: calendar days from receipt to decision of the decided ones (a histogram per
    # pair and per town, so the median is exact), and decisions delivered digitally.
    cell_days: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    town_days: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    delivered: set[tuple[int, int]] = set()
    for case_row in case_rows(months[0], window_end, service_ids):
        key = (case_row.service_id, case_row.municipality_id)
        cell_days[key]  # every pair with a case, decided or not
        town_days[case_row.municipality_id]
        if case_row.days is not None:
            cell_days[key][case_row.days] += case_row.cases
            town_days[case_row.municipality_id][case_row.days] += case_row.cases
        if case_row.delivered:
            delivered.add(key)
    worked = set(cell_days)
    cell_medians = {key: median_of(days) for key, days in cell_days.items()}
    town_medians = {town: median_of(days) for town, days in town_days.items()}

    # Org units named by function in the responsible authorities, for the contact of each cell.
    units = list(
        OrgUnit.objects.filter(authority_id__in=[*(t.pk for t in towns), *_rule_authorities(rules_by_pair)])
    )
    unit_by_function = {(u.authority_id, u.function): u for u in units if u.function}
    org_units = {u.pk: u for u in units}
    extra_ids = {
        r.org_unit_id for r in rules_by_pair.values() if r.org_unit_id and r.org_unit_id not in org_units
    }
    if extra_ids:
        org_units.update({u.pk: u for u in OrgUnit.objects.filter(pk__in=extra_ids)})

    cells: dict[tuple[int, int], Cell] = {}
    for s in service_list:
        for m in towns:
            rule = rules_by_pair.get((s.pk, m.pk)) or rules_by_pair.get((s.pk, None))
            authority_id = (rule.authority_id or m.pk) if rule else None
            unit_id: int | None = None
            if rule is not None and authority_id is not None:
                unit_id = rule.org_unit_id
                if unit_id is None and rule.org_unit_function:
                    found = unit_by_function.get((authority_id, rule.org_unit_function))
                    unit_id = found.pk if found else None
            form = forms.get((s.pk, authority_id)) if authority_id is not None else None
            if form is None:
                form = any_form.get(s.pk)
            met = {
                "information": rule is not None,
                "online_form": form is not None,
                "evidence_online": form is not None and (form[1] or not s.required_documents.strip()),
                "digital_processing": (s.pk, m.pk) in worked,
                "digital_decision": (s.pk, m.pk) in delivered,
                "once_only": False,
                "proactive": False,
            }
            level, blocking = level_for(rules, met)
            key = (s.pk, m.pk)
            cells[key] = Cell(
                service_id=s.pk,
                municipality_id=m.pk,
                authority_id=authority_id,
                org_unit_id=unit_id,
                met=met,
                level=level,
                blocking=blocking,
                form_title=form[0] if form else "",
                monthly=list(monthly.get(key, [0] * MONTHS)),
                by_channel=dict(channels.get(key, {})),
                median_processing_days=cell_medians.get(key),
            )
    authority_ids = {c.authority_id for c in cells.values() if c.authority_id}
    authorities = {a.pk: a for a in towns}
    missing = authority_ids - authorities.keys()
    if missing:
        authorities.update({a.pk: a for a in Authority.objects.filter(pk__in=missing)})
    return MaturityMatrix(
        model=model,
        rules=rules,
        services=service_list,
        municipalities=towns,
        cells=cells,
        months=months,
        authorities=authorities,
        org_units=org_units,
        town_medians=town_medians,
    )


def _rule_authorities(rules: dict[tuple[int, int | None], Responsibility]) -> list[int]:
    return sorted({r.authority_id for r in rules.values() if r.authority_id})
