"""Letter templates (Bescheidvorlagen) rendered with Django's template language, but sandboxed.

A letter template is written by specialist admins, not by developers, and is stored in the database.
It may only use the placeholders of the context it is given (plain dicts, strings, numbers and lists –
never model objects, so no attribute of a row, a manager or a method with side effects can be
reached) and a short list of harmless tags and filters. ``{% load %}``, ``{% include %}``,
``{% extends %}`` and ``{% debug %}`` (which prints every loaded module) are refused with a German
message when the template is checked, before it is ever rendered. The engine has no template folders
and no libraries beyond Django's built-ins. The result is plain text: the PDF template escapes all of it
(values and the template's own text), so neither an applicant's name nor a template can add markup, and
WeasyPrint is given a URL fetcher that fetches nothing.

The letter (Bescheid) itself is rendered to PDF with WeasyPrint from ``cases/pdf/letter.html``: the
letterhead of the case's authority and org unit, the applicant's address when the form asked for it,
reference, date, subject, the text, the Rechtsbehelfsbelehrung and a note on how it was issued.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from amtsweg.cases.models import Case, Decision, DecisionLetter, LegalRemedy, LetterTemplate
from amtsweg.cases.services import case_decide
from amtsweg.core.pdf import pdf_render
from amtsweg.forms.fieldtypes import display_tree
from amtsweg.forms.persons import person_from_data, version_person_groups
from amtsweg.tenants.models import Authority, Location

ALLOWED_TAGS = frozenset(
    {
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "firstof",
        "comment",
        "endcomment",
        "spaceless",
        "endspaceless",
    }
)
ALLOWED_FILTERS = frozenset(
    {
        "capfirst",
        "default",
        "default_if_none",
        "first",
        "floatformat",
        "join",
        "last",
        "length",
        "linebreaksbr",
        "lower",
        "title",
        "truncatewords",
        "upper",
        "yesno",
    }
)
_FILTER = re.compile(r"\|\s*(\w+)")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
MAX_TEMPLATE_CHARS = 20_000

# One engine for all letters: no folders, no loaders that could read files, autoescape on.
_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=True, debug=False)


class LetterTemplateError(ValidationError):
    """The letter cannot be written (template broken, data missing); ``message`` says why, in German.

    A :class:`ValidationError`, so that every entry point shows it as bad input (4xx), never as a 500.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LegalRemedyMissing(LetterTemplateError):
    """The service has no :class:`LegalRemedy` at the deciding authority: no letter without it."""


def letter_template_check(source: str) -> None:
    """Raise :class:`LetterTemplateError` if ``source`` uses more than placeholders and simple tags."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise LetterTemplateError(
            _("Die Vorlage ist zu lang (höchstens %(limit)d Zeichen).") % {"limit": MAX_TEMPLATE_CHARS}
        )
    for token in Lexer(source).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        contents = token.contents.strip()
        if token.token_type == TokenType.BLOCK:
            tag = contents.split()[0] if contents else ""
            if tag not in ALLOWED_TAGS:
                raise LetterTemplateError(
                    _("Der Befehl „%(tag)s“ ist in Bescheidvorlagen nicht erlaubt.") % {"tag": tag}
                )
        for name in _FILTER.findall(_STRING.sub("", contents)):
            if name not in ALLOWED_FILTERS:
                raise LetterTemplateError(
                    _("Der Filter „%(name)s“ ist in Bescheidvorlagen nicht erlaubt.") % {"name": name}
                )
    try:
        _ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise LetterTemplateError(
            _("Die Vorlage enthält einen Fehler: %(error)s") % {"error": template_problem(error)}
        ) from error


_UNCLOSED = re.compile(r"Unclosed tag on line (\d+): '(\w+)'")
_INVALID_TAG = re.compile(r"Invalid block tag on line (\d+): '([^']+)'(?:, expected (.+?)\.)?")
_REMAINDER = re.compile(r"Could not parse the remainder: '(.*)' from '(.*)'$")
_EMPTY = re.compile(r"Empty (?:variable|block) tag on line (\d+)")


def template_problem(error: TemplateSyntaxError) -> str:
    """What is wrong in a letter template, in German (Django's own message is English)."""
    message = str(error)
    if found := _UNCLOSED.search(message):
        return _("der Befehl „%(tag)s“ aus Zeile %(line)s wird nicht geschlossen (es fehlt %(end)s).") % {
            "tag": found[2],
            "line": found[1],
            "end": "{% end" + found[2] + " %}",
        }
    if found := _INVALID_TAG.search(message):
        expected = ", ".join(f"„{name}“" for name in re.findall(r"'(\w+)'", found[3] or ""))
        if expected:
            return _(
                "unbekannter oder hier unpassender Befehl „%(tag)s“ in Zeile %(line)s "
                "(erwartet: %(expected)s)."
            ) % {
                "tag": found[2],
                "line": found[1],
                "expected": expected,
            }
        return _("unbekannter oder hier unpassender Befehl „%(tag)s“ in Zeile %(line)s.") % {
            "tag": found[2],
            "line": found[1],
        }
    if found := _REMAINDER.search(message):
        return _("der Platzhalter „%(text)s“ ist ungültig (bei „%(rest)s“).") % {
            "text": found[2],
            "rest": found[1],
        }
    if found := _EMPTY.search(message):
        return _("leerer Platzhalter oder Befehl in Zeile %(line)s.") % {"line": found[1]}
    if "if expression" in message or "in if tag" in message or "'if'" in message:
        return _("die Bedingung eines %(tag)s ist unvollständig oder ungültig.") % {"tag": "{% if %}"}
    if "'for' statements" in message:
        return _("ein %(tag)s braucht die Form %(form)s.") % {
            "tag": "{% for %}",
            "form": "{% for eintrag in liste %}",
        }
    return _("die Schreibweise eines Platzhalters %(placeholder)s oder Befehls %(tag)s ist ungültig.") % {
        "placeholder": "{{ … }}",
        "tag": "{% … %}",
    }


def _plain(value: Any) -> Any:
    """Only plain data reaches a template: dicts, lists, strings, numbers, booleans, None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def letter_text_render(source: str, placeholders: dict[str, Any]) -> str:
    """Render a checked letter template with ``placeholders``; returns plain text (escaped later)."""
    letter_template_check(source)
    template = _ENGINE.from_string(source)
    try:
        return str(template.render(Context(_plain(placeholders), autoescape=False))).strip()
    except Exception as error:  # a template error at render time must not become a 500
        raise LetterTemplateError(
            _("Die Vorlage ließ sich nicht ausfüllen: %(error)s") % {"error": error}
        ) from error


# ---- the letter of a case -------------------------------------------------------------------------

DEFAULT_SUBJECT = gettext_lazy("Bescheid über Ihren Antrag – {{ leistung }}")
DEFAULT_BODY = gettext_lazy(
    "Sehr geehrte Antragstellerin, sehr geehrter Antragsteller,\n\n"
    "über Ihren Antrag „{{ leistung }}“ vom {{ eingangsdatum }} (Aktenzeichen {{ aktenzeichen }}) "
    "wurde entschieden: Der Antrag wird {{ entscheidung }}.\n\n"
    "{% if begruendung %}Begründung:\n{{ begruendung }}\n\n{% endif %}"
    "Mit freundlichen Grüßen\nIm Auftrag\n\n{{ sachbearbeitung.name }}\n{{ sachbearbeitung.stelle }}"
)
# The placeholders a template may use, with an explanation (shown where templates are edited).
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("aktenzeichen", gettext_noop("Aktenzeichen des Vorgangs")),
    ("leistung", gettext_noop("Name der Leistung")),
    ("datum", gettext_noop("Datum des Bescheids, z. B. 23. November 2026")),
    ("eingangsdatum", gettext_noop("Eingangsdatum des Antrags")),
    ("entscheidung", gettext_noop("bewilligt, abgelehnt oder teilweise bewilligt")),
    ("begruendung", gettext_noop("die Begründung, die die Sachbearbeitung eingibt")),
    ("antragsteller.name", gettext_noop("Name der antragstellenden Person")),
    ("antragsteller.anschrift", gettext_noop("Anschrift, wenn das Formular sie erfragt")),
    ("behoerde.name", gettext_noop("Name der Behörde")),
    ("stelle.name", gettext_noop("Name der Organisationseinheit")),
    ("sachbearbeitung.name", gettext_noop("Vor- und Nachname der Sachbearbeiterin oder des Sachbearbeiters")),
    (
        "sachbearbeitung.stelle",
        gettext_noop("Organisationseinheit der Sachbearbeiterin oder des Sachbearbeiters"),
    ),
    ("rechtsbehelf.art", gettext_noop("Klage oder Widerspruch (aus den Rechtsbehelfen der Leistung)")),
    ("rechtsbehelf.stelle", gettext_noop("Gericht oder Behörde, bei der der Rechtsbehelf einzulegen ist")),
    ("rechtsbehelf.anschrift", gettext_noop("deren Anschrift")),
    ("angaben", gettext_noop("die Angaben des Antrags nach Feldschlüssel, z. B. angaben.kind.vorname")),
)


def _german_date(day: dt.date) -> str:
    return formats.date_format(day, "j. F Y")


def letter_recipient(case: Case) -> tuple[str, list[str]]:
    """Name and address lines of the person the letter goes to: the form's addressee group (the
    applicant's unless the form names another one, see :mod:`amtsweg.forms.persons`)."""
    submission = case.submission
    version = submission.form_version
    groups = version_person_groups(version)
    person = person_from_data(version.spec(), submission.data, groups.addressee)
    if groups.addressee == groups.applicant or not person.name:
        return submission.applicant_name, person.address_lines
    return person.name, person.address_lines


def applicant_address(case: Case) -> list[str]:
    """Street and town of the letter's recipient (see :func:`letter_recipient`)."""
    return letter_recipient(case)[1]


def _actor_name(actor: Any) -> str:
    """First and last name of the caseworker; the login name only for an account without a name."""
    if actor is None or not hasattr(actor, "get_username"):
        return ""
    return " ".join(str(actor.get_full_name() or "").split()) or str(actor.get_username())


def _actor_unit(actor: Any, case: Case) -> str:
    """The caseworker's org unit in the case's authority: the case's unit (or the unit above it) when
    they belong to it, else their first unit there, else the case's unit."""
    units = []
    if actor is not None and hasattr(actor, "org_units") and actor.pk is not None:
        units = list(actor.org_units.filter(authority_id=case.authority_id).order_by("name"))
    unit = case.org_unit
    while unit is not None:
        if unit in units:
            return str(unit.name)
        unit = unit.parent
    if units:
        return str(units[0].name)
    return case.org_unit.name if case.org_unit else ""


def legal_remedy_lookup(*, authority_id: int, service_id: int | None) -> LegalRemedy | None:
    """The legal remedy against a decision of the authority on the service: the service's own entry,
    else the authority's entry for all services; ``None`` when there is neither."""
    remedies = LegalRemedy.objects.filter(authority_id=authority_id).filter(
        Q(service_id=service_id) | Q(service__isnull=True)
    )
    return min(remedies, key=lambda r: r.service_id is None, default=None)


def legal_remedy_for(case: Case) -> LegalRemedy | None:
    return legal_remedy_lookup(authority_id=case.authority_id, service_id=case.service_id)


def _address(name: str, street: str, postcode: str, city: str) -> str:
    return "\n".join(part for part in (name, street, f"{postcode} {city}".strip()) if part)


def legal_remedy_text(remedy: LegalRemedy) -> str:
    """The Rechtsbehelfsbelehrung in plain German, written from the data of ``remedy``."""
    body = _address(remedy.body_name, remedy.body_street, remedy.body_postcode, remedy.body_city)
    if remedy.kind == LegalRemedy.Kind.WIDERSPRUCH:
        court = _address(remedy.court_name, remedy.court_street, remedy.court_postcode, remedy.court_city)
        parts = [
            _(
                "Gegen diesen Bescheid können Sie innerhalb eines Monats, nachdem er Ihnen bekannt gegeben "
                "wurde, Widerspruch einlegen. Legen Sie den Widerspruch schriftlich oder zur Niederschrift "
                "ein bei:"
            ),
            body,
            _(
                "Der Widerspruch kann auch elektronisch eingelegt werden, soweit die Behörde dafür einen "
                "Zugang eröffnet hat; eine einfache E-Mail genügt dafür nicht."
            ),
            _(
                "Hilft die Behörde Ihrem Widerspruch nicht ab, erhalten Sie einen Widerspruchsbescheid. "
                "Gegen ihn können Sie Klage erheben bei:"
            ),
            court,
            _("Die Frist und die Form der Klage nennt Ihnen der Widerspruchsbescheid."),
        ]
    else:
        parts = [
            _(
                "Gegen diesen Bescheid können Sie innerhalb eines Monats, nachdem er Ihnen bekannt gegeben "
                "wurde, Klage erheben. Erheben Sie die Klage schriftlich oder zur Niederschrift der "
                "Urkundsbeamtin oder des Urkundsbeamten der Geschäftsstelle bei:"
            ),
            body,
            _(
                "Die Klage kann auch als elektronisches Dokument nach § 55a der Verwaltungsgerichtsordnung "
                "(VwGO) erhoben werden; eine einfache E-Mail genügt dafür nicht."
            ),
        ]
    if remedy.note.strip():
        parts.append(remedy.note.strip())
    return "\n\n".join(parts)


def _remedy_required(case: Case) -> LegalRemedy:
    remedy = legal_remedy_for(case)
    if remedy is None:
        service = case.service.name if case.service else case.submission.form_version.form.title
        raise LegalRemedyMissing(
            _(
                "Für „%(service)s“ ist bei %(authority)s keine Rechtsbehelfsbelehrung hinterlegt. "
                "Ohne sie kann kein Bescheid erstellt werden; die Entscheidung ist nicht gespeichert. "
                "Bitte wenden Sie sich an die Fachadministration (Verwaltung → Rechtsbehelfe)."
            )
            % {"service": service, "authority": case.authority.name}
        )
    return remedy


def letter_placeholders(
    *,
    case: Case,
    decision: str,
    reasons: str,
    actor: Any,
    remedy: LegalRemedy | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The values a letter template can use: plain data only (see :data:`PLACEHOLDERS`)."""
    submission = case.submission
    today = today or timezone.localdate()
    service = case.service.name if case.service else submission.form_version.form.title
    authority = case.authority
    address = applicant_address(case)
    return {
        "aktenzeichen": case.reference,
        "leistung": service,
        "datum": _german_date(today),
        "eingangsdatum": _german_date(timezone.localdate(case.received_at)),
        "entscheidung": str(Decision(decision).label) if decision in Decision.values else "",
        "begruendung": reasons.strip(),
        "antragsteller": {
            "name": submission.applicant_name,
            "email": submission.applicant_email,
            "anschrift": "\n".join(address),
        },
        "behoerde": {"name": authority.name, "ort": authority.city},
        "stelle": {"name": case.org_unit.name if case.org_unit else ""},
        "sachbearbeitung": {"name": _actor_name(actor), "stelle": _actor_unit(actor, case)},
        "rechtsbehelf": {
            "art": remedy.get_kind_display() if remedy else "",
            "stelle": remedy.body_name if remedy else "",
            "anschrift": (
                _address("", remedy.body_street, remedy.body_postcode, remedy.body_city) if remedy else ""
            ),
        },
        # Answers as the applicant reads them (24.12.2026, 1.234,50 €, labels of chosen codes).
        "angaben": display_tree(submission.form_version.spec(), submission.data),
    }


def letter_templates_for(case: Case, decision: str = "") -> list[LetterTemplate]:
    """Active templates of the case's authority for its service (or for every service), the
    service's own first; with ``decision`` only those for that decision or for any."""
    templates = LetterTemplate.objects.filter(authority_id=case.authority_id, is_active=True).filter(
        Q(service__isnull=True) | Q(service_id=case.service_id)
    )
    if decision:
        templates = templates.filter(decision__in=[decision, ""])
    return sorted(templates, key=lambda t: (t.service_id is None, t.decision == "", t.name))


@dataclass(frozen=True)
class LetterText:
    subject: str
    body: str
    legal_remedies: str


def _template_fits(case: Case, template: LetterTemplate | None, decision: str) -> None:
    if template is None:
        return
    if template.decision and decision and template.decision != decision:
        raise LetterTemplateError(
            _("Die Bescheidvorlage „%(name)s“ ist nur für die Entscheidung „%(decision)s“.")
            % {"name": template.name, "decision": Decision(template.decision).label}
        )
    if template.service_id is not None and template.service_id != case.service_id:
        raise LetterTemplateError(
            _("Die Bescheidvorlage „%(name)s“ gehört zu einer anderen Leistung.") % {"name": template.name}
        )


def letter_text(
    *, case: Case, template: LetterTemplate | None, decision: str, reasons: str, actor: Any
) -> LetterText:
    """Subject, text and Rechtsbehelfsbelehrung of the letter (German, whatever language the request
    came in); raises :class:`LetterTemplateError`, and :class:`LegalRemedyMissing` when the service has
    no legal remedy data. A template made for one decision (``decision``) or one service is refused for
    another: a rejection must never go out as a "Zusage"."""
    _template_fits(case, template, decision)
    remedy = _remedy_required(case)
    with translation.override("de"):
        values = letter_placeholders(
            case=case, decision=decision, reasons=reasons, actor=actor, remedy=remedy
        )
        subject_source = template.subject if template else str(DEFAULT_SUBJECT)
        body_source = template.body if template else str(DEFAULT_BODY)
        return LetterText(
            subject=" ".join(letter_text_render(subject_source, values).split())[:300],
            body=letter_text_render(body_source, values),
            legal_remedies=legal_remedy_text(remedy),
        )


def letterhead(authority: Authority) -> dict[str, str]:
    """Name and address of the authority; its first location when the authority has no address."""
    values = {
        "name": authority.name,
        "street": authority.street,
        "postcode": authority.postcode,
        "city": authority.city,
        "phone": authority.phone,
        "email": authority.email,
    }
    if not authority.street:
        location = Location.objects.filter(authority=authority).order_by("pk").first()
        if location is not None:
            values.update(street=location.street, postcode=location.postcode, city=location.city)
            values["phone"] = values["phone"] or location.phone
            values["email"] = values["email"] or location.email
    return values


def letter_pdf_bytes(
    *, case: Case, text: LetterText, today: dt.date | None = None, preview: bool = False
) -> bytes:
    """The letter as PDF (German, whatever language the request came in); ``preview`` marks every page
    as a preview that has not been sent."""
    today = today or timezone.localdate()
    recipient_name, recipient_address = letter_recipient(case)
    with translation.override("de"):
        html = render_to_string(
            "cases/pdf/letter.html",
            {
                "case": case,
                "head": letterhead(case.authority),
                "org_unit": case.org_unit,
                "recipient_name": recipient_name,
                "recipient_address": recipient_address,
                "date": _german_date(today),
                "text": text,
                "site_name": settings.AMTSWEG_SITE_NAME,
                "preview": preview,
            },
        )
    return pdf_render(html)


def letter_issue(
    *,
    actor: Any,
    case: Case,
    decision: str,
    reasons: str = "",
    template: LetterTemplate | None = None,
    source: str = "web",
) -> DecisionLetter:
    """Decide ``case`` and issue its letter through :func:`amtsweg.cases.services.case_decide` (the one
    domain function of the decision); returns the letter it issued."""
    decided = case_decide(
        actor=actor, case=case, decision=decision, reasons=reasons, template=template, source=source
    )
    return DecisionLetter.objects.filter(case=decided).latest("created_at")
