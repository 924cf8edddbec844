"""An answer reads the same on the summary, the receipt, the case page and in letters (issue 11).

Before the field-type registry, three walkers formatted answers with four number formatters: the summary
showed ``1234,50`` and ``24.12.2026 14:30`` where the receipt said ``1.234,50 €`` and
``24.12.2026, 14:30 Uhr``.
"""

from __future__ import annotations

from typing import Any

from amtsweg.cases.views import DataItem, data_items
from amtsweg.forms.definition import definition_parse
from amtsweg.forms.fieldtypes import display_tree
from amtsweg.forms.steps import steps_for
from amtsweg.submissions.paths import SummaryItem, summary_sections
from amtsweg.submissions.receipts import data_sections

DEFINITION = {
    "key": "alle-typen",
    "version": "1",
    "title": "Alle Typen",
    "code_lists": {"art": {"name": "Art", "entries": {"01": "Erstantrag", "02": "Folgeantrag"}}},
    "fields": [
        {
            "key": "angaben",
            "label": "Angaben",
            "fields": [
                {"key": "art", "label": "Antragsart", "options": "art"},
                {"key": "name", "label": "Name"},
                {"key": "iban", "label": "IBAN", "type": "iban"},
                {"key": "datum", "label": "Datum", "type": "date"},
                {"key": "uhrzeit", "label": "Uhrzeit", "type": "time"},
                {"key": "termin", "label": "Termin", "type": "datetime"},
                {"key": "ja", "label": "Zugestimmt", "type": "bool"},
                {"key": "anzahl", "label": "Anzahl", "type": "integer"},
                {"key": "flaeche", "label": "Fläche", "type": "number"},
                {"key": "miete", "label": "Miete", "type": "currency"},
            ],
        }
    ],
}
DATA = {
    "angaben": {
        "art": "02",
        "name": "Jürgen Müller",
        "iban": "DE02120300000000202051",
        "datum": "2026-12-24",
        "uhrzeit": "14:30",
        "termin": "2026-12-24T14:30",
        "ja": True,
        "anzahl": 1234567,
        "flaeche": 72.5,
        "miete": 1234.5,
    }
}
EXPECTED = {
    "Antragsart": "Folgeantrag",
    "Name": "Jürgen Müller",
    "IBAN": "DE02 1203 0000 0000 2020 51",
    "Datum": "24.12.2026",
    "Uhrzeit": "14:30 Uhr",
    "Termin": "24.12.2026, 14:30 Uhr",
    "Zugestimmt": "Ja",
    "Anzahl": "1.234.567",
    "Fläche": "72,5",
    "Miete": "1.234,50 €",
}


def _flat(items: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if isinstance(item, (SummaryItem, DataItem)) and item.kind == "group":
            out.update(_flat(item.items))
        else:
            out[item.label] = item.value
    return out


def test_summary_receipt_case_page_and_letters_show_the_same_text() -> None:
    spec = definition_parse(DEFINITION, source="test")[0]
    summary = _flat(
        [
            item
            for _step, items in summary_sections(spec, list(steps_for(spec)), DATA, set(), {})
            for item in items
        ]
    )
    receipt = {row.label: row.value for section in data_sections(spec, DATA, {}) for row in section.rows}
    case_page = _flat(data_items(spec, DATA, {}))
    letter = {
        next(c.element.label for c in spec.root.children[0].element.children if c.key == key): value  # type: ignore[union-attr]
        for key, value in display_tree(spec, DATA)["angaben"].items()
    }
    assert summary == EXPECTED
    assert receipt == EXPECTED
    assert case_page == EXPECTED
    assert letter == EXPECTED
