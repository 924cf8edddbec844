"""The whole journey, read as the citizen reads it: apply → case → Rückfrage → answer → decision → letter.

For the Kita form, the Hundesteuer form and one FIM form (Bewohnerparkausweis from the shared data), the
same application is decided once on the web (preview, then send) and once through the REST API. The
citizen must see the same thing both ways: the status text on „Meine Anträge“ and on the case page, the
decision letter as a PDF (with the decision, the applicant's name and the Rechtsbehelfsbelehrung), the
e-mail notice and the history. References, dates and ids are the only differences allowed.
"""

from __future__ import annotations

import io
import random
import re
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from amtsweg.cases.models import Case, ServiceCaseSettings, StatusModel
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.cases.tests.test_entry_points import _api, _staff, _web, reply_due, tasks_run_at_once
from amtsweg.catalog.tests.factories import ResponsibilityFactory, ServiceFactory
from amtsweg.demo.cases import _Answers
from amtsweg.demo.forms import DEFINITIONS
from amtsweg.forms.definition import definition_load
from amtsweg.forms.fim.importer import parse_fim
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import FormSpec
from amtsweg.forms.validation import validate_version
from amtsweg.submissions.drafts import draft_start
from amtsweg.submissions.models import Submission
from amtsweg.submissions.services import submission_submit
from amtsweg.submissions.tests.test_intake_fixtures import pdf_bytes
from amtsweg.submissions.uploads import attachment_add
from amtsweg.testing import shared_data

pytestmark = pytest.mark.django_db

QUESTION = "Bitte reichen Sie noch einen Nachweis nach."
ANSWER = "Den Nachweis habe ich beigefügt."
REASONS = "Die Voraussetzungen liegen vor."


def _kita() -> FormSpec:
    return definition_load(DEFINITIONS / "kita-platz.yaml").spec


def _hundesteuer() -> FormSpec:
    return definition_load(DEFINITIONS / "hundesteuer.yaml").spec


def _bewohnerparken() -> FormSpec:
    path = shared_data("fim", "real", "bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml")
    return parse_fim(path, allow_missing_code_lists=True).spec


FORMS = {"kita-platz": _kita, "hundesteuer": _hundesteuer, "bewohnerparken-fim": _bewohnerparken}


def _version(cw: CaseWorld, spec: FormSpec) -> FormVersion:
    """The form, published for a service of Dülmen that the caseworker's unit handles."""
    service = ServiceFactory(owner=cw.base.town, name=spec.title[:100], slug=f"reise-{spec.key}"[:50])
    ResponsibilityFactory(service=service, authority=cw.base.town, org_unit=cw.base.steueramt)
    return form_version_create(
        actor=None,
        spec=spec,
        owner=cw.base.town,
        source=Form.Source.DEFINITION,
        service=service,
        publish=True,
    )


def _text(html: str) -> str:
    """The page's main content as a reader hears it: no tags, no scripts, whitespace folded."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", main.group(0) if main else html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _neutral(text: str, case: Case) -> str:
    """Without what differs between two cases by nature: reference, dates, times, ids."""
    text = text.replace(case.reference, "<AZ>")
    text = re.sub(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", "<DATUM>", text)
    text = re.sub(r"\b\d{1,2}:\d{2}\b", "<ZEIT>", text)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<ID>", text)


def _journey(
    cw: CaseWorld, version: FormVersion, *, via: str, key: str, close: bool = False
) -> dict[str, Any]:
    case = Case.objects.get(submission=_apply(cw, version))
    citizen = Client()
    citizen.force_login(cw.applicant)
    page_url = f"/vorgaenge/mein/{case.reference}/"
    mail.outbox.clear()
    with tasks_run_at_once():
        _web(cw, case, "status/in_pruefung/")
        _web(
            cw,
            case,
            "status/rueckfrage/",
            {"text": QUESTION, "antwort_bis": reply_due().strftime("%d.%m.%Y")},
        )
        assert QUESTION in _text(citizen.get(page_url).content.decode())
        answered = citizen.post(f"{page_url}antworten/", {"nachricht": ANSWER})
        assert answered.status_code in (200, 302), answered.content.decode()[:2000]
        if close:  # an Anzeige is closed without a decision
            if via == "web":
                _web(cw, case, "status/abgeschlossen/")
            else:
                _api(_staff(cw), case, "abschluss")
        elif via == "web":
            _decide_on_the_web(cw, case)
        else:
            _api(_staff(cw), case, "entscheidung", {"decision": "bewilligt", "reasons": REASONS})

    case.refresh_from_db()
    page = citizen.get(page_url).content.decode()
    seen = {
        "case": case,
        "status": (case.status, case.decision),
        "meine_antraege": _neutral(_text(citizen.get("/antrag/meine/").content.decode()), case),
        "case_page": _neutral(_text(page), case),
        "mails": [(m.to, _neutral(m.subject, case), _neutral(m.body, case)) for m in mail.outbox],
    }
    if close:
        assert "/bescheid/" not in page
        return seen
    letters = re.findall(rf'href="({re.escape(page_url)}bescheid/[0-9a-f-]+/)"', page)
    assert len(set(letters)) == 1, f"{via}: the case page offers the decision letter"
    response = citizen.get(letters[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    return {**seen, "pdf": _neutral(re.sub(r"\s+", " ", pdf), case)}


def _apply(cw: CaseWorld, version: FormVersion) -> Submission:
    """The citizen's application through a draft, as the web flow stores it: generated answers, the
    required files uploaded, what the generator cannot know (a postcode in a FIM pattern) given."""
    spec = version.spec()
    draft, _token = draft_start(form_version=version, actor=cw.applicant, municipality=cw.base.town)
    data = _Answers(random.Random(11), cw.base.town, timezone.localdate()).group(spec.root, spec)
    for error in validate_version(version, data):
        *parents, last = error.path.split(".")
        group = data
        for part in parents:
            group = group.setdefault(part, {})
        child = spec.element_at(error.path)
        assert child is not None, error
        if getattr(child.element, "datatype", "") == "file":
            upload = SimpleUploadedFile("nachweis.pdf", pdf_bytes(), content_type="application/pdf")
            group[last] = str(attachment_add(draft=draft, field_path=error.path, file=upload, actor=None).pk)
        else:
            assert "Postleitzahl" in error.message, error
            group[last] = "48249"
    assert validate_version(version, data) == []
    draft.data = data
    draft.save(update_fields=["data"])
    return submission_submit(draft=draft, actor=cw.applicant, source="test")


def _decide_on_the_web(cw: CaseWorld, case: Case) -> None:
    client = _staff(cw)
    url = f"/vorgaenge/akte/{case.reference}/status/entschieden/"
    form = {"entscheidung": "bewilligt", "begruendung": REASONS, "vorlage": ""}
    preview = client.post(url, {**form, "aktion": "vorschau"})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    found = re.search(r'name="vorschau" value="([0-9a-f]+)"', preview.content.decode())
    assert found, "the preview carries the fingerprint of the letter it shows"
    sent = client.post(url, {**form, "aktion": "senden", "vorschau": found.group(1), "bestaetigt": "on"})
    assert sent.status_code in (200, 302), sent.content.decode()[:2000]


@pytest.mark.parametrize("form", list(FORMS))
def test_the_citizen_sees_the_same_decision_whether_it_was_made_on_the_web_or_through_the_api(
    cw: CaseWorld, media: Any, form: str
) -> None:
    version = _version(cw, FORMS[form]())
    web = _journey(cw, version, via="web", key=f"{form}-web")
    api = _journey(cw, version, via="api", key=f"{form}-api")

    for seen in (web, api):
        assert seen["status"] == ("entschieden", "bewilligt")
        assert "Berta Bürger" in seen["pdf"]  # the applicant (the account's own name)
        assert "bewilligt" in seen["pdf"].lower()
        assert REASONS in seen["pdf"]
        assert "Rechtsbehelfsbelehrung" in seen["pdf"]
        assert "Verwaltungsgericht Münster" in seen["pdf"]
        assert "Den Bescheid finden Sie auf der Seite des Antrags" in _mine(seen, version.spec().title)
        assert ANSWER in seen["case_page"]
        to, _subject, body = seen["mails"][-1]
        assert to == ["buergerin@example.org"]
        assert "Bescheid" in body  # the notice says a decision letter is waiting
    # The same words for the citizen, whichever way the caseworker decided.
    assert web["case_page"] == api["case_page"]
    assert web["pdf"] == api["pdf"]
    assert web["mails"] == api["mails"]
    assert _mine(web, version.spec().title) == _mine(api, version.spec().title)


def test_an_anzeige_closed_on_the_web_or_through_the_api_looks_the_same_and_promises_no_letter(
    cw: CaseWorld, media: Any
) -> None:
    """The demo handles the Hundesteuer registration as an Anzeige: it is closed, not decided."""
    version = _version(cw, _hundesteuer())
    ServiceCaseSettings.objects.create(service=version.form.service, status_model=StatusModel.ANZEIGE)
    web = _journey(cw, version, via="web", key="anzeige-web", close=True)
    api = _journey(cw, version, via="api", key="anzeige-api", close=True)

    title = version.spec().title
    for seen in (web, api):
        assert seen["status"] == ("abgeschlossen", "")
        assert "Bescheid" not in _mine(seen, title)
        assert "Bescheid" not in seen["case_page"]
        assert ANSWER in seen["case_page"]
    assert web["case_page"] == api["case_page"]
    assert web["mails"] == api["mails"]
    assert _mine(web, title) == _mine(api, title)


def _mine(seen: dict[str, Any], title: str) -> str:
    """The entry of this case on „Meine Anträge“ (the list shows the other journey's case too)."""
    entries = [part for part in seen["meine_antraege"].split(title) if part.startswith(" <AZ>")]
    assert len(entries) == 1, seen["meine_antraege"]
    return entries[0].strip()
