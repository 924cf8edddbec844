"""Decision letters: the sandboxed template language, and the PDF a citizen receives."""

from __future__ import annotations

import io

import pytest

from amtsweg.cases.letters import (
    LegalRemedyMissing,
    LetterTemplateError,
    letter_issue,
    letter_pdf_bytes,
    letter_template_check,
    letter_text,
    letter_text_render,
)
from amtsweg.cases.models import Case, CaseMessage, DecisionLetter, LegalRemedy, LetterTemplate, Status
from amtsweg.cases.services import case_transition
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.testing import pdf_accessibility_problems


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# ---- the template language --------------------------------------------------------------------------


def test_placeholders_and_simple_tags_render_as_plain_text() -> None:
    text = letter_text_render(
        "Sehr geehrte/r {{ antragsteller.name }},{% if entscheidung %} bewilligt{% endif %} – "
        "{{ leistung|upper }}",
        {"antragsteller": {"name": "Jürgen <b>Öztürk</b>"}, "entscheidung": "ja", "leistung": "Hundesteuer"},
    )
    assert text == "Sehr geehrte/r Jürgen <b>Öztürk</b>, bewilligt – HUNDESTEUER"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% debug %}", "„debug“ ist in Bescheidvorlagen nicht erlaubt"),
        ("{% load i18n %}", "„load“ ist in Bescheidvorlagen nicht erlaubt"),
        ('{% include "base.html" %}', "„include“ ist in Bescheidvorlagen nicht erlaubt"),
        ("{{ name|safe }}", "Filter „safe“ ist in Bescheidvorlagen nicht erlaubt"),
        ("{{ name.__class__ }}", "Die Vorlage enthält einen Fehler"),
        ("{% if %}", "Die Vorlage enthält einen Fehler"),
    ],
)
def test_dangerous_or_broken_templates_are_refused_in_german(source: str, message: str) -> None:
    with pytest.raises(LetterTemplateError) as raised:
        letter_template_check(source)
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("source", "german"),
    [
        (
            "Sehr geehrte Damen und Herren,\n{% if betrag %}Sie erhalten Geld.",
            "der Befehl „if“ aus Zeile 2 wird nicht geschlossen (es fehlt {% endif %})",
        ),
        (
            "{% if betrag %}x{% endfor %}",
            "unbekannter oder hier unpassender Befehl „endfor“ in Zeile 1 "
            "(erwartet: „elif“, „else“, „endif“)",
        ),
        ("Text\n{% endif %}", "unbekannter oder hier unpassender Befehl „endif“ in Zeile 2."),
        ("Guten Tag {{ name! }}", "der Platzhalter „name!“ ist ungültig (bei „!“)"),
        ("{{ }}", "leerer Platzhalter oder Befehl in Zeile 1"),
        ("{% if a b %}x{% endif %}", "die Bedingung eines {% if %} ist unvollständig oder ungültig"),
        ("{% for x in %}{% endfor %}", "ein {% for %} braucht die Form {% for eintrag in liste %}"),
    ],
)
def test_a_broken_template_is_explained_in_german(source: str, german: str) -> None:
    """Seen in the admin: "Die Vorlage enthält einen Fehler: Unclosed tag on line 2: 'if'. Looking for …"."""
    with pytest.raises(LetterTemplateError) as raised:
        letter_template_check(source)
    assert german in raised.value.message
    for english in ("Unclosed", "Invalid", "Could not parse", "Empty", "expected", "statements", "line"):
        assert english not in raised.value.message


def test_model_objects_never_reach_a_template() -> None:
    class Secret:
        password = "geheim"

    assert "geheim" not in letter_text_render("{{ obj.password }}", {"obj": Secret()})


# ---- the PDF --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_letter_pdf_has_letterhead_reference_umlauts_decision_and_legal_remedies(cw: CaseWorld) -> None:
    authority = cw.base.town
    authority.street, authority.postcode, authority.city = "Markt 1", "48249", "Dülmen"
    authority.save()
    case = cw.case()
    template = LetterTemplate.objects.create(
        authority=authority,
        service=case.service,
        name="Hundesteuer – Bewilligung",
        subject="Festsetzung der Hundesteuer ({{ aktenzeichen }})",
        body=(
            "Sehr geehrte/r {{ antragsteller.name }},\n\nIhr Antrag wird {{ entscheidung }}.\n\n"
            "{{ begruendung }}"
        ),
    )
    text = letter_text(
        case=case,
        template=template,
        decision="bewilligt",
        reasons="Größe des Hundes geprüft.",
        actor=cw.caseworker,
    )
    pdf = letter_pdf_bytes(case=case, text=text)
    assert pdf_accessibility_problems(pdf, title=f"Festsetzung der Hundesteuer ({case.reference})") == []
    content = _pdf_text(pdf)
    assert "Stadt Dülmen" in content
    assert "Markt 1" in content
    assert case.reference in content
    assert "Berta Bürger" in content
    assert "bewilligt" in content
    assert "Größe des Hundes geprüft." in content
    assert "Rechtsbehelfsbelehrung" in content
    assert "Klage" in content
    assert "Verwaltungsgericht Münster" in content
    assert "Piusallee 38" in content
    assert "48147 Münster" in content


@pytest.mark.django_db
def test_issuing_a_letter_decides_stores_and_releases_it_in_one_go(cw: CaseWorld) -> None:
    cw.caseworker.is_verified = lambda: True
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    letter = letter_issue(
        actor=cw.caseworker, case=case, decision="abgelehnt", reasons="Die Frist ist abgelaufen."
    )
    case.refresh_from_db()
    assert case.status == Status.ENTSCHIEDEN
    assert case.decision == "abgelehnt"
    assert letter.sent_at is not None
    with letter.pdf.open("rb") as stored:
        content = _pdf_text(stored.read())
    assert "abgelehnt" in content
    assert "Die Frist ist abgelaufen." in content


@pytest.mark.django_db
def test_a_broken_template_stores_neither_decision_nor_letter(cw: CaseWorld) -> None:
    cw.caseworker.is_verified = lambda: True
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    broken = LetterTemplate.objects.create(
        authority=case.authority, name="kaputt", subject="Bescheid", body="{% load evil %}"
    )
    with pytest.raises(LetterTemplateError):
        letter_issue(actor=cw.caseworker, case=case, decision="bewilligt", template=broken)
    case.refresh_from_db()
    assert case.status == Status.IN_PRUEFUNG
    assert not DecisionLetter.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["abgelehnt", "teilweise"])
def test_a_template_for_another_decision_is_refused_not_sent(cw: CaseWorld, decision: str) -> None:
    """Seen in the demo: a rejection sent with the template "Kita-Platz: Bewilligung" became a letter
    titled "Zusage eines Betreuungsplatzes" that said the application "wird abgelehnt"."""
    cw.caseworker.is_verified = lambda: True
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    approval = LetterTemplate.objects.create(
        authority=case.authority, name="Zusage", decision="bewilligt", subject="Zusage", body="Zusage."
    )
    with pytest.raises(LetterTemplateError, match="nur für die Entscheidung „bewilligt“"):
        letter_issue(actor=cw.caseworker, case=case, decision=decision, template=approval)
    case.refresh_from_db()
    assert case.status == Status.IN_PRUEFUNG
    assert not DecisionLetter.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_template_of_another_service_is_refused(cw: CaseWorld) -> None:
    from amtsweg.catalog.tests.factories import ServiceFactory

    cw.caseworker.is_verified = lambda: True
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    other = ServiceFactory(owner=case.authority)
    foreign = LetterTemplate.objects.create(
        authority=case.authority, service=other, name="Fremd", subject="Fremd", body="Fremd."
    )
    with pytest.raises(LetterTemplateError, match="anderen Leistung"):
        letter_issue(actor=cw.caseworker, case=case, decision="bewilligt", template=foreign)
    assert not DecisionLetter.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_issue_refuses_a_case_that_cannot_be_decided_now(cw: CaseWorld) -> None:
    from amtsweg.cases.services import TransitionNotAllowed

    cw.caseworker.is_verified = lambda: True
    case = cw.case()  # still "eingegangen": the model has no step to "entschieden"
    with pytest.raises(TransitionNotAllowed):
        letter_issue(actor=cw.caseworker, case=case, decision="bewilligt")
    assert not DecisionLetter.objects.filter(case=case).exists()
    assert not CaseMessage.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == Status.EINGEGANGEN


# ---- who signs, and the legal remedy ---------------------------------------------------------------


@pytest.mark.django_db
def test_letter_is_signed_with_the_caseworkers_full_name_and_unit_not_the_login(cw: CaseWorld) -> None:
    cw.caseworker.first_name, cw.caseworker.last_name = "Erika", "Möller"
    cw.caseworker.save()
    case = cw.case()
    text = letter_text(case=case, template=None, decision="bewilligt", reasons="", actor=cw.caseworker)
    assert text.body.endswith("Erika Möller\nSteueramt")
    content = _pdf_text(letter_pdf_bytes(case=case, text=text))
    assert "Erika Möller" in content
    assert "sb-steuern" not in content


@pytest.mark.django_db
def test_the_login_name_signs_only_an_account_without_a_name(cw: CaseWorld) -> None:
    case = cw.case()
    text = letter_text(case=case, template=None, decision="bewilligt", reasons="", actor=cw.caseworker)
    assert text.body.endswith("sb-steuern\nSteueramt")


@pytest.mark.django_db
def test_a_social_law_service_names_the_widerspruch_and_then_the_sozialgericht(cw: CaseWorld) -> None:
    case = cw.case()
    authority = case.authority
    LegalRemedy.objects.create(
        authority=authority,
        service=case.service,
        kind=LegalRemedy.Kind.WIDERSPRUCH,
        body_name="Stadt Dülmen – Sozialamt",
        body_street="Markt 1",
        body_postcode="48249",
        body_city="Dülmen",
        court_name="Sozialgericht Münster",
        court_street="Alter Steinweg 45",
        court_postcode="48143",
        court_city="Münster",
    )
    text = letter_text(case=case, template=None, decision="abgelehnt", reasons="", actor=cw.caseworker)
    assert "Widerspruch" in text.legal_remedies
    assert "Stadt Dülmen – Sozialamt\nMarkt 1\n48249 Dülmen" in text.legal_remedies
    assert "Sozialgericht Münster\nAlter Steinweg 45\n48143 Münster" in text.legal_remedies
    assert "Verwaltungsgericht" not in text.legal_remedies  # the service's own entry wins
    content = _pdf_text(letter_pdf_bytes(case=case, text=text))
    assert "Widerspruch" in content
    assert "Sozialgericht Münster" in content


@pytest.mark.django_db
def test_a_widerspruch_without_the_court_for_a_later_suit_is_refused() -> None:
    from django.core.exceptions import ValidationError

    from amtsweg.catalog.tests.factories import MunicipalityFactory

    remedy = LegalRemedy(
        authority=MunicipalityFactory(),
        kind=LegalRemedy.Kind.WIDERSPRUCH,
        body_name="Stadt",
        body_street="Markt 1",
        body_postcode="48249",
        body_city="Dülmen",
    )
    with pytest.raises(ValidationError) as raised:
        remedy.full_clean()
    assert "Gericht für eine spätere Klage" in str(raised.value.message_dict["court_name"])


@pytest.mark.django_db
def test_without_legal_remedy_data_no_letter_and_no_decision(cw: CaseWorld) -> None:
    cw.caseworker.is_verified = lambda: True
    LegalRemedy.objects.all().delete()
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    with pytest.raises(LegalRemedyMissing) as raised:
        letter_issue(actor=cw.caseworker, case=case, decision="bewilligt")
    assert "keine Rechtsbehelfsbelehrung hinterlegt" in raised.value.message
    case.refresh_from_db()
    assert (case.status, case.decision) == (Status.IN_PRUEFUNG, "")
    assert not DecisionLetter.objects.filter(case=case).exists()
