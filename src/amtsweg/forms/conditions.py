"""The condition language of form rules: evaluation and structural checks.

A condition (``RuleSpec.when``, see :mod:`amtsweg.forms.spec`) is evaluated on one *group instance* (the
dict of answers of the rule's scope group). Field paths are relative to that instance and may go down
into non-repeating subgroups (``"adresse.plz"``); a repeating field (``max > 1``) yields a list, and
``eq``/``in`` then hold when any of its values matches, ``filled`` when the list is not empty.

Evaluation uses three values: ``True``, ``False`` and ``None`` ("cannot tell"), the latter when a
comparison (``gt gte lt lte``) lacks one of its values or compares different kinds of values. ``all``,
``any`` and ``not`` follow Kleene's logic. Callers decide what "cannot tell" means: a ``require`` or
``show`` rule applies only when its condition is ``True``; a ``check`` rule fails only when it is
``False`` (a missing value is reported by the required-field check, not by the comparison).

Extension: in a comparison (``gt gte lt lte``) the value ``"today"`` stands for today's date (ISO,
local time zone), e.g. ``{"field": "mietbeginn", "op": "lte", "value": "today"}``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.forms.spec import CONDITION_OPS, CodeListSpec, FieldSpec, GroupSpec

MAX_DEPTH = 20
TODAY = "today"
_VALUE_OPS = ("eq", "ne", "in", "not_in")
_COMPARE_OPS = ("gt", "gte", "lt", "lte")
_UNARY_OPS = ("filled", "empty", "true", "false")
_MISSING = object()


def is_filled(value: Any) -> bool:
    """An answer counts as given unless it is absent, ``None``, blank text or an empty list/object."""
    if value is None or value is _MISSING:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def resolve(instance: Any, path: str) -> Any:
    """The value at ``path`` in a group instance, or ``None``."""
    value: Any = instance
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def holds(condition: dict[str, Any] | None, instance: Any) -> bool:
    """``True`` only when the condition certainly holds; no condition always holds."""
    if condition is None:
        return True
    return evaluate(condition, instance) is True


def evaluate(condition: Any, instance: Any, _depth: int = 0) -> bool | None:
    """Evaluate ``condition`` on ``instance``: ``True``, ``False`` or ``None`` (cannot tell).

    Never raises on odd data; a malformed condition (which the loaders reject) evaluates to ``None``.
    """
    if not isinstance(condition, dict) or _depth > MAX_DEPTH:
        return None
    if "all" in condition:
        parts = condition["all"]
        if not isinstance(parts, list):
            return None
        results = [evaluate(part, instance, _depth + 1) for part in parts]
        if False in results:
            return False
        return None if None in results else True
    if "any" in condition:
        parts = condition["any"]
        if not isinstance(parts, list):
            return None
        results = [evaluate(part, instance, _depth + 1) for part in parts]
        if True in results:
            return True
        return None if None in results else False
    if "not" in condition:
        inner = evaluate(condition["not"], instance, _depth + 1)
        return None if inner is None else not inner
    path = condition.get("field")
    if not isinstance(path, str):
        return None
    value = resolve(instance, path)
    op = condition.get("op")
    expected = condition.get("value")
    values = value if isinstance(value, list) else [value]
    if op == "eq":
        return any(_equal(v, expected) for v in values)
    if op == "ne":
        return not any(_equal(v, expected) for v in values)
    if op in ("in", "not_in"):
        if not isinstance(expected, list):
            return None
        found = any(_equal(v, e) for v in values for e in expected)
        return found if op == "in" else not found
    if op == "filled":
        return is_filled(value)
    if op == "empty":
        return not is_filled(value)
    if op == "true":
        return value is True
    if op == "false":
        return value is not True
    if op in _COMPARE_OPS:
        other = resolve(instance, condition["other"]) if isinstance(condition.get("other"), str) else expected
        if other == TODAY:
            other = timezone.localdate().isoformat()
        return _compare(op, value, other)
    return None


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if left is None or right is None:
        return False
    return str(left) == str(right)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool | None:
    if not is_filled(left) or not is_filled(right):
        return None
    if _is_number(left) and isinstance(right, str):
        right = _as_number(right)
    if not ((_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
        return None
    try:
        if op == "gt":
            return bool(left > right)
        if op == "gte":
            return bool(left >= right)
        if op == "lt":
            return bool(left < right)
        return bool(left <= right)
    except TypeError:
        return None


def _as_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


# ---- structural checks ------------------------------------------------------------------------


def condition_errors(
    condition: Any,
    group: GroupSpec,
    code_lists: dict[str, CodeListSpec] | None = None,
    *,
    where: str = "when",
) -> list[str]:
    """What is wrong with ``condition`` as a condition on instances of ``group`` (German, empty if fine).

    ``where`` names the place of the condition in error messages (e.g. ``rules[2].when``).
    """
    errors: list[str] = []
    _check(condition, group, code_lists or {}, where, errors, 0)
    return errors


def field_at(group: GroupSpec, path: str) -> tuple[FieldSpec | None, str]:
    """The field at a group-relative path (only through non-repeating groups), or ``None`` and why not."""
    current = group
    parts = path.split(".")
    for index, part in enumerate(parts):
        child = current.child(part)
        if child is None:
            return None, _("Das Feld „%(path)s“ gibt es in der Gruppe „%(group)s“ nicht.") % {
                "path": path,
                "group": group.label or group.key,
            }
        last = index == len(parts) - 1
        if isinstance(child.element, GroupSpec):
            if last:
                return None, _("„%(path)s“ ist eine Gruppe, kein Feld.") % {"path": path}
            if child.repeating:
                return None, _(
                    "„%(path)s“ liegt in der wiederholbaren Gruppe „%(key)s“; "
                    "die Regel gehört in diese Gruppe (scope)."
                ) % {"path": path, "key": part}
            current = child.element
        elif not last:
            return None, _("„%(part)s“ ist ein Feld, keine Gruppe (Pfad „%(path)s“).") % {
                "part": part,
                "path": path,
            }
        else:
            if child.element.datatype == "label":
                return None, _("„%(path)s“ ist ein reiner Hinweistext ohne Wert.") % {"path": path}
            return child.element, ""
    return None, _("Der Pfad ist leer.")


def _check(
    condition: Any,
    group: GroupSpec,
    code_lists: dict[str, CodeListSpec],
    where: str,
    errors: list[str],
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        errors.append(_("%(where)s: Die Bedingung ist zu tief verschachtelt.") % {"where": where})
        return
    if not isinstance(condition, dict):
        errors.append(_("%(where)s: Eine Bedingung muss ein Objekt sein.") % {"where": where})
        return
    combinators = [key for key in ("all", "any", "not") if key in condition]
    if combinators:
        key = combinators[0]
        if len(condition) != 1:
            errors.append(
                _("%(where)s: „%(key)s“ darf nicht mit anderen Angaben kombiniert werden.")
                % {"where": where, "key": key}
            )
            return
        if key == "not":
            _check(condition["not"], group, code_lists, f"{where}.not", errors, depth + 1)
            return
        parts = condition[key]
        if not isinstance(parts, list) or not parts:
            errors.append(
                _("%(where)s: „%(key)s“ braucht eine nicht leere Liste von Bedingungen.")
                % {"where": where, "key": key}
            )
            return
        for index, part in enumerate(parts):
            _check(part, group, code_lists, f"{where}.{key}[{index}]", errors, depth + 1)
        return
    unknown = sorted(set(condition) - {"field", "op", "value", "other"})
    if unknown:
        errors.append(
            _("%(where)s: Unbekannte Angabe „%(key)s“ (erlaubt: field, op, value, other, all, any, not).")
            % {"where": where, "key": unknown[0]}
        )
    path = condition.get("field")
    op = condition.get("op")
    if not isinstance(path, str) or not path:
        errors.append(_("%(where)s: Es fehlt das Feld („field“).") % {"where": where})
        field = None
    else:
        field, reason = field_at(group, path)
        if field is None:
            errors.append(f"{where}: {reason}")
    if op not in CONDITION_OPS:
        errors.append(
            _("%(where)s: Unbekannter Vergleich „%(op)s“ (erlaubt: %(ops)s).")
            % {"where": where, "op": op, "ops": ", ".join(CONDITION_OPS)}
        )
        return
    has_value = "value" in condition
    has_other = "other" in condition
    if op in _UNARY_OPS and (has_value or has_other):
        errors.append(
            _("%(where)s: „%(op)s“ vergleicht mit nichts; „value“/„other“ bitte weglassen.")
            % {"where": where, "op": op}
        )
    if op in _VALUE_OPS:
        if has_other:
            errors.append(_("%(where)s: „other“ geht nur mit gt, gte, lt, lte.") % {"where": where})
        if not has_value:
            errors.append(_("%(where)s: „%(op)s“ braucht einen Wert („value“).") % {"where": where, "op": op})
        elif op in ("in", "not_in") and not isinstance(condition["value"], list):
            errors.append(
                _("%(where)s: „%(op)s“ braucht eine Liste von Werten.") % {"where": where, "op": op}
            )
        elif field is not None and field.code_list and field.code_list in code_lists:
            codes = {entry.code for entry in code_lists[field.code_list].entries}
            wanted = condition["value"] if isinstance(condition["value"], list) else [condition["value"]]
            for value in wanted:
                if str(value) not in codes:
                    errors.append(
                        _("%(where)s: „%(value)s“ ist kein Code der Liste „%(list)s“.")
                        % {"where": where, "value": value, "list": code_lists[field.code_list].name}
                    )
    if op in _COMPARE_OPS:
        if has_value == has_other:
            errors.append(
                _("%(where)s: „%(op)s“ braucht genau eines von „value“ oder „other“.")
                % {"where": where, "op": op}
            )
        elif has_other:
            other = condition["other"]
            if not isinstance(other, str) or not other:
                errors.append(_("%(where)s: „other“ muss ein Feldpfad sein.") % {"where": where})
            else:
                other_field, reason = field_at(group, other)
                if other_field is None:
                    errors.append(f"{where}.other: {reason}")
        elif isinstance(condition["value"], bool) or not isinstance(condition["value"], (int, float, str)):
            errors.append(
                _("%(where)s: „%(op)s“ vergleicht mit einer Zahl oder einem Datum.")
                % {"where": where, "op": op}
            )
