"""The demo forms: they load, realistic answers pass, generated answers pass, and the demo stores them."""

from __future__ import annotations

import datetime
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amtsweg.forms.definition import definition_load
from amtsweg.forms.fieldtypes import TODAY, date_bound, text_problem
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec
from amtsweg.forms.steps import steps_for
from amtsweg.forms.validation import coerce, prune_hidden, validate, validate_version

DEFINITIONS = Path(__file__).parents[1] / "definitions"
FILE_ID = "0b7d3c8e-2f4a-4c1e-9a55-3e8f7d6c5b4a"


def load(name: str) -> FormSpec:
    return definition_load(DEFINITIONS / name).spec


SAMPLES: dict[str, dict[str, Any]] = {
    "schuelerfahrkosten.yaml": {
        "antragsteller": {
            "antrag_fuer": "kind",
            "vorname": "Jana",
            "nachname": "Beispiel",
            "strasse": "Musterweg 3",
            "plz": "48653",
            "ort": "Coesfeld",
        },
        "schueler": {"vorname": "Lena", "nachname": "Beispiel", "geburtsdatum": "14.03.2008"},
        "schule": {
            "schulform": "08",
            "schulname": "Pictorius-Berufskolleg",
            "klasse": "11b",
            "schuljahr": "2026/27",
            "entfernung_km": "7,5",
            "verkehrsmittel": "bus",
            "gefaehrlicher_schulweg": "on",
            "begruendung": "Landstraße ohne Gehweg und Beleuchtung.",
            "schulbescheinigung": FILE_ID,
        },
        "bank": {"kontoinhaber": "Petra Beispiel", "iban": "DE02 1203 0000 0000 2020 51"},
        "bestaetigung": "on",
    },
    "hundesteuer.yaml": {
        "halter": {
            "vorname": "Jonas",
            "nachname": "Probe",
            "geburtsdatum": "02.11.1979",
            "strasse": "Lindenallee 12",
            "plz": "48249",
            "ort": "Dülmen",
        },
        "hund": [
            {
                "name": "Bello",
                "rasse": "Labrador-Mischling",
                "geburtsdatum": "01.05.2022",
                "haltung_seit": "01.08.2022",
            },
            {
                "name": "Rex",
                "rasse": "Staffordshire-Mischling",
                "haltung_seit": "15.01.2025",
                "listenhund": "on",
                "listenrasse": "kreuzung",
                "erlaubnis_aktenzeichen": "32.1-2025-17",
                "sachkunde": FILE_ID,
            },
        ],
        "bestaetigung": "on",
    },
    "wohngeld.yaml": {
        "antragsteller": {
            "vorname": "Aylin",
            "nachname": "Muster",
            "geburtsdatum": "23.07.1988",
            "strasse": "Am Markt 5",
            "plz": "48301",
            "ort": "Nottuln",
            "einkommensart": "lohn",
            "einkommen_monat": "1.850,00",
        },
        "mitglied": [
            {
                "vorname": "Emil",
                "nachname": "Muster",
                "geburtsdatum": "09.09.2016",
                "verhaeltnis": "kind",
                "einkommensart": "keins",
            }
        ],
        "wohnung": {
            "wohnform": "miete",
            "wohnflaeche": "62,5",
            "mietbeginn": "01.04.2021",
            "kaltmiete": "540",
            "warmmiete": "725,50",
            "mietvertrag": FILE_ID,
            "einkommensnachweise": [FILE_ID],
        },
        "bestaetigung": "on",
    },
    "fuehrerschein-umtausch.yaml": {
        "person": {
            "vorname": "Heike",
            "nachname": "Beispiel",
            "geburtsdatum": "30.06.1965",
            "geburtsort": "Münster",
            "strasse": "Kirchstraße 1",
            "plz": "48727",
            "ort": "Billerbeck",
            "email": "heike.beispiel@example.org",
        },
        "fuehrerschein": {
            "art": "rosa",
            "klassen": ["3", "1b"],
            "ausstellungsdatum": "12.08.1984",
            "behoerde": "Kreis Coesfeld – Straßenverkehrsamt",
        },
        "unterlagen": {"lichtbild": FILE_ID, "fuehrerschein_kopie": FILE_ID},
        "bestaetigung": "on",
    },
    "kita-platz.yaml": {
        "kind": {"vorname": "Ida", "nachname": "Probe", "geburtsdatum": "05.02.2025", "geschlecht": "w"},
        "betreuung": {
            "beginn": "01.08.2026",
            "stunden": "35",
            "wunschkita": ["Kita Sonnenschein", "Kita Regenbogen"],
        },
        "sorgeberechtigte": [
            {
                "vorname": "Marie",
                "nachname": "Probe",
                "strasse": "Bahnhofstraße 8",
                "plz": "48653",
                "ort": "Coesfeld",
                "telefon": "02541 123456",
                "berufstaetig": "on",
                "wochenstunden": "30",
            }
        ],
        "bestaetigung": "on",
    },
    "anliegen.yaml": {
        "thema": "schaden",
        "betreff": "Schlagloch",
        "nachricht": "Auf dem Radweg ist ein tiefes Schlagloch.",
        "ort_schaden": "Radweg an der Dülmener Straße, Höhe Hausnummer 40",
        "anhang": FILE_ID,
        "kontakt": {"name": "Max Beispiel", "antwortweg": "email", "email": "max@example.org"},
    },
}


def test_every_definition_file_has_a_sample() -> None:
    assert {p.name for p in DEFINITIONS.glob("*.yaml")} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_realistic_answers_pass(name: str) -> None:
    spec = load(name)
    data = prune_hidden(spec, coerce(spec, SAMPLES[name]))
    assert validate(spec, data) == []
    assert steps_for(spec)
    assert all(f.label or f.datatype == "label" for _p, f in spec.fields())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_empty_answers_name_the_first_missing_fields(name: str) -> None:
    spec = load(name)
    result = validate(spec, coerce(spec, {}))
    assert result
    assert all(e.message.startswith("Bitte ") for e in result)


def test_schuelerfahrkosten_needs_a_reason_only_for_a_dangerous_way() -> None:
    spec = load("schuelerfahrkosten.yaml")
    raw = SAMPLES["schuelerfahrkosten.yaml"]
    without_reason = raw | {"schule": raw["schule"] | {"begruendung": ""}}
    assert [(e.path, e.message) for e in validate(spec, coerce(spec, without_reason))] == [
        ("schule.begruendung", "Bitte begründen Sie, warum der Schulweg besonders gefährlich ist.")
    ]
    safe = raw | {"schule": raw["schule"] | {"gefaehrlicher_schulweg": "", "begruendung": "alt"}}
    data = prune_hidden(spec, coerce(spec, safe))
    assert "begruendung" not in data["schule"]
    assert validate(spec, data) == []
    bad_iban = raw | {"bank": raw["bank"] | {"iban": "DE12 3456"}}
    assert {e.path: e.message for e in validate(spec, coerce(spec, bad_iban))} == {
        "bank.iban": (
            "Bitte prüfen Sie „IBAN“: Das ist keine gültige IBAN (z. B. DE02 1203 0000 0000 2020 51)."
        )
    }


def test_hundesteuer_listenhund_fields_per_dog() -> None:
    spec = load("hundesteuer.yaml")
    raw = SAMPLES["hundesteuer.yaml"]
    dogs = [raw["hund"][0] | {"listenhund": "on"}, raw["hund"][1] | {"erlaubnis_aktenzeichen": ""}]
    result = {
        e.path: e.message for e in validate(spec, prune_hidden(spec, coerce(spec, raw | {"hund": dogs})))
    }
    assert result == {
        "hund[0].listenrasse": "Bitte wählen Sie „Rasse nach § 3 Abs. 2 LHundG NRW“ aus.",
        "hund[0].erlaubnis_aktenzeichen": (
            "Für einen Listenhund brauchen wir das Aktenzeichen der Erlaubnis des Ordnungsamts."
        ),
        "hund[1].erlaubnis_aktenzeichen": (
            "Für einen Listenhund brauchen wir das Aktenzeichen der Erlaubnis des Ordnungsamts."
        ),
    }
    too_early = [raw["hund"][0] | {"geburtsdatum": "01.09.2022"}]
    assert {e.path: e.message for e in validate(spec, coerce(spec, raw | {"hund": too_early}))} == {
        "hund[0].haltung_seit": "Der Hund kann nicht vor seiner Geburt bei Ihnen eingezogen sein."
    }


def test_wohngeld_checks_rent_and_start() -> None:
    spec = load("wohngeld.yaml")
    raw = SAMPLES["wohngeld.yaml"]
    future = (timezone.localdate() + datetime.timedelta(days=40)).strftime("%d.%m.%Y")
    wrong = raw | {"wohnung": raw["wohnung"] | {"kaltmiete": "800", "mietbeginn": future}}
    assert {e.path: e.message for e in validate(spec, coerce(spec, wrong))} == {
        "wohnung.mietbeginn": (
            "Der Mietbeginn darf nicht in der Zukunft liegen. "
            "Wohngeld gibt es erst für eine bezogene Wohnung."
        ),
        "wohnung.kaltmiete": "Die Kaltmiete kann nicht höher sein als die Gesamtmiete.",
    }
    earner = raw["mitglied"][0] | {"einkommensart": "rente"}
    assert {e.path for e in validate(spec, coerce(spec, raw | {"mitglied": [earner]}))} == {
        "mitglied[0].einkommen_monat"
    }


def test_anliegen_asks_for_the_chosen_reply_channel() -> None:
    spec = load("anliegen.yaml")
    raw = SAMPLES["anliegen.yaml"] | {"kontakt": {"name": "Max", "antwortweg": "post"}}
    assert {e.path for e in validate(spec, coerce(spec, raw))} == {"kontakt.anschrift"}


# ---- generated answers --------------------------------------------------------------------------


def _field_strategy(spec: FormSpec, field: FieldSpec) -> st.SearchStrategy[Any]:
    datatype = field.datatype
    if field.code_list:
        codes = [entry.code for entry in spec.code_lists[field.code_list].entries]
        return st.sampled_from(codes)
    if datatype == "text":
        low = max(field.min_length or 0, 1)
        high = field.max_length or 200
        if field.pattern:
            regex = re.compile(field.pattern)
            # A browser's answer is stripped on the way in (coerce), so generate answers that strip
            # to themselves: "00000 " matches [0-9 ]{6} but is not what anyone's form would keep.
            # Control characters match patterns like [^@]+ but are refused in any text (field types).
            return st.from_regex(regex, fullmatch=True).filter(
                lambda s: low <= len(s) <= high and "\n" not in s and s == s.strip() and not text_problem(s)
            )
        alphabet = st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x17F)
        return st.text(alphabet, min_size=low, max_size=min(high, 40)).filter(
            lambda s: s.strip() != "" and s == s.strip()
        )
    if datatype == "date":
        today = timezone.localdate()
        low_bound, high_bound = date_bound(field.min_value), date_bound(field.max_value)
        low_date = (
            (today if low_bound == TODAY else datetime.date.fromisoformat(low_bound))
            if low_bound
            else datetime.date(1950, 1, 1)
        )
        high_date = (
            (today if high_bound == TODAY else datetime.date.fromisoformat(high_bound))
            if high_bound
            else today
        )
        return st.dates(low_date, min(high_date, timezone.localdate())).map(datetime.date.isoformat)
    if datatype in ("integer", "number", "currency"):
        low_n = float(field.min_value) if field.min_value is not None else -1000.0
        high_n = float(field.max_value) if field.max_value is not None else 1_000_000.0
        if datatype == "integer":
            return st.integers(int(low_n), int(high_n))
        cents = st.integers(int(low_n * 100), int(high_n * 100))
        return cents.map(lambda c: c / 100)
    if datatype == "bool":
        return st.booleans()
    if datatype == "iban":
        return st.sampled_from(
            ["DE02120300000000202051", "DE89 3704 0044 0532 0130 00", "NL91ABNA0417164300"]
        )
    if datatype == "file":
        return st.uuids().map(str)
    if datatype == "time":
        return st.times().map(lambda t: t.strftime("%H:%M"))
    return st.just("x")


def _child_strategy(spec: FormSpec, child: ChildSpec) -> st.SearchStrategy[Any]:
    element = child.element
    single = (
        _group_strategy(spec, element) if isinstance(element, GroupSpec) else _field_strategy(spec, element)
    )
    if not child.repeating:
        return single
    return st.lists(single, min_size=child.min, max_size=max(child.min, min(child.max or 3, 3)))


def _group_strategy(spec: FormSpec, group: GroupSpec) -> st.SearchStrategy[dict[str, Any]]:
    """Every field filled (so every ``require`` rule is met); hidden ones are pruned afterwards."""
    return st.fixed_dictionaries(
        {
            child.key: _child_strategy(spec, child)
            for child in group.children
            if not (isinstance(child.element, FieldSpec) and child.element.datatype == "label")
        }
    )


def answers(spec: FormSpec) -> st.SearchStrategy[dict[str, Any]]:
    return _group_strategy(spec, spec.root)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_generated_answers_pass_apart_from_cross_field_checks(name: str) -> None:
    spec = load(name)
    check_messages = {rule.message for rule in spec.rules if rule.kind == "check"}

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=answers(spec))
    def run(data: dict[str, Any]) -> None:
        result = validate(spec, prune_hidden(spec, data))
        assert [e for e in result if e.message not in check_messages] == []

    run()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_generated_answers_survive_string_round_trip(name: str) -> None:
    """What the HTML form sends back (strings) coerces to data that still passes."""
    spec = load(name)
    check_messages = {rule.message for rule in spec.rules if rule.kind == "check"}

    def as_text(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: as_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_text(v) for v in value]
        if isinstance(value, bool):
            return "on" if value else ""
        if isinstance(value, float):
            return f"{value:.2f}".replace(".", ",")
        return str(value)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=answers(spec))
    def run(data: dict[str, Any]) -> None:
        coerced = prune_hidden(spec, coerce(spec, as_text(data)))
        result = validate(spec, coerced)
        assert [e for e in result if e.message not in check_messages] == []

    run()


# ---- the demo loader ------------------------------------------------------------------------------


def test_the_demo_publishes_its_forms_linked_to_their_services(demo_db: dict[str, int]) -> None:
    # forms must not import the demo app (docs/architecture.md): the demo comes from the shared fixture.
    # That a second `load-demo` republishes nothing, and that it works without ../shared, is tested with the
    # command (demo/tests/test_load_demo.py).
    from amtsweg.forms.models import Form, FormVersion

    fim = {v.form.key: v for v in FormVersion.objects.filter(fim_standard="xdf2").select_related("form")}
    assert set(fim) == {"S99100001", "S99200001"}
    parking = fim["S99100001"]
    assert parking.is_published
    assert parking.form.service.leika_key == "99108001001000"  # type: ignore[union-attr]
    assert parking.form.title == "Bewohnerparkausweis beantragen"
    assert [e.label for e in parking.spec().code_lists["C99100001"].entries] == [
        "Auf mich",
        "Auf eine andere Person oder eine Firma",
    ]
    assert [rule.kind for rule in parking.spec().rules] == ["require", "info"]
    assert fim["S99200001"].form.service.leika_key == "99050012104000"  # type: ignore[union-attr]
    forms = {form.key: form for form in Form.objects.select_related("service")}
    assert {"schuelerfahrkosten", "hundesteuer-anmeldung", "wohngeld-erstantrag", "kita-platz"} <= set(forms)
    assert forms["schuelerfahrkosten"].service.external_id == "coe-schuelerfahrkosten-kreis"  # type: ignore[union-attr]
    assert forms["wohngeld-erstantrag"].service.external_id == "coe-wohngeld"  # type: ignore[union-attr]
    assert forms["anliegen"].service is None
    published = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED)
    assert published.count() == Form.objects.count() >= len(SAMPLES)
    version = published.get(form__key="kita-platz")
    answers = coerce(version.spec(), SAMPLES["kita-platz.yaml"])
    assert validate_version(version, answers) == []
    assert [e.path for e in validate_version(version, answers | {"bestaetigung": False})] == ["bestaetigung"]


def test_a_unique_attachment_id_is_a_valid_file_answer() -> None:
    spec = load("anliegen.yaml")
    data = coerce(spec, SAMPLES["anliegen.yaml"] | {"anhang": str(uuid.uuid4())})
    assert validate(spec, prune_hidden(spec, data)) == []


def test_a_confirmation_checkbox_alone_is_the_step_bestaetigung_not_its_sentence() -> None:
    """Seen in the demo: step 4 of the Kita form was titled "Ich bin mit der Weitergabe dieser Anmeldung
    an die genannten Kitas einverstanden." in the step list, as page heading and on the summary."""
    titles = [step.title for step in steps_for(load("kita-platz.yaml"))]
    assert titles == ["Kind", "Gewünschte Betreuung", "Sorgeberechtigte Person", "Bestätigung"]
