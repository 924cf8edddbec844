"""German explanations of JSON and YAML syntax errors (the parsers' own messages are English).

Used wherever a person uploads or pastes a file (catalogue lines, form definitions): they read what is
wrong in their language, with line and column from the caller. Unknown messages get a general German
sentence; the English text never reaches them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _


def _json_messages() -> list[tuple[str, str]]:
    return [
        ("Expecting ':' delimiter", _("nach dem Namen fehlt ein Doppelpunkt")),
        ("Expecting ',' delimiter", _("zwischen zwei Einträgen fehlt ein Komma")),
        (
            "Expecting property name enclosed in double quotes",
            _("ein Name muss in doppelten Anführungszeichen stehen"),
        ),
        ("Illegal trailing comma", _("nach dem letzten Eintrag steht ein Komma zu viel")),
        ("Expecting value", _("hier fehlt ein Wert (oder die Zeile ist leer)")),
        ("Unterminated string", _("ein Text wird nicht mit einem Anführungszeichen beendet")),
        ("Invalid control character", _("ein Text enthält ein Steuerzeichen (z. B. einen Zeilenumbruch)")),
        ("Invalid \\uXXXX escape", _("eine \\u-Angabe braucht genau vier Hexadezimalziffern")),
        ("Invalid \\escape", _("ein Rückstrich (\\) leitet keine gültige Angabe ein")),
        ("Extra data", _("nach dem Ende der Daten folgt weiterer Text")),
    ]


def json_problem(error: json.JSONDecodeError) -> str:
    """What is wrong at ``error.lineno``/``error.colno``, in German."""
    for english, german in _json_messages():
        if error.msg.startswith(english):
            return german
    return _("die Angabe ist an dieser Stelle nicht zulässig")


_YAML_CHARACTER = re.compile(r"found character '(.+)' that cannot start any token")


def yaml_problem(error: Any) -> str:
    """What the YAML parser found wrong (``error.problem``), in German."""
    problem = str(getattr(error, "problem", None) or "")
    if found := _YAML_CHARACTER.search(problem):
        character = found[1]
        if character == "\\t":
            return _("ein Tabulator rückt ein; YAML erlaubt zum Einrücken nur Leerzeichen")
        return _(
            "das Zeichen „%(character)s“ darf hier keinen Wert beginnen (Text in Anführungszeichen setzen)"
        ) % {"character": character}
    if "mapping values are not allowed" in problem:
        return _(
            "ein Doppelpunkt steht an einer Stelle, an der kein Name erwartet wird "
            "(Text in Anführungszeichen setzen)"
        )
    if "constructor for the tag" in problem:
        return _("Typangaben mit „!“ (z. B. !!python/…) sind nicht erlaubt")
    if "undefined alias" in problem:
        return _("ein Verweis (*Name) zeigt auf keinen Anker (&Name)")
    if "end of stream" in problem:
        return _("die Datei endet, bevor ein Text oder eine Liste geschlossen ist")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return _("eine Liste oder Zuordnung in Klammern wird nicht geschlossen")
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return _("die Einrückung passt nicht zur Zeile darüber")
    return _("die Angabe ist an dieser Stelle nicht zulässig")
