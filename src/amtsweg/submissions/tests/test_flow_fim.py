"""An imported FIM form (Bewohnerparkausweis, S05000058) through all steps without JavaScript.

Uses the real XDatenfelder file from the shared reference data (skipped with a reason when absent).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsweg.forms.fim.importer import parse_fim
from amtsweg.forms.models import Form
from amtsweg.forms.services import form_version_create
from amtsweg.forms.steps import steps_for
from amtsweg.submissions.models import Submission
from amtsweg.submissions.tests.test_flow import PDF, Setup, post, start, step_url
from amtsweg.submissions.tests.test_flow import _setup_built as _setup_built  # fixtures: the
from amtsweg.submissions.tests.test_flow import setup as setup  # Kreis with its forms, built once per module
from amtsweg.testing import shared_data


def _first_code(spec: Any, path: str) -> str:
    child = spec.element_at(path)
    return spec.code_lists[child.element.code_list].entries[0].code


def test_bewohnerparkausweis_through_all_steps(client: Client, setup: Setup) -> None:
    path = shared_data("fim", "real", "bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml")
    spec = parse_fim(path).spec
    form_version_create(actor=None, spec=spec, owner=setup.kreis, source=Form.Source.FIM, publish=True)
    steps = [step.key for step in steps_for(spec)]
    assert len(steps) == 5
    draft = start(client, spec.key, setup.town)

    consent = {
        "F00-4cb0dd14-629c-4661-9435-4e9eadc43e07": _first_code(
            spec, "F00-4cb0dd14-629c-4661-9435-4e9eadc43e07"
        ),
        "F05001344": _first_code(spec, "F05001344"),
    }
    response = post(client, step_url(draft, steps[0]), consent)
    assert response.status_code == 302, response.content.decode()

    page = client.get(step_url(draft, steps[1])).content.decode()
    # "Vorname" may be given several times (max unbounded): one per line in a text area.
    assert '<textarea class="kern-form-input__input amtsweg-textarea" id="f-G05000496-F05000060"' in page
    person = {
        "G05000496.F05000059": "Beispiel",
        "G05000496.F05000060": "Erika\nMaria",
        "G05000496.F05000351": "12.05.1980",
        "G05000496.F05001354": "erika@example.org",
        "G05000496.G05000428.F00000053": "Markt",
        "G05000496.G05000428.F00000016": "1",
        "G05000496.G00000113.F00000054": "48249",
        "G05000496.G00000113.F00000035": "Dülmen",
        "G05000496.F05000523": _first_code(spec, "G05000496.F05000523"),
    }
    response = post(client, step_url(draft, steps[1]), person)
    assert response.status_code == 302, response.content.decode()

    request = {
        "G05000493.F05001064": _first_code(spec, "G05000493.F05001064"),
        "G05000493.F05001347": "02",
    }
    response = post(client, step_url(draft, steps[2]), request)
    assert response.status_code == 400  # "Verlängerung" needs the existing permit
    assert 'href="#f-G05000493-G05000599' in response.content.decode()
    request |= {"G05000493.G05000599.F05001346": "4711", "G05000493.G05000599.F05001345": "01.03.2025"}
    response = post(client, step_url(draft, steps[2]), request)
    assert response.status_code == 302, response.content.decode()

    vehicle = {
        "G05000477.F05000627": "COE-AB 123",
        "G05000477.F05001062": "12345678",
        "G05000477.F05001047": "02",
    }
    assert post(client, step_url(draft, steps[3]), vehicle).status_code == 302
    holder = {
        "G05000499.F05001243": "Beispiel",
        "G05000499.F05001244": "Max",
        "G05000499.F05001245": "Markt",
        "G05000499.F05001246": "2",
        "G05000499.F05001247": "a",
        "G05000499.G05000554.F00000054": "48249",
        "G05000499.G05000554.F00000035": "Dülmen",
        "G05000499.F05001249": _first_code(spec, "G05000499.F05001249"),
        "G05000499.F05001355": "max@example.org",
        "G05000499.F05001248": SimpleUploadedFile("nutzung.pdf", PDF, content_type="application/pdf"),
        "G05000499.F05001045": SimpleUploadedFile("zulassung.pdf", PDF, content_type="application/pdf"),
    }
    response = post(client, step_url(draft, steps[4]), holder)
    assert response.status_code == 302, response.content.decode()
    summary = client.get(response["Location"]).content.decode()
    assert "zulassung.pdf" in summary
    assert "Erika, Maria" in summary
    client.post(reverse("submissions:submit", args=[draft.pk]))
    submission = Submission.objects.get()
    assert submission.attachments.count() == 2
    assert submission.data["G05000496"]["F05000060"] == ["Erika", "Maria"]
    # the applicant is the person of "Angaben zur antragstellenden Person", not the vehicle's holder
    assert (submission.applicant_name, submission.applicant_email) == (
        "Erika Maria Beispiel",
        "erika@example.org",
    )
