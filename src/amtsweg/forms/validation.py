"""The one validator of form data, used by the HTML steps and by the API alike.

Three functions, applied in this order to what an applicant sends:

* :func:`coerce` turns raw input (strings as a browser sends them, nested like the data) into typed data:
  German numbers (``1.234,56``) and dates (``24.12.2026``) are accepted, blank text counts as absent.
* :func:`prune_hidden` drops the answers of fields that ``show`` rules hide, so nothing the applicant
  cannot see is stored or checked.
* :func:`validate` returns a list of :class:`FieldError` in form order, with German messages. It runs the
  compiled JSON Schema (the one stored on the version, see :mod:`amtsweg.forms.schema`) and then the
  ``require``/``show``/``check`` rules once per instance of their scope group (``info`` rules are ignored).

Error paths address the data: keys joined by dots, list positions (counted from 0) in brackets,
e.g. ``kinder[1].geburtsdatum``; an error about the whole data has the path ``""``. :func:`spec_path`
removes the positions (``kinder.geburtsdatum``) to find the field in the spec. There is at most one
error per path (the first problem found).

Hostile data (wrong types, huge strings, unknown keys, junk of any depth) yields errors, never exceptions;
at most :data:`MAX_ERRORS` errors are returned. Compiled validators are cached in-process per form key and
version (and compared with the spec and schema passed in, so a changed spec never meets a stale cache).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import jsonschema
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from amtsweg.core.text import is_index
from amtsweg.forms.conditions import evaluate, holds, is_filled
from amtsweg.forms.fieldtypes import (
    MAX_ABS_NUMBER,
    FieldValueError,
    check_value,
    field_type,
    german_date,
    german_number,
    parse_input,
)
from amtsweg.forms.schema import compile_json_schema
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec, RuleSpec

if TYPE_CHECKING:
    from amtsweg.forms.models import FormVersion

logger = logging.getLogger(__name__)

MAX_ERRORS = 100
MAX_KEY_IN_PATH = 60
CACHE_SIZE = 256


@dataclass(frozen=True)
class FieldError:
    """One problem: ``path`` into the data (``kinder[1].geburtsdatum``, ``""`` = the whole data)."""

    path: str
    message: str


# ---- paths ------------------------------------------------------------------------------------

_INDEX = re.compile(r"\[\d+\]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def format_path(parts: Iterator[str | int] | list[str | int] | tuple[str | int, ...]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)[:MAX_KEY_IN_PATH]
            out = f"{out}.{text}" if out else text
    return out


def spec_path(path: str) -> str:
    """``kinder[1].geburtsdatum`` -> ``kinder.geburtsdatum``."""
    return _INDEX.sub("", path)


def label_for(spec: FormSpec, path: str) -> str:
    """The label of the field or group at a data or spec path ("" if unknown)."""
    child = spec.element_at(spec_path(path)) if path else None
    if child is None:
        return ""
    return child.element.label or child.element.name or child.key


# ---- compiled validators ----------------------------------------------------------------------


def _is_finite_number(checker: Any, instance: Any) -> bool:
    return (
        isinstance(instance, (int, float))
        and not isinstance(instance, bool)
        and (isinstance(instance, int) or math.isfinite(instance))
    )


def _multiple_of(validator: Any, step: Any, instance: Any, schema: dict[str, Any]) -> Iterator[SchemaError]:
    if not validator.is_type(instance, "number"):
        return
    if abs(instance) >= MAX_ABS_NUMBER:
        return  # reported by the field type ("zu groß"), which says more than "two decimal places"
    try:
        failed = Decimal(str(instance)) % Decimal(str(step)) != 0
    except (InvalidOperation, ValueError, ArithmeticError):
        failed = True
    if failed:
        yield SchemaError(f"{instance!r} is not a multiple of {step}")


_REGEX_CACHE: dict[str, re.Pattern[str] | None] = {}


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[SchemaError]:
    if not isinstance(instance, str):
        return
    if len(instance) > schema.get("maxLength", 100_000):
        return  # reported by maxLength; no regular expression runs on oversized input
    regex = _REGEX_CACHE.get(pattern)
    if regex is None and pattern not in _REGEX_CACHE:
        try:
            regex = re.compile(pattern)
        except (re.error, OverflowError, RecursionError):
            regex = None
        _REGEX_CACHE[pattern] = regex
    if regex is not None and not regex.search(instance):
        yield SchemaError(f"{instance!r} does not match {pattern!r}")


def _format_minimum(
    validator: Any, bound: str, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaError]:
    if isinstance(instance, str) and isinstance(bound, str) and instance < bound:
        yield SchemaError(f"{instance!r} is before {bound!r}")


def _format_maximum(
    validator: Any, bound: str, instance: Any, schema: dict[str, Any]
) -> Iterator[SchemaError]:
    if isinstance(instance, str) and isinstance(bound, str) and instance > bound:
        yield SchemaError(f"{instance!r} is after {bound!r}")


_FormValidator = jsonschema.validators.extend(
    Draft202012Validator,
    validators={
        "multipleOf": _multiple_of,
        "pattern": _pattern,
        "formatMinimum": _format_minimum,
        "formatMaximum": _format_maximum,
    },
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _is_finite_number),
)


@dataclass
class _Compiled:
    spec: FormSpec
    schema: dict[str, Any]
    validator: Any
    rules: dict[str, list[RuleSpec]]  # scope -> evaluated rules in order
    order: dict[str, int]  # spec path -> position in the form


_CACHE: dict[tuple[str, str], _Compiled] = {}


def compiled(spec: FormSpec, schema: dict[str, Any] | None = None) -> _Compiled:
    """The cached validator of ``spec`` (against ``schema`` if given, else the compiled one)."""
    key = (spec.key, spec.version)
    entry = _CACHE.get(key)
    if (
        entry is not None
        and (entry.spec is spec or entry.spec == spec)
        and (schema is None or entry.schema is schema or entry.schema == schema)
    ):
        return entry
    if schema is None:
        schema = compile_json_schema(spec)
    rules: dict[str, list[RuleSpec]] = {}
    for rule in spec.rules:
        if rule.kind in ("require", "show", "check"):
            rules.setdefault(rule.scope, []).append(rule)
    order = {path: index for index, (path, _child) in enumerate(spec.iter_elements())}
    entry = _Compiled(
        spec=spec,
        schema=schema,
        validator=_FormValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER),
        rules=rules,
        order=order,
    )
    if len(_CACHE) >= CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = entry
    return entry


# ---- coerce -----------------------------------------------------------------------------------

_ABSENT = object()


def coerce(spec: FormSpec, raw: Any, *, paths: set[str] | None = None) -> dict[str, Any]:
    """Typed data from raw input: strings (as from an HTML form) nested like the data.

    A repeating group may come as a list or as a dict keyed by positions (``{"0": {...}, "1": {...}}``).
    Blank values become absent, empty optional groups too; empty repetitions are dropped as long as the
    group keeps its minimum number. A checkbox (``bool`` with input ``checkbox``) missing from a group
    that was sent is ``False``, as browsers send nothing for an unticked box; ``paths`` (the root keys
    of the step that was sent, see :func:`amtsweg.forms.steps.step_paths`) limits this, and everything
    else, to that step. Keys the form does not know are dropped. Values that cannot be converted stay
    as they are, so that :func:`validate` reports them. Typed values are kept.
    """
    if not isinstance(raw, dict):
        return {}
    return _coerce_group(spec.root, raw, paths)[0]


def _unticked(child: ChildSpec) -> bool:
    element = child.element
    return (
        isinstance(element, FieldSpec)
        and element.datatype == "bool"
        and element.input == "checkbox"
        and not child.repeating
    )


def _coerce_group(
    group: GroupSpec, raw: dict[Any, Any], keys: set[str] | None = None
) -> tuple[dict[str, Any], bool]:
    """The typed instance and whether it holds any answer (an unticked box is no answer)."""
    out: dict[str, Any] = {}
    answered = False
    for child in group.children:
        element = child.element
        if keys is not None and child.key not in keys:
            continue
        if isinstance(element, FieldSpec) and element.datatype == "label":
            continue
        if child.key not in raw:
            if _unticked(child):
                out[child.key] = False
            continue
        value = raw[child.key]
        if child.repeating:
            items = _as_list(value)
            if isinstance(element, GroupSpec):
                rows = [
                    _coerce_group(element, item) if isinstance(item, dict) else (item, True) for item in items
                ]
                filled = [row for row, has in rows if has]
                empty = [row for row, has in rows if not has]
                kept = filled + empty[: max(0, child.min - len(filled))]
                if kept:
                    out[child.key] = kept
                    answered = answered or bool(filled)
            else:
                values = [v for v in (_coerce_value(element, item) for item in items) if v is not _ABSENT]
                if values:
                    out[child.key] = values
                    answered = True
        elif isinstance(element, GroupSpec):
            if isinstance(value, dict):
                inner, has = _coerce_group(element, value)
                if has or child.required:  # a required group stays, so its fields report what is missing
                    out[child.key] = inner
                    answered = answered or has
            elif value not in (None, ""):
                out[child.key] = value
                answered = True
        else:
            coerced = _coerce_value(element, value)
            if coerced is not _ABSENT:
                out[child.key] = coerced
                answered = answered or coerced is not False or not _unticked(child)
            elif _unticked(child):
                out[child.key] = False
    return out, answered


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(isinstance(k, str) and is_index(k) for k in value):
        return [value[k] for k in sorted(value, key=int)]
    if value is None or value == "":
        return []
    return [value]


def _coerce_value(field: FieldSpec, value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None:
        return _ABSENT
    if not isinstance(value, str):
        return value
    try:
        parsed = parse_input(field, value)
    except FieldValueError:
        return value.strip()  # kept as typed: validate() reports it with the type's message
    return _ABSENT if parsed is None else parsed


# ---- show rules -------------------------------------------------------------------------------


def _instances(data: Any, scope: str) -> list[tuple[str, dict[str, Any]]]:
    """Every instance of the scope group in ``data`` with its data path."""
    found: list[tuple[str, Any]] = [("", data)]
    if scope:
        for part in scope.split("."):
            following: list[tuple[str, Any]] = []
            for path, value in found:
                if not isinstance(value, dict):
                    continue
                inner = value.get(part)
                inner_path = f"{path}.{part}" if path else part
                if isinstance(inner, list):
                    following.extend((f"{inner_path}[{i}]", item) for i, item in enumerate(inner))
                else:
                    following.append((inner_path, inner))
            found = following
    return [(path, value) for path, value in found if isinstance(value, dict)]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _remove(instance: dict[str, Any], target: str) -> bool:
    head, _sep, rest = target.partition(".")
    if head not in instance:
        return False
    if not rest:
        del instance[head]
        return True
    inner = instance[head]
    items = inner if isinstance(inner, list) else [inner]
    removed = False
    for item in items:
        if isinstance(item, dict):
            removed = _remove(item, rest) or removed
    return removed


def prune_hidden(spec: FormSpec, data: Any) -> Any:
    """A copy of ``data`` without the answers of fields hidden by ``show`` rules."""
    if not isinstance(data, dict):
        return data
    pruned = _copy(data)
    show_rules = [rule for rule in spec.rules if rule.kind == "show"]
    for _round in range(5):  # hiding a field can hide the fields that depend on it
        changed = False
        for rule in show_rules:
            for _path, instance in _instances(pruned, rule.scope):
                if not holds(rule.when, instance):
                    for target in rule.targets:
                        changed = _remove(instance, target) or changed
        if not changed:
            break
    return pruned


def hidden_paths(spec: FormSpec, data: Any) -> set[tuple[str, str]]:
    """``(instance data path, target)`` of every ``show`` target hidden with ``data``."""
    hidden: set[tuple[str, str]] = set()
    if not isinstance(data, dict):
        return hidden
    for rule in spec.rules:
        if rule.kind != "show":
            continue
        for path, instance in _instances(data, rule.scope):
            if not holds(rule.when, instance):
                hidden.update((path, target) for target in rule.targets)
    return hidden


def _is_hidden(path: str, hidden: set[tuple[str, str]]) -> bool:
    for instance_path, target in hidden:
        if instance_path:
            if not path.startswith(instance_path + "."):
                continue
            rest = path[len(instance_path) + 1 :]
        else:
            rest = path
        rest = spec_path(rest)
        if rest == target or rest.startswith(target + "."):
            return True
    return False


# ---- messages ---------------------------------------------------------------------------------


def de_number(value: Any, *, currency: bool = False) -> str:
    """``1234.5`` -> ``1.234,5`` (``1.234,50 €`` for amounts)."""
    if currency and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{german_number(value, 2, group=True)} €"
    return german_number(value)


def de_date(value: str) -> str:
    """``2026-12-24`` -> ``24.12.2026`` (other text unchanged)."""
    return german_date(value)


def _name(element: FieldSpec | GroupSpec | None) -> str:
    if element is None:
        return _("diese Angabe")
    return element.label or element.name or element.key


def required_message(child: ChildSpec | None) -> str:
    element = child.element if child is not None else None
    label = _name(element)
    if child is not None and child.repeating:
        if child.min > 1:
            return _("Bitte geben Sie mindestens %(count)d Einträge für „%(label)s“ an.") % {
                "count": child.min,
                "label": label,
            }
        return _("Bitte geben Sie mindestens einen Eintrag für „%(label)s“ an.") % {"label": label}
    if isinstance(element, GroupSpec):
        return _("Bitte füllen Sie „%(label)s“ aus.") % {"label": label}
    if isinstance(element, FieldSpec):
        if element.datatype == "file":
            return _("Bitte laden Sie „%(label)s“ hoch.") % {"label": label}
        if element.input in ("select", "radio") or element.datatype == "bool":
            return _("Bitte wählen Sie „%(label)s“ aus.") % {"label": label}
    return _("Bitte geben Sie „%(label)s“ an.") % {"label": label}


def _type_message(element: FieldSpec | GroupSpec | None, repeating: bool) -> str:
    if isinstance(element, GroupSpec) or repeating:
        return _("Die Angaben zu „%(label)s“ haben nicht die erwartete Form.") % {"label": _name(element)}
    if element is None:
        return _("Ungültige Angabe.")
    return field_type(element).invalid_message(element)


def _bound(element: FieldSpec | GroupSpec | None, value: Any) -> str:
    if isinstance(element, FieldSpec) and element.datatype == "currency":
        return de_number(value, currency=True)
    return de_number(value)


def _schema_message(error: SchemaError, child: ChildSpec | None) -> str:
    element = child.element if child is not None else None
    repeating = child is not None and child.repeating and not isinstance(error.instance, dict)
    keyword = error.validator
    value = error.validator_value
    datatype = element.datatype if isinstance(element, FieldSpec) else ""
    label = _name(element)
    if keyword == "type":
        if (
            isinstance(error.instance, float)
            and math.isinf(error.instance)
            and datatype in ("integer", "number", "currency")
            and isinstance(element, FieldSpec)
        ):
            return _("Die Zahl bei „%(label)s“ ist zu groß.") % {"label": label}
        if error.instance is None and child is not None and child.required:
            return required_message(child)
        if error.instance is None and child is None:
            return _("Die Angaben müssen ein Objekt sein.")
        return _type_message(element, repeating)
    if keyword == "minLength":
        if isinstance(error.instance, str) and not error.instance.strip():
            return required_message(child)
        if datatype not in ("text", ""):
            return _type_message(element, False)
        return _("„%(label)s“ braucht mindestens %(count)d Zeichen.") % {"label": label, "count": value}
    if keyword == "maxLength":
        if datatype == "file":
            return _("Die Datei-Kennung bei „%(label)s“ ist ungültig.") % {"label": label}
        if datatype not in ("text", ""):
            return _type_message(element, False)
        return _("„%(label)s“ darf höchstens %(count)d Zeichen lang sein.") % {"label": label, "count": value}
    if keyword in ("pattern", "format"):
        if datatype in ("date", "time", "datetime"):
            if (
                keyword == "format"
                and isinstance(error.instance, str)
                and _ISO_DATE.fullmatch(error.instance)
            ):
                return _("Das Datum bei „%(label)s“ gibt es nicht. Bitte prüfen Sie Tag und Monat.") % {
                    "label": label
                }
            return _type_message(element, False)
        if datatype not in ("text", ""):
            return _type_message(element, False)
        hint = element.help if isinstance(element, FieldSpec) else ""
        if hint:
            return _("„%(label)s“ hat nicht das erwartete Format: %(hint)s") % {"label": label, "hint": hint}
        return _("„%(label)s“ hat nicht das erwartete Format.") % {"label": label}
    if keyword == "enum":
        return _("Bitte wählen Sie bei „%(label)s“ einen Eintrag aus der Liste.") % {"label": label}
    if keyword in ("minimum", "exclusiveMinimum"):
        return _("„%(label)s“ muss mindestens %(value)s sein.") % {
            "label": label,
            "value": _bound(element, value),
        }
    if keyword in ("maximum", "exclusiveMaximum"):
        return _("„%(label)s“ darf höchstens %(value)s sein.") % {
            "label": label,
            "value": _bound(element, value),
        }
    if keyword == "multipleOf":
        return _("Bitte geben Sie „%(label)s“ mit höchstens zwei Nachkommastellen ein.") % {"label": label}
    if keyword == "formatMinimum":
        if datatype != "date":
            return _("„%(label)s“: frühestens %(value)s.") % {"label": label, "value": de_date(str(value))}
        return _("„%(label)s“ darf nicht vor dem %(date)s liegen.") % {
            "label": label,
            "date": de_date(str(value)),
        }
    if keyword == "formatMaximum":
        if datatype != "date":
            return _("„%(label)s“: spätestens %(value)s.") % {"label": label, "value": de_date(str(value))}
        return _("„%(label)s“ darf nicht nach dem %(date)s liegen.") % {
            "label": label,
            "date": de_date(str(value)),
        }
    if keyword == "minItems":
        return _("Bitte geben Sie mindestens %(count)d Einträge für „%(label)s“ an.") % {
            "count": value,
            "label": label,
        }
    if keyword == "maxItems":
        return _("Höchstens %(count)d Einträge für „%(label)s“.") % {"count": value, "label": label}
    return (
        _("Bitte prüfen Sie „%(label)s“.") % {"label": label}
        if element is not None
        else _("Ungültige Angabe.")
    )


# ---- validate ---------------------------------------------------------------------------------


def _child_at(spec: FormSpec, parts: list[Any]) -> ChildSpec | None:
    group: GroupSpec | None = spec.root
    child: ChildSpec | None = None
    for part in parts:
        if isinstance(part, int):
            continue
        if group is None:
            return None
        child = group.child(str(part))
        if child is None:
            return None
        group = child.element if isinstance(child.element, GroupSpec) else None
    return child


def _from_rule(error: SchemaError) -> bool:
    """Errors of the ``if``/``then`` compiled from rules; the rules are evaluated here in Python instead."""
    path = list(error.schema_path)
    return any(
        part == "then" and index >= 2 and path[index - 2] == "allOf" for index, part in enumerate(path)
    )


def _sort_key(spec: FormSpec, path: str, order: dict[str, int]) -> tuple[int, ...]:
    key: list[int] = []
    prefix = ""
    for match in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", path):
        name, index = match.groups()
        if index is not None:
            key.append(int(index))
        else:
            prefix = f"{prefix}.{name}" if prefix else name
            key.append(order.get(prefix, 10**6))
    return tuple(key)


def validate(
    spec: FormSpec,
    data: Any,
    *,
    paths: set[str] | None = None,
    schema: dict[str, Any] | None = None,
) -> list[FieldError]:
    """All problems of ``data`` (typed, see :func:`coerce`), in form order; ``[]`` when it is fine.

    ``paths`` limits the errors to fields at or below these spec paths (e.g. the root keys of one step,
    see :func:`amtsweg.forms.steps.step_paths`). ``schema`` is the JSON Schema stored on the version; without
    it the schema is compiled from ``spec``. Data of hidden fields is ignored (call :func:`prune_hidden`
    before storing).
    """
    try:
        return _validate(spec, data, paths, schema)
    except Exception:  # a validator must answer, whatever it is fed
        logger.exception("Formularprüfung fehlgeschlagen (%s %s)", spec.key, spec.version)
        return [
            FieldError("", _("Die Angaben konnten nicht geprüft werden. Bitte prüfen Sie Ihre Eingaben."))
        ]


_SPECS: dict[tuple[int, Any], FormSpec] = {}


def spec_of(version: FormVersion) -> FormSpec:
    """The parsed spec of a stored version, cached in-process (a stored version's content never changes)."""
    key = (version.pk, version.created_at)
    spec = _SPECS.get(key)
    if spec is None:
        spec = version.spec()
        if len(_SPECS) >= CACHE_SIZE:
            _SPECS.clear()
        _SPECS[key] = spec
    return spec


def validate_version(version: FormVersion, data: Any, *, paths: set[str] | None = None) -> list[FieldError]:
    """:func:`validate` against a stored version and its stored JSON Schema (both cached)."""
    return validate(spec_of(version), data, paths=paths, schema=version.json_schema)


def _validate(
    spec: FormSpec, data: Any, paths: set[str] | None, schema: dict[str, Any] | None
) -> list[FieldError]:
    entry = compiled(spec, schema)
    if not isinstance(data, dict):
        return [FieldError("", _("Die Angaben müssen ein Objekt sein."))]
    hidden = hidden_paths(spec, data)
    errors: dict[str, str] = {}
    only_missing: set[str] = set()  # paths whose error just says "missing": a rule's message is better

    def add(path: str, message: str, *, missing: bool = False, from_rule: bool = False) -> None:
        if path in errors and not (from_rule and path in only_missing):
            return
        if path not in errors and len(errors) >= MAX_ERRORS:
            return
        if hidden and _is_hidden(path, hidden):
            return
        errors[path] = message
        if missing:
            only_missing.add(path)
        else:
            only_missing.discard(path)

    for error in entry.validator.iter_errors(data):
        if len(errors) >= MAX_ERRORS:
            break
        if _from_rule(error):
            continue
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            group_child = _child_at(spec, parts)
            group = (
                spec.root
                if not parts
                else (
                    group_child.element
                    if group_child and isinstance(group_child.element, GroupSpec)
                    else None
                )
            )
            for key in error.validator_value:
                if key not in error.instance:
                    child = group.child(key) if group is not None else None
                    add(format_path([*parts, key]), required_message(child), missing=True)
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    add(
                        format_path([*parts, str(key)]),
                        _("Dieses Feld gibt es im Formular nicht: „%(key)s“.")
                        % {"key": str(key)[:MAX_KEY_IN_PATH]},
                    )
            continue
        child = _child_at(spec, parts)
        add(format_path(parts), _schema_message(error, child))

    _check_values(spec.root, data, [], add)
    _check_rules(spec, entry, data, add)

    result = [FieldError(path, message) for path, message in errors.items()]
    if paths is not None:
        result = [e for e in result if e.path == "" or _in_paths(spec_path(e.path), paths)]
    result.sort(key=lambda e: _sort_key(spec, e.path, entry.order))
    return result


def _check_values(group: GroupSpec, instance: Any, parts: list[str | int], add: Any) -> None:
    """The field types' own checks (IBAN check digits, dates relative to today, sizes of numbers)."""
    if not isinstance(instance, dict):
        return
    for child in group.children:
        if child.key not in instance:
            continue
        value = instance[child.key]
        here: list[str | int] = [*parts, child.key]
        items = list(enumerate(value)) if child.repeating and isinstance(value, list) else [(None, value)]
        for index, item in items[:MAX_ERRORS]:
            at = here if index is None else [*here, index]
            if isinstance(child.element, GroupSpec):
                _check_values(child.element, item, at, add)
            elif item is not None and (message := check_value(child.element, item)):
                add(format_path(at), message)


def _in_paths(path: str, paths: set[str]) -> bool:
    if path in paths:
        return True
    return any(path.startswith(p + ".") for p in paths)


def _check_rules(spec: FormSpec, entry: _Compiled, data: dict[str, Any], add: Any) -> None:
    for scope, rules in entry.rules.items():
        scope_child = spec.element_at(scope) if scope else None
        if scope and (scope_child is None or not isinstance(scope_child.element, GroupSpec)):
            continue
        group = spec.root if scope_child is None else scope_child.element
        if not isinstance(group, GroupSpec):
            continue
        for instance_path, instance in _instances(data, scope):
            for rule in rules:
                _check_rule(spec, rule, group, instance_path, instance, add)


def _target_child(group: GroupSpec, target: str) -> ChildSpec | None:
    child: ChildSpec | None = None
    current: GroupSpec | None = group
    for part in target.split("."):
        if current is None:
            return None
        child = current.child(part)
        if child is None:
            return None
        current = child.element if isinstance(child.element, GroupSpec) and not child.repeating else None
    return child


def _check_rule(
    spec: FormSpec, rule: RuleSpec, group: GroupSpec, instance_path: str, instance: dict[str, Any], add: Any
) -> None:
    def at(target: str) -> str:
        return f"{instance_path}.{target}" if instance_path else target

    if rule.kind == "check":
        if rule.when is not None and evaluate(rule.when, instance) is False:
            target = rule.targets[0] if rule.targets else ""
            path = at(target) if target else instance_path
            add(path, rule.message or _("Die Angaben passen nicht zusammen."), from_rule=True)
        return
    if not holds(rule.when, instance):
        return
    for target in rule.targets:
        child = _target_child(group, target)
        if child is None:
            continue
        if rule.kind == "show" and not child.required:
            continue
        if isinstance(child.element, FieldSpec) and child.element.datatype == "label":
            continue
        value = _resolve_target(instance, target)
        if value is _UNREACHABLE or is_filled(value):
            continue
        if rule.kind == "require" and rule.message:
            add(at(target), rule.message, from_rule=True)
        else:
            add(at(target), required_message(child), missing=True)


_UNREACHABLE = object()


def _resolve_target(instance: dict[str, Any], target: str) -> Any:
    """The value at ``target``; ``_UNREACHABLE`` when a group on the way is absent (nothing is missing)."""
    value: Any = instance
    parts = target.split(".")
    for index, part in enumerate(parts):
        if not isinstance(value, dict):
            return _UNREACHABLE
        if index < len(parts) - 1 and part not in value:
            return _UNREACHABLE
        value = value.get(part)
    return value
