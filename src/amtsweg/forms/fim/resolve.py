"""Map the FIM ids a rule names to paths in the form tree and build the :class:`RuleSpec`.

A rule belongs to the group it is attached to (for a rule on a field: the field's group). Its element
references are looked up below that group; when one is not there, the scope moves up to the enclosing
group until all are found. Paths never cross a repeating group (a condition on "the" value of a list
means nothing), so such rules stay kind ``info``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from amtsweg.forms.fim.rules import Condition, ProseRule, is_trivial_script, parse_prose, referenced_ids
from amtsweg.forms.spec import ChildSpec, FieldSpec, FimRef, FormSpec, GroupSpec, RuleSpec

_NUMERIC_ID = re.compile(r"^([FG])(\d{2})(\d+)$")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class RuleSite:
    """One ``regel`` element where it was found: its texts and the path of its group."""

    fim: FimRef
    name: str
    prose: str
    script: str
    message: str
    scope: tuple[str, ...]


def build_rules(spec: FormSpec, sites: list[RuleSite]) -> tuple[list[RuleSpec], list[str]]:
    rules: list[RuleSpec] = []
    warnings: list[str] = []
    used: dict[str, int] = {}
    for site in sites:
        base = _KEY_CHARS.sub("_", site.fim.id).strip("_") or "regel"
        used[base] = used.get(base, 0) + 1
        key = base if used[base] == 1 else f"{base}_{used[base]}"
        description = site.prose
        if not is_trivial_script(site.script):
            description = (description + "\n\n" if description else "") + "Skript:\n" + site.script.strip()
        info = RuleSpec(
            key=key,
            name=site.name or site.fim.id,
            kind="info",
            scope=".".join(site.scope),
            description=description,
            fim=site.fim,
        )
        parsed = parse_prose(site.prose)
        rule = None
        if parsed is not None:
            rule, problem = _resolve(spec, site, parsed, info)
            if problem:
                warnings.append(
                    _("Regel %(id)s wird nur als Hinweis übernommen: %(problem)s")
                    % {"id": site.fim.id, "problem": problem}
                )
        elif referenced_ids(site.prose):
            warnings.append(
                _("Regel %(id)s: der Text wurde nicht als Bedingung erkannt und wird als Hinweis übernommen.")
                % {"id": site.fim.id}
            )
        rules.append(rule or info)
    return rules, warnings


def _group_at(spec: FormSpec, scope: tuple[str, ...]) -> GroupSpec | None:
    group = spec.root
    for part in scope:
        child = group.child(part)
        if child is None or not isinstance(child.element, GroupSpec):
            return None
        group = child.element
    return group


def _normal(fim_id: str) -> tuple[str, str, int] | None:
    found = _NUMERIC_ID.match(fim_id)
    return (found.group(1), found.group(2), int(found.group(3))) if found else None


def find(group: GroupSpec, fim_id: str) -> tuple[str, ChildSpec] | None:
    """The shallowest element with ``fim_id`` below ``group`` (not inside repeating groups); ``None``
    when absent or ambiguous. xdf 2 ids written in xdf 3 rules (G60000086 for G60000000086) match too."""
    matches = _collect(group, lambda c: c.element.fim.id == fim_id)
    if not matches and (normal := _normal(fim_id)) is not None:
        matches = _collect(group, lambda c: _normal(c.element.fim.id) == normal)
    if not matches:
        return None
    matches.sort(key=lambda m: m[0].count("."))
    if len(matches) > 1 and matches[0][0].count(".") == matches[1][0].count("."):
        return None
    return matches[0]


def _collect(group: GroupSpec, test: Callable[[ChildSpec], bool]) -> list[tuple[str, ChildSpec]]:
    out: list[tuple[str, ChildSpec]] = []

    def walk(current: GroupSpec, prefix: str) -> None:
        for child in current.children:
            path = f"{prefix}{child.key}"
            if test(child):
                out.append((path, child))
            if isinstance(child.element, GroupSpec) and not child.repeating:
                walk(child.element, path + ".")

    walk(group, "")
    return out


def _resolve(
    spec: FormSpec, site: RuleSite, parsed: ProseRule, info: RuleSpec
) -> tuple[RuleSpec | None, str]:
    ids = list(parsed.targets) + list(parsed.any_filled)
    if parsed.condition is not None:
        ids.insert(0, parsed.condition.ref)
    ids = list(dict.fromkeys(ids))
    scope = site.scope
    missing = ids
    while True:
        group = _group_at(spec, scope)
        if group is not None:
            hits = {fim_id: find(group, fim_id) for fim_id in ids}
            found = {fim_id: hit for fim_id, hit in hits.items() if hit is not None}
            missing = [fim_id for fim_id in ids if fim_id not in found]
            if not missing:
                return _rule(spec, parsed, found, scope, site, info)
        if not scope:
            break
        scope = scope[:-1]
    return None, _("%(ids)s nicht eindeutig im Formular gefunden.") % {"ids": ", ".join(missing)}


def _rule(
    spec: FormSpec,
    parsed: ProseRule,
    found: dict[str, tuple[str, ChildSpec]],
    scope: tuple[str, ...],
    site: RuleSite,
    info: RuleSpec,
) -> tuple[RuleSpec | None, str]:
    if parsed.kind == "check":
        paths = [found[fim_id][0] for fim_id in parsed.any_filled]
        labels = " oder ".join(f"„{_label(found[fim_id][1])}“" for fim_id in parsed.any_filled)
        # Form content, stored in German like the FIM texts themselves (not a UI string).
        message = site.message or f"Bitte machen Sie mindestens eine dieser Angaben: {labels}."
        return (
            replace(
                info,
                kind="check",
                scope=".".join(scope),
                when={"any": [{"field": p, "op": "filled"} for p in paths]},
                targets=(paths[0],),
                message=message,
            ),
            "",
        )
    if parsed.condition is None:
        return None, _("keine Bedingung erkannt.")
    when, problem = _condition(spec, parsed.condition, found[parsed.condition.ref])
    if when is None:
        return None, problem
    return (
        replace(
            info,
            kind="require" if parsed.kind == "require" else "show",
            scope=".".join(scope),
            when={"not": when} if parsed.negate else when,
            targets=tuple(found[t][0] for t in parsed.targets),
            message=site.message,
        ),
        "",
    )


def _label(child: ChildSpec) -> str:
    return child.element.label or child.element.name or child.key


def _condition(
    spec: FormSpec, condition: Condition, hit: tuple[str, ChildSpec]
) -> tuple[dict[str, Any] | None, str]:
    path, child = hit
    element = child.element
    if not isinstance(element, FieldSpec):
        if condition.op in {"filled", "empty"}:
            return {"field": path, "op": condition.op}, ""
        return None, _("die Bedingung bezieht sich auf die Gruppe %(id)s statt auf ein Datenfeld.") % {
            "id": element.fim.id
        }
    if child.repeating:
        return None, _("das Datenfeld %(id)s kann mehrfach vorkommen.") % {"id": element.fim.id}
    op = condition.op
    if op in {"true", "false"} and element.datatype != "bool":
        op = "filled" if op == "true" else "empty"
    if op in {"filled", "empty", "true", "false"}:
        return {"field": path, "op": op}, ""
    value = condition.value_text
    if element.datatype == "bool":
        lowered = value.casefold()
        if lowered in {"ja", "true", "wahr", "1"}:
            return {"field": path, "op": "true" if op == "eq" else "false"}, ""
        if lowered in {"nein", "false", "falsch", "0"}:
            return {"field": path, "op": "false" if op == "eq" else "true"}, ""
    code_list = spec.code_lists.get(element.code_list or "")
    if code_list is not None:
        code = match_code(value, [(e.code, e.label) for e in code_list.entries])
        if code is None:
            return None, _("„%(value)s“ steht nicht in der Codeliste von %(id)s.") % {
                "value": value,
                "id": element.fim.id,
            }
        value = code
    return {"field": path, "op": op, "value": value}, ""


def match_code(value: str, entries: list[tuple[str, str]]) -> str | None:
    """The code meant by a quoted value: the code itself, "code label" or the label."""
    text = " ".join(value.split())
    folded = text.casefold().rstrip(". ")
    for code, _label_text in entries:
        if text == code:
            return code
    prefixed = [code for code, _l in entries if text.startswith((code + " ", code + ":"))]
    if prefixed:
        return max(prefixed, key=len)
    for code, label in entries:
        if label.casefold().rstrip(". ") == folded:
            return code
    return None
