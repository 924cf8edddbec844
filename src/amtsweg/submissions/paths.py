"""Answers addressed by concrete paths (``kinder.1.name``) and the summary of a draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from amtsweg.core.text import is_index
from amtsweg.forms.fieldtypes import display_value
from amtsweg.forms.spec import FormSpec, GroupSpec, StepSpec
from amtsweg.submissions.forms import Attached, widget_for


def get_at(data: Any, path: str) -> Any:
    value = data
    for part in path.split("."):
        if isinstance(value, list) and is_index(part):
            index = int(part)
            value = value[index] if index < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def set_at(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with ``None`` remove) the value at ``path``, creating objects on the way."""
    parts = path.split(".")
    container: Any = data
    for part, following in pairwise(parts):
        if isinstance(container, list) and is_index(part):
            index = int(part)
            if index >= len(container):
                return
            if not isinstance(container[index], dict):
                container[index] = {}
            container = container[index]
            continue
        if not isinstance(container, dict):
            return
        nxt = container.get(part)
        if not isinstance(nxt, dict | list):
            nxt = [] if is_index(following) else {}
            container[part] = nxt
        container = nxt
    last = parts[-1]
    if isinstance(container, dict):
        if value is None:
            container.pop(last, None)
        else:
            container[last] = value


@dataclass
class SummaryItem:
    label: str
    value: str = ""
    files: list[Attached] = field(default_factory=list)
    items: list[SummaryItem] = field(default_factory=list)
    kind: str = "field"  # field or group


def summary_sections(
    spec: FormSpec,
    steps: list[StepSpec],
    data: dict[str, Any],
    hidden: set[str],
    attachments: dict[str, Attached],
) -> list[tuple[StepSpec, list[SummaryItem]]]:
    """For each step the answers as label/value pairs; groups nest, hidden and static fields are left out."""

    def walk(group: GroupSpec, prefix: str, values: Any) -> list[SummaryItem]:
        values = values if isinstance(values, dict) else {}
        items: list[SummaryItem] = []
        for child in group.children:
            path = prefix + child.key
            if path in hidden:
                continue
            element = child.element
            value = values.get(child.key)
            if isinstance(element, GroupSpec):
                if child.repeating:
                    entries = value if isinstance(value, list) else []
                    for index, entry in enumerate(entries):
                        items.append(
                            SummaryItem(
                                label=f"{element.label} {index + 1}",
                                kind="group",
                                items=walk(element, f"{path}.{index}.", entry),
                            )
                        )
                else:
                    inner = walk(element, path + ".", value)
                    if inner:
                        items.append(SummaryItem(label=element.label, kind="group", items=inner))
                continue
            widget = widget_for(element, child)
            if widget == "label":
                continue
            item = SummaryItem(label=element.label or element.name)
            if widget == "file":
                ids = value if isinstance(value, list) else ([value] if value else [])
                item.files = [attachments[i] for i in ids if i in attachments]
            else:
                item.value = display_value(element, value, code_labels=_code_labels(spec, element.code_list))
            items.append(item)
        return items

    sections = []
    for step in steps:
        items: list[SummaryItem] = []
        only = spec.root.child(step.children[0]) if len(step.children) == 1 else None
        if only is not None and isinstance(only.element, GroupSpec) and not only.repeating:
            # The step is one group: its heading is the step's, list the answers directly.
            if only.key not in hidden:
                items = walk(only.element, only.key + ".", data.get(only.key))
            sections.append((step, items))
            continue
        for key in step.children:
            sub = GroupSpec(
                key="", name="", label="", children=tuple(c for c in spec.root.children if c.key == key)
            )
            items.extend(walk(sub, "", data))
        sections.append((step, items))
    return sections


def _code_labels(spec: FormSpec, key: str | None) -> dict[str, str]:
    code_list = spec.code_lists.get(key or "")
    return {e.code: e.label for e in code_list.entries} if code_list else {}
