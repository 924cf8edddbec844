"""The steps of a form: configured in the definition, else derived from the top-level groups.

Derived steps: every top-level group is a step of its own (titled with the group's label); consecutive
top-level fields are gathered into one step ("Allgemeine Angaben" for the first such run, "Weitere
Angaben" for later ones; a single field gives its label, a single confirmation checkbox
"Bestätigung"). A configured step lists the keys of the root's
children it shows; children no configured step lists are appended as derived steps, so no field is ever
unreachable.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec, StepSpec


def steps_for(spec: FormSpec) -> list[StepSpec]:
    """The steps an applicant goes through, in order (never empty for a form with content)."""
    root_keys = [child.key for child in spec.root.children]
    if spec.steps:
        steps = [
            StepSpec(
                key=step.key, title=step.title, children=tuple(k for k in step.children if k in root_keys)
            )
            for step in spec.steps
        ]
        steps = [step for step in steps if step.children]
        listed = {key for step in steps for key in step.children}
        rest = [key for key in root_keys if key not in listed]
        if rest:
            used = {step.key for step in steps}
            steps.extend(_derive(spec, rest, used, first_title=_("Weitere Angaben")))
        return steps
    return _derive(spec, root_keys, set())


def _is_confirmation(spec: FormSpec, key: str) -> bool:
    """A top-level checkbox that must be ticked (``confirm: true``: a check rule on itself being true)."""
    return any(
        rule.kind == "check"
        and not rule.scope
        and rule.targets == (key,)
        and (rule.when or {}).get("field") == key
        and (rule.when or {}).get("op") == "true"
        for rule in spec.rules
    )


def _derive(spec: FormSpec, keys: list[str], used: set[str], first_title: str = "") -> list[StepSpec]:
    steps: list[StepSpec] = []
    run: list[str] = []

    def unique(key: str) -> str:
        candidate, number = key, 2
        while candidate in used:
            candidate = f"{key}-{number}"
            number += 1
        used.add(candidate)
        return candidate

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            child = spec.root.child(run[0])
            element = child.element if child else None
            informative = isinstance(element, FieldSpec) and element.datatype != "label"
            title = element.label if element is not None and informative and element.label else ""
            if _is_confirmation(spec, run[0]):
                title = _("Bestätigung")  # not the whole sentence of the checkbox as the step's title
        else:
            title = ""
        if not title:
            title = first_title or (_("Allgemeine Angaben") if not steps else _("Weitere Angaben"))
        steps.append(StepSpec(key=unique("angaben"), title=title, children=tuple(run)))
        run.clear()

    for key in keys:
        child = spec.root.child(key)
        if child is None:
            continue
        if isinstance(child.element, GroupSpec):
            flush()
            steps.append(
                StepSpec(
                    key=unique(key), title=child.element.label or child.element.name or key, children=(key,)
                )
            )
        else:
            run.append(key)
    flush()
    return steps


def step_by_key(steps: list[StepSpec], key: str) -> StepSpec | None:
    return next((step for step in steps if step.key == key), None)


def step_paths(step: StepSpec) -> set[str]:
    """The spec paths of a step, for ``validate(..., paths=...)``: the root keys it shows."""
    return set(step.children)


def step_field_paths(spec: FormSpec, step: StepSpec) -> list[str]:
    """Every field path (spec paths, form order) shown on ``step``, static texts included."""
    keys = set(step.children)
    return [path for path, _field in spec.fields() if path.split(".", 1)[0] in keys]


def step_of(spec: FormSpec, path: str) -> StepSpec | None:
    """The step that shows the field or group at a data or spec path (e.g. to link an error)."""
    root_key = path.split(".", 1)[0].split("[", 1)[0]
    return next((step for step in steps_for(spec) if root_key in step.children), None)
