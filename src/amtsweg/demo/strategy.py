"""Demo data of the strategy cockpit: „Coesfeld 12.0 – Im Kreis gemeinsam digital“ (DOMAIN.md §2, §3).

Facts from the council documents: the eight Handlungsfelder, the Quick-Check with Bedeutung and
Digitalisierungspotenzial, the priorities decided in workshop 2, the dates 18.06.2019 (kick-off),
11.11.2019 (half-time conference) and 19.02.2020 (Themenworkshop Mobilität, about 30 participants), the
30.000 € at Produkt 01.02.01 in 2020, the 500.000 € promised by the Land and up to 300.000 € own funds
(half investiv, half konsumtiv) in 2021, extra staff in the Stellenplan, the funding programmes.

Invented for the demo (plausible, not published): the individual ratings (the scale was never
published; these reproduce the published tiers under the default rule), vision and goal texts,
the date of workshop 2, projects, positions, application figures and dates. Every record is written
through :mod:`amtsweg.strategy.services`; a second load creates nothing new.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import models

from amtsweg.catalog.models import Service
from amtsweg.strategy.models import (
    BudgetLine,
    FieldOfAction,
    FundingApplication,
    FundingCall,
    FundingProgramme,
    Goal,
    Lesson,
    Milestone,
    Position,
    Principle,
    Project,
    ProjectIdea,
    ProjectKpi,
    QuickCheckRound,
    Solution,
    Strategy,
    WorkingGroup,
    WorkingGroupMember,
    Workshop,
)
from amtsweg.strategy.services import (
    rating_save,
    round_close,
    round_open,
    strategy_object_save,
    tier_decision_record,
)
from amtsweg.tenants.models import Authority

SOURCE = "amtsweg load-demo"
KREIS = "kreis-coesfeld"
STRATEGY_SLUG = "coesfeld-12-0"
ROUND_TITLE = "Quick-Check 2019"
D = datetime.date

PARTICIPANTS = (
    KREIS,
    "ascheberg",
    "billerbeck",
    "coesfeld",
    "duelmen",
    "havixbeck",
    "luedinghausen",
    "nordkirchen",
    "nottuln",
    "olfen",
    "rosendahl",
    "senden",
)

# slug, name, tier decided in workshop 2, Zukunftsbild, goals
FIELDS: tuple[tuple[str, str, int, str, tuple[str, ...]], ...] = (
    (
        "verwaltung",
        "Verwaltung",
        1,
        "Bürgerinnen, Bürger und Unternehmen erledigen ihre Anliegen bei Kreis und Kommunen online, "
        "einfach und von überall; intern laufen die Prozesse medienbruchfrei.",
        (
            "Alle OZG-Leistungen des Kreises und der Kommunen sind online beantragbar.",
            "Eingänge werden digital an die zuständige Stelle weitergeleitet.",
        ),
    ),
    (
        "bildung",
        "Bildung",
        1,
        "Alle Schulen im Kreis sind zeitgemäß ausgestattet und verlässlich betreut; Lernen gelingt "
        "digital gestützt in Schule und zu Hause.",
        (
            "Jede Schule hat einen verlässlichen IT-Support.",
            "Lehrkräfte werden regelmäßig für digitales Lernen fortgebildet.",
        ),
    ),
    (
        "wirtschaft",
        "Wirtschaft",
        2,
        "Unternehmen finden im Kreis digitale Infrastruktur, digitale Verwaltungsangebote und "
        "Unterstützung bei der eigenen Digitalisierung.",
        ("Gewerbe- und Bauverfahren sind vollständig digital.",),
    ),
    (
        "innenstadt-dorfmitte",
        "Innenstadt/Dorfmitte",
        2,
        "Innenstädte und Dorfmitten bleiben lebendige Orte, die ihr Angebot auch digital sichtbar machen.",
        ("Ein gemeinsames Schaufenster für den Handel vor Ort.",),
    ),
    (
        "mobilitaet",
        "Mobilität",
        2,
        "Wer im Kreis unterwegs ist, plant Bus, Bahn, Rad und Mitfahrt in einer Auskunft.",
        ("Mobilitätsangebote sind digital buchbar und vernetzt.",),
    ),
    (
        "tourismus",
        "Tourismus",
        3,
        "Gäste finden Rad- und Kulturangebote des Münsterlands digital und aktuell.",
        ("Touristische Daten sind offen und aktuell.",),
    ),
    (
        "kultur",
        "Kultur",
        3,
        "Kulturangebote und Archive sind digital zugänglich.",
        ("Veranstaltungen aller Kommunen in einem Kalender.",),
    ),
    (
        "gesundheit",
        "Gesundheit",
        3,
        "Gesundheits- und Pflegeangebote sind digital auffindbar; der Gesundheitsdienst arbeitet digital.",
        ("Termine beim Gesundheitsamt sind online buchbar.",),
    ),
)

PRINCIPLES: tuple[tuple[str, str], ...] = (
    ("Im Kreis gemeinsam", "Kreis und Kommunen entwickeln Lösungen einmal und nutzen sie gemeinsam."),
    ("Der Mensch im Mittelpunkt", "Digitale Angebote sind einfach, barrierefrei und freiwillig."),
    ("Offen und sicher", "Offene Standards, Datenschutz und Informationssicherheit von Anfang an."),
)

# Demo ratings of the 12 participants (in PARTICIPANTS order): Bedeutung, Digitalisierungspotenzial.
# Score = mean of both means; with the default rule (I from 4.00, II from 3.00) they give the
# published tiers. The sums are checked in strategy/tests/test_demo_strategy.py.
RATINGS: dict[str, tuple[str, str]] = {
    "verwaltung": ("555545554555", "554555455545"),
    "bildung": ("545455445544", "444544454445"),
    "wirtschaft": ("545344443444", "333433333433"),
    "innenstadt-dorfmitte": ("434333343333", "444344434444"),
    "mobilitaet": ("343434433443", "343232333433"),
    "tourismus": ("323334323343", "232223232322"),
    "kultur": ("232222232232", "333233333223"),
    "gesundheit": ("434343344334", "232122212232"),
}
COMMENTS = {
    ("duelmen", "mobilitaet"): "Für die Ortsteile ist der Anschluss an Bus und Bahn entscheidend.",
    ("rosendahl", "innenstadt-dorfmitte"): "Die Dorfmitten brauchen Unterstützung beim digitalen Handel.",
    (KREIS, "verwaltung"): "Das OZG gibt den Takt vor: bis Ende 2022 müssen die Leistungen online sein.",
}
DECISION_REASON = (
    "Im zweiten Workshop diskutiert und konsolidiert; die Priorität entspricht dem Ergebnis des Quick-Checks."
)

PROGRAMMES: tuple[dict[str, Any], ...] = (
    {
        "name": "Modellprojekte Smart Cities",
        "funder": FundingProgramme.Funder.BUND,
        "funder_body": "BMWSB/KfW",
        "rate_percent": Decimal("65"),
        "rate_note": "90 % für Kommunen in Haushaltsnotlage",
        "eligibility": "Kommunen und Kreise mit einer integrierten Smart-City-Strategie; Aufrufe 2019–2021.",
    },
    {
        "name": "Smarte.Land.Regionen",
        "funder": FundingProgramme.Funder.BUND,
        "funder_body": "BMEL",
        "max_amount": Decimal("1000000"),
        "eligibility": "Landkreise in ländlichen Räumen; der Kreis Coesfeld wurde 2020 ausgewählt.",
        "runs_from": D(2021, 1, 1),
        "runs_until": D(2024, 12, 31),
    },
    {
        "name": "Digitale Modellregionen NRW",
        "funder": FundingProgramme.Funder.LAND,
        "funder_body": "Land NRW",
        "rate_percent": Decimal("80"),
        "rate_note": "Kommunen bis zu 80 %",
        "runs_from": D(2018, 1, 1),
        "runs_until": D(2023, 6, 30),
    },
    {
        "name": "DigitalPakt Schule",
        "funder": FundingProgramme.Funder.BUND,
        "funder_body": "Bund (BMBF), NRW 1,054 Mrd. €",
        "rate_percent": Decimal("90"),
        "rate_note": "Eigenanteil 10 %",
        "runs_from": D(2019, 1, 1),
        "runs_until": D(2024, 12, 31),
    },
    {
        "name": "DigitalPakt 2.0",
        "funder": FundingProgramme.Funder.BUND_LAND,
        "funder_body": "Bund und Länder",
        "rate_percent": Decimal("50"),
        "rate_note": "Länderanteil 50 %",
        "runs_from": D(2026, 1, 1),
    },
    {
        "name": "Gigabit-Richtlinie 2.0 mit NRW-Kofinanzierung",
        "funder": FundingProgramme.Funder.BUND_LAND,
        "funder_body": "Bund und Land NRW",
        "rate_percent": Decimal("90"),
        "rate_note": "Das Land stockt bis auf 90 % auf.",
        "runs_until": D(2030, 12, 31),
    },
    {
        "name": "Landesmittel Digitalisierung (Zusage 2021)",
        "funder": FundingProgramme.Funder.LAND,
        "funder_body": "Land NRW",
        "max_amount": Decimal("500000"),
        "eligibility": "Bereits zugesagte Landesmittel für zusätzliche Aufwandspositionen "
        "(investiv/konsumtiv);"
        " das Programm ist in der Quelle nicht benannt.",
    },
)


def load_strategy_demo() -> Counter[str]:
    """Create the strategy demo (idempotent: existing records are kept as they are)."""
    counts: Counter[str] = Counter()
    kreis = Authority.objects.get(slug=KREIS)
    strategy = Strategy.objects.filter(slug=STRATEGY_SLUG).first()
    if strategy is None:
        strategy = Strategy(
            owner=kreis,
            slug=STRATEGY_SLUG,
            title="Coesfeld 12.0 – Im Kreis gemeinsam digital",
            vision="Eine voll digitale, bürgernahe Verwaltung von Kreis und Kommunen: Dienstleistungen "
            "einfach, effizient und schnell in Anspruch nehmen, verwaltungsintern optimal gestaltete "
            "Prozesse – im Kreis gemeinsam digital.",
            adopted_on=None,  # October 2021 by the Kreistag and all 11 councils; the day is not published
        )
        _save(counts, strategy)
    for order, (title, text) in enumerate(PRINCIPLES):
        _ensure(counts, Principle, {"strategy": strategy, "title": title}, {"order": order, "text": text})
    fields: dict[str, FieldOfAction] = {}
    for order, (slug, name, _tier, vision, goals) in enumerate(FIELDS):
        field = _ensure(
            counts,
            FieldOfAction,
            {"strategy": strategy, "slug": slug},
            {"name": name, "order": order, "vision": vision},
        )
        fields[slug] = field
        for goal_order, text in enumerate(goals):
            _ensure(counts, Goal, {"field": field, "text": text}, {"order": goal_order})
    workshops = _workshops(counts, strategy, fields)
    _round(counts, strategy, fields, workshops["workshop-2"])
    _working_groups(counts, strategy, fields, kreis)
    programmes = {
        data["name"]: _ensure(
            counts, FundingProgramme, {"name": data["name"]}, {k: v for k, v in data.items() if k != "name"}
        )
        for data in PROGRAMMES
    }
    projects = _projects(counts, strategy, fields, kreis)
    _budget(counts, kreis, programmes, projects)
    _funding(counts, kreis, programmes, projects)
    _knowledge(counts, fields, projects)
    return counts


# --- helpers -------------------------------------------------------------------------------------


def _save(counts: Counter[str], obj: models.Model, m2m: dict[str, Any] | None = None) -> None:
    strategy_object_save(actor=None, obj=obj, m2m=m2m, source=SOURCE)
    counts[f"strategy_{obj._meta.model_name}"] += 1


def _ensure[M: models.Model](
    counts: Counter[str],
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    m2m: dict[str, Any] | None = None,
) -> M:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _save(counts, obj, m2m)
    return obj


def _town(slug: str) -> Authority:
    return Authority.objects.get(slug=slug)


def _workshops(
    counts: Counter[str], strategy: Strategy, fields: dict[str, FieldOfAction]
) -> dict[str, Workshop]:
    all_fields = list(fields.values())
    towns = list(Authority.objects.filter(slug__in=PARTICIPANTS))
    data: tuple[tuple[Any, ...], ...] = (
        (
            "auftakt",
            "Auftaktveranstaltung",
            Workshop.Kind.KICKOFF,
            D(2019, 6, 18),
            None,
            [],
            "Gemeinsamer Start mit wfc, Kreis, den kreisangehörigen Kommunen "
            "und den Fraktionen des Kreistages.",
        ),
        (
            "workshop-1",
            "Workshop 1: Themenfelder",
            Workshop.Kind.WORKSHOP,
            D(2019, 6, 18),
            None,
            all_fields,
            "Acht Themenfelder benannt: Verwaltung, Bildung, Mobilität, Tourismus, "
            "Wirtschaft, Gesundheit, Kultur, "
            "Innenstadt/Dorfmitte.",
        ),
        # The date of workshop 2 is not published; a plausible date between Quick-Check and conference.
        (
            "workshop-2",
            "Workshop 2: Konsolidierung des Quick-Checks",
            Workshop.Kind.WORKSHOP,
            D(2019, 9, 24),
            None,
            all_fields,
            "Einzelergebnisse diskutiert und konsolidiert: Priorität I Verwaltung, Bildung; II Wirtschaft, "
            "Innenstadt/Dorfmitte, Mobilität; III Tourismus, Kultur, Gesundheit.",
        ),
        (
            "halbzeit",
            "Halbzeitkonferenz",
            Workshop.Kind.CONFERENCE,
            D(2019, 11, 11),
            None,
            all_fields,
            "Entwurf der Vision „Coesfeld 12.0 – Im Kreis gemeinsam digital“ "
            "mit Grundsätzen und Zukunftsbildern "
            "vorgestellt, diskutiert und verabschiedet.",
        ),
        (
            "mobilitaet",
            "Themenworkshop Mobilität",
            Workshop.Kind.DEEP_DIVE,
            D(2020, 2, 19),
            30,
            [fields["mobilitaet"]],
            "Projekt- und Umsetzungsideen mit regionalen und überregionalen Fachleuten.",
        ),
    )
    result = {}
    for key, title, kind, date, count, wfields, outcomes in data:
        result[key] = _ensure(
            counts,
            Workshop,
            {"strategy": strategy, "title": title},
            {"kind": kind, "date": date, "participant_count": count, "outcomes": outcomes},
            m2m={"fields": wfields, "participating_authorities": towns},
        )
    for title in ("Mobilitätsplattform für Bus, Bahn, Rad und Mitfahrt", "Digitale Mitfahrbank"):
        _ensure(
            counts,
            ProjectIdea,
            {"workshop": result["mobilitaet"], "title": title},
            {"field": fields["mobilitaet"]},
        )
    return result


def _round(
    counts: Counter[str], strategy: Strategy, fields: dict[str, FieldOfAction], workshop: Workshop
) -> None:
    if QuickCheckRound.objects.filter(strategy=strategy, title=ROUND_TITLE).exists():
        return
    participants = [_town(slug) for slug in PARTICIPANTS]
    round_ = round_open(
        actor=None,
        strategy=strategy,
        title=ROUND_TITLE,
        fields=list(fields.values()),
        participants=participants,
        description="Bewertung der acht Themenfelder nach Bedeutung und Digitalisierungspotenzial.",
        source=SOURCE,
    )
    for index, authority in enumerate(participants):
        for slug, (importance, potential) in RATINGS.items():
            rating_save(
                actor=None,
                round=round_,
                authority=authority,
                field=fields[slug],
                scores={"bedeutung": int(importance[index]), "potenzial": int(potential[index])},
                comment=COMMENTS.get((authority.slug, slug), ""),
                source=SOURCE,
            )
            counts["strategy_rating"] += 1
    round_close(actor=None, round=round_, source=SOURCE)
    from amtsweg.strategy.selectors import round_results

    results = {r.field.slug: r for r in round_results(round_).fields}
    for slug, _name, tier, _vision, _goals in FIELDS:
        tier_decision_record(
            actor=None,
            round=round_,
            field=fields[slug],
            tier=tier,
            proposed_tier=results[slug].proposed_tier,
            reason=DECISION_REASON,
            decided_on=workshop.date,
            workshop=workshop,
            source=SOURCE,
        )
        counts["strategy_tierdecision"] += 1


def _working_groups(
    counts: Counter[str], strategy: Strategy, fields: dict[str, FieldOfAction], kreis: Authority
) -> None:
    for name, field, purpose, members in (
        (
            "Arbeitsgremium Verwaltung",
            "verwaltung",
            "Vertieft das Handlungsfeld Verwaltung: OZG-Umsetzung, gemeinsame Onlinedienste.",
            (
                (KREIS, "Personal, Organisation und Digitalisierung", True),
                ("duelmen", "Bürgerbüro", False),
                ("coesfeld", "Organisation und IT", False),
                ("senden", "Hauptamt", False),
            ),
        ),
        (
            "Arbeitsgremium Bildung",
            "bildung",
            "Vertieft das Handlungsfeld Bildung: Ausstattung und IT-Support der Schulen.",
            (
                (KREIS, "Schule und Bildung", True),
                ("luedinghausen", "Schulverwaltung", False),
                ("nottuln", "Schulverwaltung", False),
            ),
        ),
    ):
        group = _ensure(
            counts,
            WorkingGroup,
            {"strategy": strategy, "name": name},
            {"field": fields[field], "purpose": purpose, "meets": "monatlich"},
        )
        for slug, function, lead in members:
            _ensure(
                counts,
                WorkingGroupMember,
                {"group": group, "authority": _town(slug), "function": function},
                {"is_lead": lead},
            )


def _projects(
    counts: Counter[str], strategy: Strategy, fields: dict[str, FieldOfAction], kreis: Authority
) -> dict[str, Project]:
    towns = list(Authority.objects.filter(parent=kreis))
    services = list(
        Service.objects.filter(external_id__in=["coe-wohngeld", "coe-kita-platz", "coe-gewerbe-anmelden"])
    )
    data: tuple[tuple[Any, ...], ...] = (
        (
            "ozg-onlinedienste",
            "Gemeinsame OZG-Onlinedienste",
            "verwaltung",
            Project.Status.RUNNING,
            "Verwaltungsleistungen von Kreis und Kommunen gemeinsam online anbieten (Einer für Alle).",
            "Weniger Wege ins Amt, schnellere Bearbeitung.",
            # = the 2021 budget lines of the project: 150.000 € own funds + 500.000 € of the Land.
            Decimal("650000"),
            towns,
            services,
            D(2021, 1, 1),
            D(2027, 12, 31),
        ),
        (
            "it-support-schulen",
            "IT-Support für Schulen",
            "bildung",
            Project.Status.RUNNING,
            "Verlässlicher IT-Support für die Schulen in kommunaler Trägerschaft.",
            "Funktionierende Technik im Unterricht.",
            # = 150.000 € own funds (2021) + 225.000 € DigitalPakt Schule (2022).
            Decimal("375000"),
            towns[:4],
            [],
            D(2021, 8, 1),
            None,
        ),
        (
            "mobilitaetsplattform",
            "Mobilitätsplattform",
            "mobilitaet",
            Project.Status.PLANNED,
            "Eine Auskunft für Bus, Bahn, Rad und Mitfahrt im Kreis.",
            "Mehr Menschen nutzen Alternativen zum eigenen Auto.",
            Decimal("180000"),
            towns[:3],
            [],
            None,
            None,
        ),
        (
            "smart-cities-bewerbung",
            "Modellprojekt Smart Cities (Bewerbung)",
            "innenstadt-dorfmitte",
            Project.Status.PLANNED,
            "Als Modellregion des Bundes digitale Lösungen für Innenstädte und Dorfmitten erproben.",
            "Lebendige Orts- und Stadtkerne, erprobte Lösungen für alle Kommunen.",
            # The bid of 2021: own share 2,86 M€ at 65 % funding, total = own share / 0,35.
            Decimal("8171428.57"),
            towns,
            [],
            None,
            None,
        ),
    )
    result = {}
    for slug, title, field, status, goal, benefit, cost, partners, svc, start, end in data:
        result[slug] = _ensure(
            counts,
            Project,
            {"strategy": strategy, "slug": slug},
            {
                "title": title,
                "field": fields[field],
                "status": status,
                "goal": goal,
                "lead": kreis,
                "expected_benefit": benefit,
                "estimated_cost": cost,
                "starts_on": start,
                "ends_on": end,
            },
            m2m={"partners": partners, "services": svc},
        )
    ozg = result["ozg-onlinedienste"]
    _ensure(
        counts,
        Milestone,
        {"project": ozg, "title": "Erste zehn Leistungen online"},
        {"due_on": D(2022, 12, 31), "reached_on": D(2022, 11, 30)},
    )
    _ensure(
        counts,
        Milestone,
        {"project": ozg, "title": "Alle Leistungen mit Reifegrad 3"},
        {"due_on": D(2027, 12, 31)},
    )
    _ensure(
        counts,
        ProjectKpi,
        {"project": ozg, "name": "Online beantragbare Leistungen"},
        {"unit": "Anzahl", "baseline": Decimal("5"), "target": Decimal("60")},
    )
    idea = ProjectIdea.objects.filter(title__startswith="Mobilitätsplattform", project__isnull=True).first()
    if idea is not None:
        idea.project = result["mobilitaetsplattform"]
        _save(counts, idea)
    return result


def _budget(
    counts: Counter[str],
    kreis: Authority,
    programmes: dict[str, FundingProgramme],
    projects: dict[str, Project],
) -> None:
    land = programmes["Landesmittel Digitalisierung (Zusage 2021)"]
    own, grant = BudgetLine.Source.OWN, BudgetLine.Source.GRANT
    inv, kon = BudgetLine.Kind.INVESTIVE, BudgetLine.Kind.CONSUMPTIVE
    lines = (
        (
            2020,
            "Erste Projekte der Digitalisierungsstrategie",
            kon,
            own,
            None,
            Decimal("30000"),
            Decimal("27450"),
            None,
        ),
        (
            2021,
            "Eigenmittel Digitalisierung (investiv)",
            inv,
            own,
            None,
            Decimal("150000"),
            Decimal("0"),
            "ozg-onlinedienste",
        ),
        (
            2021,
            "Eigenmittel Digitalisierung (konsumtiv)",
            kon,
            own,
            None,
            Decimal("150000"),
            Decimal("0"),
            "it-support-schulen",
        ),
        # The motion names no split for the Land's 500.000 €; half and half is a demo assumption.
        (
            2021,
            "Landesmittel Digitalisierung (investiv)",
            inv,
            grant,
            land,
            Decimal("250000"),
            Decimal("0"),
            "ozg-onlinedienste",
        ),
        (
            2021,
            "Landesmittel Digitalisierung (konsumtiv)",
            kon,
            grant,
            land,
            Decimal("250000"),
            Decimal("0"),
            "ozg-onlinedienste",
        ),
        (
            2022,
            "DigitalPakt Schule: IT-Support (Zuwendung)",
            kon,
            grant,
            programmes["DigitalPakt Schule"],
            Decimal("225000"),
            Decimal("0"),
            "it-support-schulen",
        ),
    )
    for year, title, kind, source, programme, plan, actual, project in lines:
        _ensure(
            counts,
            BudgetLine,
            {"owner": kreis, "year": year, "title": title},
            {
                "product": "01.02.01",
                "kind": kind,
                "source": source,
                "programme": programme,
                "plan": plan,
                "actual": actual,
                "project": projects[project] if project else None,
            },
        )
    _ensure(
        counts,
        Position,
        {"owner": kreis, "title": "Koordination Digitalisierungsstrategie"},
        {
            "pay_grade": "EG 11",
            "fte": Decimal("1.00"),
            "starts_on": D(2021, 7, 1),
            "funded_by": "Eigenmittel Haushalt 2021 (Stellenplan)",
            "project": projects["ozg-onlinedienste"],
            "is_filled": True,
        },
    )
    _ensure(
        counts,
        Position,
        {"owner": kreis, "title": "IT-Support Schulen"},
        {
            "pay_grade": "EG 9b",
            "fte": Decimal("2.00"),
            "starts_on": D(2021, 8, 1),
            "funded_by": "Eigenmittel Haushalt 2021",
            "project": projects["it-support-schulen"],
        },
    )


def _funding(
    counts: Counter[str],
    kreis: Authority,
    programmes: dict[str, FundingProgramme],
    projects: dict[str, Project],
) -> None:
    pact = programmes["DigitalPakt 2.0"]
    call = _ensure(
        counts,
        FundingCall,
        {"programme": pact, "title": "Erster Förderaufruf (Beispiel)"},
        {"opens_on": D(2026, 9, 1), "deadline": D(2026, 12, 15)},
    )
    smart = programmes["Modellprojekte Smart Cities"]
    applications = (
        # Kreis Coesfeld's 2021 bid: own share 2,86 M€ at 65 % funding (total = own share / 0,35).
        (
            projects["smart-cities-bewerbung"],
            smart,
            None,
            FundingApplication.Status.SUBMITTED,
            Decimal("8171428.57"),
            Decimal("5311428.57"),
            {"submitted_on": D(2021, 3, 15)},
        ),
        (
            projects["it-support-schulen"],
            pact,
            call,
            FundingApplication.Status.PLANNED,
            Decimal("300000"),
            Decimal("150000"),
            {"submission_deadline": call.deadline},
        ),
        (
            projects["it-support-schulen"],
            programmes["DigitalPakt Schule"],
            None,
            FundingApplication.Status.GRANTED,
            Decimal("250000"),
            Decimal("225000"),
            {
                "granted_amount": Decimal("225000"),
                "submitted_on": D(2020, 5, 4),
                "grant_notice_on": D(2020, 9, 1),
                "proof_of_use_deadline": D(2027, 6, 30),
            },
        ),
    )
    for project, programme, pcall, status, total, requested, extra in applications:
        _ensure(
            counts,
            FundingApplication,
            {"project": project, "programme": programme},
            {
                "call": pcall,
                "applicant": kreis,
                "status": status,
                "total_cost": total,
                "requested_amount": requested,
                **extra,
            },
        )


def _knowledge(counts: Counter[str], fields: dict[str, FieldOfAction], projects: dict[str, Project]) -> None:
    duelmen = _town("duelmen")
    solution = _ensure(
        counts,
        Solution,
        {"authority": duelmen, "title": "Online-Terminvergabe Bürgerbüro"},
        {
            "kind": Solution.Kind.SOFTWARE,
            "summary": "Terminbuchung für das Bürgerbüro, barrierefrei und ohne Konto.",
            "field": fields["verwaltung"],
            "contact": "Bürgerbüro der Stadt Dülmen",
            "licence": "EUPL-1.2",
        },
    )
    _ensure(
        counts,
        Lesson,
        {"authority": duelmen, "title": "Termine statt Warteschlange"},
        {
            "text": "Seit der Online-Terminvergabe sind die Wartezeiten kürzer; "
            "ein Telefonkanal bleibt wichtig.",
            "field": fields["verwaltung"],
            "solution": solution,
        },
    )
