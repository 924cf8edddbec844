"""Compile a :class:`~amtsweg.forms.spec.FormSpec` to JSON Schema 2020-12.

The schema describes the *data* of a submission (see the docstring of :mod:`amtsweg.forms.spec`) and is
stored on every version (``FormVersion.json_schema``). API clients validate against it; our own validator
(:mod:`amtsweg.forms.validation`) runs it too and adds what JSON Schema cannot say (rules comparing two
fields, rules in nested or repeating groups, German messages).

Mapping:

* group (``max == 1``) -> ``object`` with ``properties``, ``required`` (children with ``min >= 1``) and
  ``additionalProperties: false``; an optional group may also be ``null``.
* repeating group or field (``max`` ``None`` or > 1) -> ``array`` with ``minItems``/``maxItems``.
* a field -> the fragment its type in :mod:`amtsweg.forms.fieldtypes` writes (``FieldType.json_schema``):
* ``text`` -> ``string`` with ``minLength``/``maxLength``/``pattern``; without a length in the definition
  a text is capped at 1,000 characters (``input``) or 10,000 (``textarea``). ``pattern`` is anchored
  (``^(?:…)$``): the definition's pattern must match the whole value. A required text has ``minLength >= 1``.
* ``date`` -> ``string``, ``format: date`` plus a pattern ``YYYY-MM-DD``; ``time`` (``HH:MM[:SS]``) and
  ``datetime`` (local ``YYYY-MM-DDTHH:MM[:SS]``, no time zone) -> ``string`` with a pattern. Earliest and
  latest values of these are written as ``formatMinimum``/``formatMaximum`` (the ajv-formats keywords;
  standard validators ignore them, ours checks them). A date bound ``today`` (not before / not after the
  day of submission) is written as ``x-amtsweg-minDate``/``x-amtsweg-maxDate: "today"``.
* ``iban`` -> ``string`` with a rough pattern; the check digits are checked by our validator (``schwifty``).
* ``integer`` -> ``integer``, ``number`` -> ``number`` with ``minimum``/``maximum``.
* ``currency`` -> ``number`` with ``multipleOf: 0.01`` (amounts in euros with at most two decimal places; our
  validator checks ``multipleOf`` in decimal arithmetic, so ``0.1 + 0.2``-style float noise is no problem).
* ``bool`` -> ``boolean``; ``file`` -> ``string`` (the id of an uploaded attachment).
* ``label`` fields (static text) carry no data and are omitted.
* a code list -> ``enum`` of its codes.
* ``require`` rules (and ``show`` rules whose targets are required children) become ``if``/``then`` in an
  ``allOf`` of the scope group where the condition and the targets only address the group's own fields or
  fields in its non-repeating subgroups; a ``check`` rule there becomes ``{"if": true, "then": condition}``.
  Other rules (comparisons, paths through repeating groups) are left to :mod:`amtsweg.forms.validation`.
  ``show`` rules cannot forbid data of hidden fields in JSON Schema: clients leave hidden fields out.

Titles and descriptions come from the labels and help texts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from amtsweg.forms.fieldtypes import anchored, field_type, number_bound, pattern_ok
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec, RuleSpec

__all__ = ["anchored", "compile_json_schema", "condition_schema", "pattern_ok", "schema_id"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(spec: FormSpec) -> str:
    return f"urn:amtsweg:form:{quote(spec.key, safe='')}:{quote(spec.version, safe='')}"


def compile_json_schema(spec: FormSpec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the data of ``spec``."""
    rules_by_scope: dict[str, list[RuleSpec]] = {}
    for rule in spec.rules:
        if rule.kind in ("require", "show", "check"):
            rules_by_scope.setdefault(rule.scope, []).append(rule)
    show_targets = {
        _join(rule.scope, target) for rule in spec.rules if rule.kind == "show" for target in rule.targets
    }
    compiler = _Compiler(spec, rules_by_scope, show_targets)
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_id(spec),
        "title": spec.title,
    }
    if spec.description:
        schema["description"] = spec.description
    schema.update(compiler.group_object(spec.root, ""))
    return schema


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


class _Compiler:
    def __init__(self, spec: FormSpec, rules_by_scope: dict[str, list[RuleSpec]], show_targets: set[str]):
        self.spec = spec
        self.rules_by_scope = rules_by_scope
        self.show_targets = show_targets

    # ---- groups ---------------------------------------------------------------------------------

    def group_object(self, group: GroupSpec, path: str) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for child in group.children:
            element = child.element
            if isinstance(element, FieldSpec) and element.datatype == "label":
                continue
            child_path = _join(path, child.key)
            properties[child.key] = self.child_schema(child, child_path)
            if child.required and child_path not in self.show_targets:
                required.append(child.key)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        conditionals = self.conditionals(group, path)
        if conditionals:
            schema["allOf"] = conditionals
        return schema

    def child_schema(self, child: ChildSpec, path: str) -> dict[str, Any]:
        element = child.element
        if isinstance(element, GroupSpec):
            single = self.group_object(element, path)
            _describe(single, element.label, element.help)
            if not child.repeating and not child.required:
                single["type"] = ["object", "null"]
        else:
            single = self.field_schema(element, required=child.required)
        if not child.repeating:
            return single
        array: dict[str, Any] = {"type": "array", "items": single}
        _describe(array, element.label, element.help)
        if child.min:
            array["minItems"] = child.min
        if child.max is not None:
            array["maxItems"] = child.max
        return array

    # ---- fields ---------------------------------------------------------------------------------

    def field_schema(self, field: FieldSpec, *, required: bool) -> dict[str, Any]:
        schema: dict[str, Any] = {}
        _describe(schema, field.label, field.help)
        schema.update(field_type(field).json_schema(field, required=required))
        code_list = self.spec.code_lists.get(field.code_list) if field.code_list else None
        if code_list is not None and field.datatype != "bool":
            schema["enum"] = [_code_value(field.datatype, entry.code) for entry in code_list.entries]
        return schema

    # ---- rules ----------------------------------------------------------------------------------

    def conditionals(self, group: GroupSpec, path: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for rule in self.rules_by_scope.get(path, ()):
            if rule.when is None:
                continue
            if rule.kind == "check":
                must_hold = condition_schema(rule.when, group)
                if must_hold is not None:
                    out.append({"if": True, "then": must_hold})
                continue
            targets = [t for t in rule.targets if "." not in t and group.child(t) is not None]
            if rule.kind == "show":
                targets = [t for t in targets if (c := group.child(t)) is not None and c.required]
            if not targets:
                continue
            condition = condition_schema(rule.when, group)
            if condition is None:
                continue
            out.append({"if": condition, "then": {"required": targets}})
        return out


def _code_value(datatype: str, code: str) -> Any:
    if datatype == "integer":
        try:
            return int(code)
        except ValueError:
            return code
    if datatype in ("number", "currency"):
        value = number_bound(datatype, code)
        return code if value is None else value
    return code


def _describe(schema: dict[str, Any], label: str, help_text: str) -> None:
    if label:
        schema["title"] = label
    if help_text:
        schema["description"] = help_text


_EMPTY_VALUES: list[Any] = ["", None, []]


def condition_schema(condition: Any, group: GroupSpec) -> dict[str, Any] | None:
    """``condition`` as a JSON Schema applied to an instance of ``group``; ``None`` if not expressible."""
    if not isinstance(condition, dict):
        return None
    if "all" in condition or "any" in condition:
        parts = condition.get("all", condition.get("any"))
        if not isinstance(parts, list) or not parts:
            return None
        compiled = [condition_schema(part, group) for part in parts]
        if any(part is None for part in compiled):
            return None
        return {"allOf" if "all" in condition else "anyOf": compiled}
    if "not" in condition:
        inner = condition_schema(condition["not"], group)
        return None if inner is None else {"not": inner}
    field_path = condition.get("field")
    op = condition.get("op")
    if not isinstance(field_path, str) or "other" in condition:
        return None
    value = condition.get("value")
    leaf: dict[str, Any]
    negate = False
    if op in ("eq", "ne"):
        leaf = {"const": value}
        negate = op == "ne"
    elif op in ("in", "not_in"):
        if not isinstance(value, list):
            return None
        leaf = {"enum": value}
        negate = op == "not_in"
    elif op in ("filled", "empty"):
        leaf = {"not": {"enum": _EMPTY_VALUES}}
        negate = op == "empty"
    elif op in ("true", "false"):
        leaf = {"const": True}
        negate = op == "false"
    else:
        return None
    schema = _nest(field_path.split("."), leaf, group)
    if schema is None:
        return None
    return {"not": schema} if negate else schema


def _nest(parts: list[str], leaf: dict[str, Any], group: GroupSpec) -> dict[str, Any] | None:
    child = group.child(parts[0])
    if child is None or child.repeating:
        return None
    if len(parts) == 1:
        return {"properties": {parts[0]: leaf}, "required": [parts[0]]}
    if not isinstance(child.element, GroupSpec):
        return None
    inner = _nest(parts[1:], leaf, child.element)
    if inner is None:
        return None
    return {"properties": {parts[0]: {"type": "object", **inner}}, "required": [parts[0]]}
