"""HTML form ⇄ answers: reading a posted step into typed data and describing a step for the templates.

The form model (:class:`~amtsweg.forms.spec.FormSpec`) is rendered without Django form classes, because
its shape (nested and repeating groups, rules) is only known at run time.

**Names and ids.** An input's ``name`` is the data path of its value with the index of each repetition:
``antragsteller.name``, ``kinder.0.name``, ``kinder.1.schulen.0.ort``. Its ``id`` is ``f-`` plus the
same path with ``-`` instead of ``.`` (``f-kinder-0-name``); the error summary links to these ids. A
repeating group posts the number of its entries as ``<path>.__n`` (``kinder.__n``). The buttons of a
step post ``action``: ``weiter``, ``zurueck``, ``speichern``, ``aktualisieren``, ``add:<path>``
(another entry), ``remove:<path>.<index>`` (remove an entry) and ``remove-file:<path>`` (an upload).

**Typed values.** Dates are typed as ``TT.MM.JJJJ`` (ISO ``JJJJ-MM-TT`` is accepted too) and stored as
ISO; numbers accept the German decimal comma; a check box posts ``true`` when ticked. A value that
cannot be read is not stored: the page shows what was typed with an error next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.catalog.forms import kern_widgets
from amtsweg.catalog.selectors import municipalities
from amtsweg.core.text import is_index
from amtsweg.forms.conditions import is_filled
from amtsweg.forms.fieldtypes import FieldValueError, field_type, parse_input
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec

MAX_REPEAT = 50  # most entries a repeating group without an upper bound offers
COUNT_SUFFIX = "__n"


def html_id(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path.replace(".", "-"))


def upper_bound(child: ChildSpec) -> int:
    return min(child.max if child.max is not None else MAX_REPEAT, MAX_REPEAT)


class StartForm(forms.Form):
    """Before the first step: the place of residence (decides who is responsible) and, without an account,
    the e-mail address for the link to continue later."""

    gemeinde = forms.ChoiceField(
        label=gettext_lazy("Ihre Stadt oder Gemeinde"),
        help_text=gettext_lazy("Danach richtet sich, welche Stelle Ihren Antrag bearbeitet."),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie Ihre Stadt oder Gemeinde aus."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie eine Stadt oder Gemeinde aus der Liste aus."),
        },
    )
    email = forms.EmailField(
        label=gettext_lazy("Ihre E-Mail-Adresse"),
        help_text=gettext_lazy(
            "Dorthin schicken wir Ihnen auf Wunsch einen Link, mit dem Sie den Antrag später fortsetzen, "
            "und die Eingangsbestätigung."
        ),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Bitte geben Sie Ihre E-Mail-Adresse ein."),
            "invalid": gettext_lazy(
                "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."
            ),
        },
    )

    # The question a citizen asked "Frag den Kreis" when nothing fitted: carried to the first free-text
    # field of the form (``drafts.draft_start(text=…)``) so that the contact form opens with it filled in.
    frage = forms.CharField(required=False, max_length=5000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, anonymous: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._municipalities = {m.slug: m for m in municipalities()}
        self.fields["gemeinde"].choices = [("", _("– bitte auswählen –"))] + [  # type: ignore[attr-defined]
            (slug, m.short_name) for slug, m in self._municipalities.items()
        ]
        if anonymous:
            self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        else:
            del self.fields["email"]
        kern_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("gemeinde"):
            data["municipality"] = self._municipalities[data["gemeinde"]]
        return data


# ---- reading a posted step ------------------------------------------------------------------------------


@dataclass
class ParsedStep:
    """What a step's POST contained: typed data, the strings as typed, errors of unreadable values."""

    data: dict[str, Any] = field(default_factory=dict)  # the step's top-level keys → typed values
    raw: dict[str, str] = field(default_factory=dict)  # path → text as typed (for redisplay)
    errors: dict[str, list[str]] = field(default_factory=dict)  # path → messages
    uploads: list[tuple[str, Any]] = field(default_factory=list)  # (path, UploadedFile)


def _typed(spec_field: FieldSpec, text: str) -> tuple[Any, str | None]:
    """(value, error) for one posted string, read by the field's type; an empty string is (None, None)."""
    try:
        return parse_input(spec_field, text), None
    except FieldValueError as error:
        return None, error.message


class StepReader:
    """Reads the inputs of one step from ``request.POST``/``request.FILES``."""

    def __init__(self, spec: FormSpec, post: Any, files: Any, previous: dict[str, Any]) -> None:
        self.spec = spec
        self.post = post
        self.files = files
        self.previous = previous
        self.result = ParsedStep()

    def read(self, keys: tuple[str, ...] | list[str]) -> ParsedStep:
        for key in keys:
            child = self.spec.root.child(key)
            if child is None:
                continue
            value = self._child(child, key, self.previous.get(key))
            if value is not None:
                self.result.data[key] = value
        return self.result

    def _count(self, path: str, child: ChildSpec, previous: Any) -> int:
        posted = self.post.get(f"{path}.{COUNT_SUFFIX}", "")
        if is_index(posted):
            return min(int(posted), upper_bound(child))
        return len(previous) if isinstance(previous, list) else child.min

    def _group(self, group: GroupSpec, prefix: str, previous: Any) -> dict[str, Any]:
        previous = previous if isinstance(previous, dict) else {}
        out: dict[str, Any] = {}
        for child in group.children:
            value = self._child(child, prefix + child.key, previous.get(child.key))
            if value is not None:
                out[child.key] = value
        return out

    def _child(self, child: ChildSpec, path: str, previous: Any) -> Any:
        element = child.element
        if isinstance(element, GroupSpec):
            if child.repeating:
                items = previous if isinstance(previous, list) else []
                return [
                    self._group(element, f"{path}.{i}.", items[i] if i < len(items) else None)
                    for i in range(self._count(path, child, previous))
                ]
            values = self._group(element, path + ".", previous)
            # An optional group left empty (an unticked box counts as empty) is absent, so that its
            # required fields are not asked for.
            answered = any(is_filled(v) and v is not False for v in values.values())
            return values if answered or child.required else None
        return self._field(element, child, path, previous)

    def _field(self, spec_field: FieldSpec, child: ChildSpec, path: str, previous: Any) -> Any:
        if spec_field.datatype == "label":
            return None
        if spec_field.datatype == "file":
            uploaded = self.files.getlist(path) if self.files is not None else []
            for upload in uploaded:
                if upload.name or upload.size:
                    self.result.uploads.append((path, upload))
            return previous  # attachment ids change only through uploads and removals
        if child.repeating:
            texts = [t for t in self.post.getlist(path) if t.strip()]
            if spec_field.input == "textarea" or not spec_field.code_list:
                texts = [line for t in texts for line in t.splitlines() if line.strip()]
            self.result.raw[path] = "\n".join(texts)
            values = []
            for text in texts:
                value, error = _typed(spec_field, text)
                if error:
                    self.result.errors.setdefault(path, []).append(error)
                elif value is not None:
                    values.append(value)
            return values or None
        if spec_field.datatype == "bool" and widget_for(spec_field, child) == "checkbox":
            ticked = self.post.get(path) == "true"
            # A required box that is not ticked stays unanswered, so the validator asks for it.
            return True if ticked else (None if child.required else False)
        text = self.post.get(path, "")
        self.result.raw[path] = text
        value, error = _typed(spec_field, text)
        if error:
            self.result.errors.setdefault(path, []).append(error)
        return value


# ---- describing a step for the templates ----------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class Attached:
    id: str
    name: str
    size: int


@dataclass
class FieldNode:
    path: str
    id: str
    label: str
    hint: str
    required: bool
    widget: str  # text date time datetime number textarea select radio checkbox checkboxes file label lines
    value: str = ""
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attachments: list[Attached] = field(default_factory=list)
    multiple: bool = False
    controls: bool = False  # other fields depend on it: htmx re-renders the step when it changes
    content: str = ""
    inputmode: str = ""
    format_hint: str = ""  # e.g. "Format: TT.MM.JJJJ …", from the field type
    autocomplete: str = ""
    kind: str = "field"

    @property
    def described_by(self) -> str:
        ids = []
        if self.hint:
            ids.append(self.id + "-hinweis")
        if self.errors:
            ids.append(self.id + "-fehler")
        return " ".join(ids)


@dataclass
class InstanceNode:
    index: int
    path: str
    id: str
    label: str
    children: list[Any]
    removable: bool


@dataclass
class GroupNode:
    path: str
    id: str
    label: str
    hint: str
    children: list[Any] = field(default_factory=list)
    repeating: bool = False
    instances: list[InstanceNode] = field(default_factory=list)
    can_add: bool = False
    count: int = 0
    errors: list[str] = field(default_factory=list)
    kind: str = "group"


def widget_for(spec_field: FieldSpec, child: ChildSpec) -> str:
    kind, chosen = spec_field.datatype, spec_field.input
    if kind == "label" or chosen == "label":
        return "label"
    if kind == "file" or chosen == "file":
        return "file"
    if kind == "bool":
        return field_type(spec_field).widget(spec_field, repeating=child.repeating).widget
    if spec_field.code_list:
        if child.repeating:
            return "checkboxes"
        return "radio" if chosen in ("radio", "checkbox") else "select"
    return field_type(spec_field).widget(spec_field, repeating=child.repeating).widget


def display(value: Any, spec_field: FieldSpec) -> str:
    """A stored value as a person types it again (the field type's ``edit_text``)."""
    if value is None:
        return ""
    return field_type(spec_field).edit_text(value, spec_field)


class StepBuilder:
    """Turns the spec, the answers and the errors into nodes the templates render recursively."""

    def __init__(
        self,
        spec: FormSpec,
        data: dict[str, Any],
        *,
        raw: dict[str, str] | None = None,
        errors: dict[str, list[str]] | None = None,
        hidden: set[str] | None = None,
        required: set[str] | None = None,
        controls: set[str] | None = None,
        attachments: dict[str, Attached] | None = None,
    ) -> None:
        self.spec = spec
        self.data = data
        self.raw = raw or {}
        self.errors = errors or {}
        self.hidden = hidden or set()
        self.required = required or set()
        self.controls = controls or set()
        self.attachments = attachments or {}

    def build(self, keys: tuple[str, ...] | list[str]) -> list[Any]:
        nodes = []
        for key in keys:
            child = self.spec.root.child(key)
            if child is not None and (node := self._child(child, key, self.data.get(key))) is not None:
                nodes.append(node)
        return nodes

    def _is_required(self, child: ChildSpec, path: str) -> bool:
        return child.required or path in self.required

    def _children(self, group: GroupSpec, prefix: str, values: Any) -> list[Any]:
        values = values if isinstance(values, dict) else {}
        nodes = []
        for child in group.children:
            node = self._child(child, prefix + child.key, values.get(child.key))
            if node is not None:
                nodes.append(node)
        return nodes

    def _child(self, child: ChildSpec, path: str, value: Any) -> Any:
        if path in self.hidden:
            return None
        element = child.element
        if isinstance(element, GroupSpec):
            node = GroupNode(
                path=path,
                id=html_id(path),
                label=element.label,
                hint=element.help,
                errors=list(self.errors.get(path, [])),
            )
            if child.repeating:
                items = list(value) if isinstance(value, list) else []
                # A group that needs entries shows that many from the start.
                items += [{} for _missing in range(child.min - len(items))]
                node.repeating = True
                node.count = len(items)
                for index, item in enumerate(items):
                    instance_path = f"{path}.{index}"
                    node.instances.append(
                        InstanceNode(
                            index=index,
                            path=instance_path,
                            id=html_id(instance_path),
                            label=f"{element.label} {index + 1}",
                            children=self._children(element, instance_path + ".", item),
                            removable=len(items) > child.min,
                        )
                    )
                node.can_add = len(items) < upper_bound(child)
            else:
                node.children = self._children(element, path + ".", value)
            return node
        return self._field(element, child, path, value)

    def _field(self, spec_field: FieldSpec, child: ChildSpec, path: str, value: Any) -> FieldNode:
        widget = widget_for(spec_field, child)
        node = FieldNode(
            path=path,
            id=html_id(path),
            label=spec_field.label or spec_field.name,
            hint=spec_field.help,
            required=self._is_required(child, path),
            widget=widget,
            errors=list(self.errors.get(path, [])),
            controls=_base_path(path) in self.controls,
            content=spec_field.content,
        )
        if widget == "label":
            node.content = spec_field.content or spec_field.label
            return node
        if value is None and path not in self.raw and spec_field.default is not None:
            value = spec_field.default
        if widget == "file":
            ids = value if isinstance(value, list) else ([value] if value else [])
            node.attachments = [self.attachments[i] for i in ids if i in self.attachments]
            node.multiple = child.repeating
            return node
        if widget in ("select", "radio", "checkboxes"):
            chosen = {
                display_code(v) for v in (value if isinstance(value, list) else [value]) if v is not None
            }
            if path in self.raw and widget != "checkboxes":
                chosen = {self.raw[path]}
            entries = self._entries(spec_field)
            node.options = [
                Option(
                    value=code,
                    label=label,
                    checked=code in chosen,
                    id=node.id if index == 0 else f"{node.id}--{index}",
                )
                for index, (code, label) in enumerate(entries)
            ]
            return node
        if widget == "checkbox":
            node.value = "true" if value is True else ""
            return node
        if widget == "lines":
            node.value = self.raw.get(path, "\n".join(display(v, spec_field) for v in (value or [])))
            return node
        node.value = self.raw.get(path, display(value, spec_field))
        hints = field_type(spec_field).widget(spec_field, repeating=child.repeating)
        node.inputmode = hints.inputmode
        node.format_hint = hints.format_hint
        node.autocomplete = hints.autocomplete
        return node

    def _entries(self, spec_field: FieldSpec) -> list[tuple[str, str]]:
        if spec_field.datatype == "bool":
            return [("true", _("Ja")), ("false", _("Nein"))]
        code_list = self.spec.code_lists.get(spec_field.code_list or "")
        return [(e.code, e.label) for e in code_list.entries] if code_list else []


def display_code(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _base_path(path: str) -> str:
    """``kinder.0.name`` → ``kinder.name``: the path in the spec, without repetition indexes."""
    return ".".join(part for part in path.split(".") if not is_index(part))


def base_path(path: str) -> str:
    return _base_path(path)


# ---- rules that change what a step shows -----------------------------------------------------------------


def _scope_instances(spec: FormSpec, data: dict[str, Any], scope: str) -> list[tuple[str, dict[str, Any]]]:
    """Every instance of the group at ``scope`` with its concrete path prefix (``kinder.1.``)."""
    found: list[tuple[str, Any]] = [("", data)]
    if scope:
        group: GroupSpec = spec.root
        for part in scope.split("."):
            child = group.child(part)
            if child is None or not isinstance(child.element, GroupSpec):
                return []
            group = child.element
            next_found: list[tuple[str, Any]] = []
            for prefix, instance in found:
                value = instance.get(part) if isinstance(instance, dict) else None
                if child.repeating:
                    items = list(value) if isinstance(value, list) else []
                    # The page shows a group that needs entries with that many from the start (see
                    # StepBuilder): their rules apply to those empty entries too, so a field that a box
                    # shows stays hidden on first load until the box is ticked.
                    items += [{} for _missing in range(child.min - len(items))]
                    for index, item in enumerate(items):
                        next_found.append((f"{prefix}{part}.{index}.", item))
                else:
                    next_found.append((f"{prefix}{part}.", value))
            found = next_found
    return [(prefix, instance if isinstance(instance, dict) else {}) for prefix, instance in found]


def rule_effects(spec: FormSpec, data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(hidden, required): concrete paths hidden by ``show`` rules and made required by ``require`` rules."""
    from amtsweg.forms.conditions import holds

    hidden: set[str] = set()
    required: set[str] = set()
    for rule in spec.rules:
        if rule.kind not in ("show", "require"):
            continue
        for prefix, instance in _scope_instances(spec, data, rule.scope):
            applies = holds(rule.when, instance)
            if rule.kind == "show" and not applies:
                hidden.update(prefix + target for target in rule.targets)
            elif rule.kind == "require" and applies:
                required.update(prefix + target for target in rule.targets)
    return hidden, required


def _condition_fields(condition: Any) -> set[str]:
    if not isinstance(condition, dict):
        return set()
    out: set[str] = set()
    for key in ("all", "any"):
        for part in condition.get(key, []) if isinstance(condition.get(key), list) else []:
            out |= _condition_fields(part)
    if "not" in condition:
        out |= _condition_fields(condition["not"])
    for key in ("field", "other"):
        if isinstance(condition.get(key), str):
            out.add(condition[key])
    return out


def controlling_fields(spec: FormSpec) -> set[str]:
    """Spec paths (without indexes) of fields whose answer shows, hides or requires other fields."""
    out: set[str] = set()
    for rule in spec.rules:
        if rule.kind in ("show", "require"):
            prefix = f"{rule.scope}." if rule.scope else ""
            out.update(prefix + name for name in _condition_fields(rule.when))
    return out


def visible_paths(spec: FormSpec, data: dict[str, Any], keys: tuple[str, ...] | list[str]) -> set[str]:
    """Concrete paths of the fields and groups a step shows for ``data`` (to notice newly shown ones)."""
    hidden, _required = rule_effects(spec, data)
    builder = StepBuilder(spec, data, hidden=hidden)
    out: set[str] = set()

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            out.add(node.path)
            if isinstance(node, GroupNode):
                walk(node.children)
                for instance in node.instances:
                    walk(instance.children)

    walk(builder.build(keys))
    return out
