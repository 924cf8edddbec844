"""FIM rules (Regel) written in prose, turned into evaluable :class:`~amtsweg.forms.spec.RuleSpec` data.

Most FIM rules exist only as German text (``definition`` in xdf 2, ``freitextRegel`` in xdf 3); the
``script`` is usually an empty stub. The common sentence patterns are recognised generically — not per
file — and everything else is kept as kind ``info`` (shown to staff, not evaluated):

* ``Wenn bei F05001047 "02 …" angegeben wird, dann wird G05000499 zur Pflichtangabe.`` → ``require``
  (also "ist … Pflicht/verpflichtend/auszufüllen/anzugeben", conditions "befüllt", "nicht …",
  "angekreuzt", "mit ja beantwortet").
* ``Wenn … , dann wird F… angezeigt/eingeblendet`` → ``show`` (``ausgeblendet``: shown while the condition
  does not hold).
* ``Es muss entweder Feldgruppe G… oder Feldgruppe G… befüllt werden`` / ``Mindestens eines der Felder
  F…, F… muss angegeben werden`` → ``check`` that at least one is filled.

Element references are FIM ids; :func:`parse_prose` returns them as ids and the builder maps them to
paths in the form tree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# F/G + digits (xdf 2: F05001047, xdf 3: F60000000243) or the UUID-like ids some editors produce.
ID_PATTERN = re.compile(r"(?<![\w-])([FG]\d{2}(?:\d{3,}|-[0-9A-Fa-f]{4,}(?:-[0-9A-Fa-f]{2,})*))(?![\w-])")
_QUOTED = re.compile(r"[\"„“”»«‚‘’'](?P<text>[^\"„“”»«‚‘’']+)[\"„“”»«‚‘’']")
_IF = re.compile(r"^\s*(?:wenn|falls|sofern|sobald)\b", re.I)
_THEN = re.compile(r",?\s*\bdann\b", re.I)
_NEGATION = re.compile(r"\b(nicht|kein|keine|keinen)\b", re.I)
_FILLED = re.compile(
    r"\b(befüllt|ausgefüllt|gefüllt|angegeben|eingetragen|gesetzt|vorhanden|gemacht)\b", re.I
)
_EMPTY = re.compile(r"\b(leer|unbefüllt)\b", re.I)
_CHECKED = re.compile(r"\b(angekreuzt|angehakt|markiert|bestätigt|aktiviert)\b|mit\s+ja\b", re.I)
_UNCHECKED = re.compile(r"mit\s+nein\b", re.I)
_VALUE_WORD = re.compile(r"\b(?:wert|code|schlüssel)\s+(?P<value>[\w.-]+)", re.I)
_REQUIRE = re.compile(
    r"pflicht|verpflichtend|erforderlich|auszufüllen|anzugeben|zu befüllen|zu füllen|zu machen|"
    r"\b(muss|müssen)\b.*\b(befüllt|ausgefüllt|angegeben|gefüllt|gemacht)\b",
    re.I,
)
_SHOW = re.compile(r"\b(angezeigt|eingeblendet|sichtbar|erscheint|erscheinen|eingeblendet)\b", re.I)
_HIDE = re.compile(r"\b(ausgeblendet|verborgen)\b|nicht\s+(angezeigt|sichtbar|eingeblendet)", re.I)
_AT_LEAST_ONE = re.compile(r"\bmindestens\s+(eine?[nsr]?|ein)\b|\bentweder\b|\beine?[sr]?\s+der\b", re.I)
_FILL_VERB = re.compile(r"\b(befüllt|ausgefüllt|angegeben|gefüllt|gemacht|ausgewählt)\b", re.I)
_TRIVIAL_SCRIPT = re.compile(r"^function\s*\w*\s*\(\s*\)\s*\{\s*\}$")


def readable(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with each FIM id replaced by the element's label, the id kept in brackets for the Fachadmin.

    ``Wenn bei F99200021 "02" …`` → ``Wenn bei „Rechtsform“ (F99200021) "02" …``; unknown ids stay.
    """

    def label(match: re.Match[str]) -> str:
        fim_id = match.group(1)
        name = labels.get(fim_id)
        return f"„{name}“ ({fim_id})" if name else fim_id

    return ID_PATTERN.sub(label, text)


@dataclass(frozen=True)
class Condition:
    ref: str  # FIM id of the field the condition reads
    op: str  # eq ne filled empty true false
    value_text: str = ""  # the quoted text ("02 Das Fahrzeug …"); mapped to a code by the builder


@dataclass(frozen=True)
class ProseRule:
    kind: str  # require, show, check
    targets: tuple[str, ...]  # FIM ids
    condition: Condition | None = None  # require/show
    negate: bool = False  # show: shown while the condition does NOT hold
    any_filled: tuple[str, ...] = ()  # check: at least one of these FIM ids filled


def normalise(text: str) -> str:
    return " ".join((text or "").split())


def is_trivial_script(script: str) -> bool:
    return not script.strip() or bool(_TRIVIAL_SCRIPT.match(normalise(script)))


def referenced_ids(text: str) -> list[str]:
    seen: list[str] = []
    for found in ID_PATTERN.findall(text or ""):
        if found not in seen:
            seen.append(found)
    return seen


def parse_prose(text: str) -> ProseRule | None:
    """Recognise one of the common patterns; ``None`` when the text says something else."""
    text = normalise(text)
    if not text:
        return None
    opening = _IF.match(text)
    if opening:
        # split "Wenn <condition>, dann <consequence>" outside quotes (quoted values may hold commas)
        masked = _QUOTED.sub(lambda m: "_" * len(m.group(0)), text)
        then = _THEN.search(masked, opening.end())
        if then:
            return _conditional(text[opening.end() : then.start()], text[then.end() :])
        comma = masked.find(",", opening.end())
        if comma > 0:
            return _conditional(text[opening.end() : comma], text[comma + 1 :])
        return None
    return _at_least_one(text)


def _conditional(cond_text: str, then_text: str) -> ProseRule | None:
    cond_refs = referenced_ids(cond_text)
    targets = referenced_ids(then_text)
    if len(cond_refs) != 1 or not targets or set(targets) & set(cond_refs):
        return None
    condition = _condition(cond_refs[0], cond_text)
    if condition is None:
        return None
    if _HIDE.search(then_text):
        return ProseRule(kind="show", targets=tuple(targets), condition=condition, negate=True)
    if _REQUIRE.search(then_text):
        if _NEGATION.search(then_text):
            return None  # "ist keine Pflichtangabe": nothing to enforce
        return ProseRule(kind="require", targets=tuple(targets), condition=condition)
    if _SHOW.search(then_text):
        return ProseRule(kind="show", targets=tuple(targets), condition=condition)
    return None


def _condition(ref: str, text: str) -> Condition | None:
    quoted = _QUOTED.search(text)
    outside = _QUOTED.sub(" ", text)
    negated = bool(_NEGATION.search(outside))
    if quoted:
        return Condition(ref=ref, op="ne" if negated else "eq", value_text=normalise(quoted.group("text")))
    value_word = _VALUE_WORD.search(outside)
    if value_word:
        return Condition(ref=ref, op="ne" if negated else "eq", value_text=value_word.group("value"))
    if _UNCHECKED.search(outside):
        return Condition(ref=ref, op="true" if negated else "false")
    if _CHECKED.search(outside):
        return Condition(ref=ref, op="false" if negated else "true")
    if _EMPTY.search(outside):
        return Condition(ref=ref, op="filled" if negated else "empty")
    if _FILLED.search(outside):
        return Condition(ref=ref, op="empty" if negated else "filled")
    return None


def _at_least_one(text: str) -> ProseRule | None:
    refs = referenced_ids(text)
    if len(refs) < 2 or not _FILL_VERB.search(text):
        return None
    if not (_AT_LEAST_ONE.search(text) or re.search(r"\boder\b", text, re.I)):
        return None
    if not re.search(r"\b(muss|müssen|ist|sind|sein)\b", text, re.I):
        return None
    return ProseRule(kind="check", targets=(refs[0],), any_filled=tuple(refs))
