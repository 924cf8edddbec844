"""The form model: a FIM data schema as plain, typed, immutable data.

A form version is one :class:`FormSpec`. It is built by the FIM importer (XDatenfelder 2.0/3.0), by the
loader of hand-written definition files (YAML/JSON) or by code, stored as JSON (``FormVersion.definition``,
see :meth:`FormSpec.to_dict` / :meth:`FormSpec.from_dict`) and compiled to JSON Schema 2020-12.

Structure (FIM terms in brackets)::

    FormSpec (Stammdatenschema)
      root: GroupSpec           the schema's own content, children in order
        ChildSpec(min, max) -> FieldSpec (Datenfeld) | GroupSpec (Datenfeldgruppe), nested freely
      code_lists: {key: CodeListSpec}   (Codeliste, genericode)
      rules: [RuleSpec]                 (Regel)
      steps: [StepSpec]                 optional; default: one step per top-level group

Submitted data mirrors the tree: an object keyed by the children's ``key``. A group with ``max == 1``
is an object (absent/``None`` when optional and empty), a repeating group (``max`` is ``None`` or > 1)
is a list of objects; a field with ``max`` > 1 is a list of values. Value types by ``datatype``:
``text``/``iban``/``date`` (ISO ``YYYY-MM-DD``)/``time``/``datetime`` -> string, ``bool`` -> boolean,
``integer`` -> integer, ``number``/``currency`` -> number, ``file`` -> attachment id (string),
``label`` fields (static text) carry no value. What each datatype means (parsing German input, checks,
display, JSON Schema, widget) lives in one place: :mod:`amtsweg.forms.fieldtypes`.

Paths address data relative to a group instance: ``"kind.geburtsdatum"`` is the field ``geburtsdatum``
in the child group ``kind``. A rule lives in a ``scope`` group (its path from the root, ``""`` = root)
and is evaluated once per instance of that group, so a rule of a repeating group compares values of the
same repetition.

Conditions (``RuleSpec.when``) are JSON data, so that definitions stay declarative and safe to evaluate::

    {"field": "art", "op": "eq", "value": "02"}      ops: eq ne in not_in filled empty true false
    {"field": "ende", "op": "gte", "other": "beginn"} gt gte lt lte, against ``value`` or another field
    {"all": [cond, ...]}  {"any": [cond, ...]}  {"not": cond}

Rule kinds: ``require`` – the targets become required when ``when`` holds; ``show`` – the targets are
shown (and their data kept) only while ``when`` holds; ``check`` – ``when`` must hold, otherwise
``message`` is reported at the first target; ``info`` – a rule recorded from the source (e.g. a FIM
rule written only in prose) that is shown to staff but not evaluated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DATATYPES = (
    "text",
    "iban",
    "date",
    "time",
    "datetime",
    "bool",
    "integer",
    "number",
    "currency",
    "file",
    "label",
)
INPUTS = ("input", "textarea", "select", "radio", "checkbox", "file", "label")
RULE_KINDS = ("require", "show", "check", "info")
CONDITION_OPS = ("eq", "ne", "in", "not_in", "filled", "empty", "true", "false", "gt", "gte", "lt", "lte")

Datatype = Literal[
    "text", "iban", "date", "time", "datetime", "bool", "integer", "number", "currency", "file", "label"
]
InputKind = Literal["input", "textarea", "select", "radio", "checkbox", "file", "label"]
RuleKind = Literal["require", "show", "check", "info"]


@dataclass(frozen=True)
class FimRef:
    """Where an element comes from in FIM: its identifier and version (empty for hand-written forms)."""

    id: str = ""
    version: str = ""


@dataclass(frozen=True)
class CodeEntry:
    code: str
    label: str


@dataclass(frozen=True)
class CodeListSpec:
    key: str
    name: str
    entries: tuple[CodeEntry, ...]
    uri: str = ""  # canonical URI (genericode CanonicalUri / xdf listURI)
    version: str = ""  # canonical version URI or version id


@dataclass(frozen=True)
class FieldSpec:
    key: str
    name: str  # internal name (FIM: name)
    label: str  # what the applicant reads (FIM: bezeichnungEingabe)
    datatype: Datatype = "text"
    input: InputKind = "input"
    help: str = ""  # FIM: hilfetextEingabe
    fim: FimRef = FimRef()
    min_length: int | None = None
    max_length: int | None = None
    min_value: str | None = None  # kept as text: numbers, or ISO dates for date fields
    max_value: str | None = None
    pattern: str | None = None  # regular expression the whole value must match
    code_list: str | None = None  # key into FormSpec.code_lists (select/radio)
    default: Any = None
    content: str = ""  # the static text of a ``label`` field
    legal_basis: str = ""  # FIM: bezug

    @property
    def kind(self) -> Literal["field"]:
        return "field"


@dataclass(frozen=True)
class ChildSpec:
    element: FieldSpec | GroupSpec
    min: int = 0
    max: int | None = 1  # None = unbounded

    @property
    def key(self) -> str:
        return self.element.key

    @property
    def required(self) -> bool:
        return self.min >= 1

    @property
    def repeating(self) -> bool:
        return self.max is None or self.max > 1


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    label: str
    children: tuple[ChildSpec, ...] = ()
    help: str = ""
    fim: FimRef = FimRef()
    legal_basis: str = ""
    # "konto": the group describes the person who applies; for a logged-in citizen its name, e-mail and
    # address fields start filled from the account (see submissions.prefill). "" = never filled in.
    prefill: str = ""

    @property
    def kind(self) -> Literal["group"]:
        return "group"

    def child(self, key: str) -> ChildSpec | None:
        return next((c for c in self.children if c.key == key), None)


@dataclass(frozen=True)
class RuleSpec:
    key: str
    name: str
    kind: RuleKind
    scope: str = ""  # path of the group the rule belongs to, "" = root
    when: dict[str, Any] | None = None
    targets: tuple[str, ...] = ()  # paths relative to the scope group
    message: str = ""
    description: str = ""  # the rule as written in the source (FIM definition, freitextRegel, skript)
    fim: FimRef = FimRef()


@dataclass(frozen=True)
class StepSpec:
    key: str
    title: str
    children: tuple[str, ...]  # keys of the root's children shown on this step


@dataclass(frozen=True)
class FormSpec:
    key: str  # stable identifier of the form (FIM id for imported schemas, a slug for hand-written ones)
    version: str
    title: str
    root: GroupSpec
    description: str = ""
    code_lists: dict[str, CodeListSpec] = field(default_factory=dict)
    rules: tuple[RuleSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()  # empty: derived, see amtsweg.forms.steps
    fim: FimRef = FimRef()
    fim_standard: str = ""  # "xdf2", "xdf3" or "" for hand-written forms
    legal_basis: str = ""
    leika_keys: tuple[
        str, ...
    ] = ()  # services the schema is made for (FIM: stammdatenschema/bezug or leistung)
    max_attachments: int = 10
    max_attachment_mb: int = 10
    # Paths of the groups that hold the person who applies and, where letters go to someone else, their
    # addressee ("" = not declared; see amtsweg.forms.persons).
    applicant_group: str = ""
    addressee_group: str = ""

    # ---- serialisation --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable picture; :meth:`from_dict` restores an equal spec."""
        data = asdict(self)
        data["root"] = _group_to_dict(self.root)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FormSpec:
        return cls(
            key=data["key"],
            version=data["version"],
            title=data["title"],
            root=_group_from_dict(data["root"]),
            description=data.get("description", ""),
            code_lists={
                key: CodeListSpec(
                    key=cl["key"],
                    name=cl["name"],
                    entries=tuple(CodeEntry(**e) for e in cl["entries"]),
                    uri=cl.get("uri", ""),
                    version=cl.get("version", ""),
                )
                for key, cl in data.get("code_lists", {}).items()
            },
            rules=tuple(
                RuleSpec(
                    key=r["key"],
                    name=r["name"],
                    kind=r["kind"],
                    scope=r.get("scope", ""),
                    when=r.get("when"),
                    targets=tuple(r.get("targets", ())),
                    message=r.get("message", ""),
                    description=r.get("description", ""),
                    fim=FimRef(**r.get("fim", {})),
                )
                for r in data.get("rules", ())
            ),
            steps=tuple(
                StepSpec(key=s["key"], title=s["title"], children=tuple(s["children"]))
                for s in data.get("steps", ())
            ),
            fim=FimRef(**data.get("fim", {})),
            fim_standard=data.get("fim_standard", ""),
            legal_basis=data.get("legal_basis", ""),
            leika_keys=tuple(data.get("leika_keys", ())),
            max_attachments=data.get("max_attachments", 10),
            max_attachment_mb=data.get("max_attachment_mb", 10),
            applicant_group=data.get("applicant_group", ""),
            addressee_group=data.get("addressee_group", ""),
        )

    # ---- navigation -----------------------------------------------------------------------------

    def iter_elements(self) -> list[tuple[str, ChildSpec]]:
        """Every child in the tree with its path from the root, depth first, in form order."""
        out: list[tuple[str, ChildSpec]] = []

        def walk(group: GroupSpec, prefix: str) -> None:
            for child in group.children:
                path = f"{prefix}{child.key}"
                out.append((path, child))
                if isinstance(child.element, GroupSpec):
                    walk(child.element, path + ".")

        walk(self.root, "")
        return out

    def fields(self) -> list[tuple[str, FieldSpec]]:
        return [(p, c.element) for p, c in self.iter_elements() if isinstance(c.element, FieldSpec)]

    def fim_labels(self) -> dict[str, str]:
        """FIM id → label of every field and group that came from FIM (for rule texts written with ids)."""
        elements: list[FieldSpec | GroupSpec] = [el for _path, el in self.fields()]
        elements += [el for _path, el in self.groups()]
        return {el.fim.id: el.label for el in elements if el.fim.id and el.label}

    def rule_text(self, rule: RuleSpec) -> str:
        """The rule as written in the source, with the labels of the elements it names instead of bare ids."""
        from amtsweg.forms.fim.rules import readable

        return readable(rule.description, self.fim_labels()) if rule.description else ""

    def groups(self) -> list[tuple[str, GroupSpec]]:
        return [(p, c.element) for p, c in self.iter_elements() if isinstance(c.element, GroupSpec)]

    def element_at(self, path: str) -> ChildSpec | None:
        """The child at a root-relative path (``"antragsteller.name"``), or ``None``."""
        group: GroupSpec = self.root
        child: ChildSpec | None = None
        for part in path.split("."):
            child = group.child(part)
            if child is None:
                return None
            if isinstance(child.element, GroupSpec):
                group = child.element
        return child


def _element_to_dict(element: FieldSpec | GroupSpec) -> dict[str, Any]:
    if isinstance(element, GroupSpec):
        return _group_to_dict(element)
    data = asdict(element)
    data["kind"] = "field"
    return data


def _group_to_dict(group: GroupSpec) -> dict[str, Any]:
    return {
        "kind": "group",
        "key": group.key,
        "name": group.name,
        "label": group.label,
        "help": group.help,
        "fim": asdict(group.fim),
        "legal_basis": group.legal_basis,
        "prefill": group.prefill,
        "children": [
            {"min": c.min, "max": c.max, "element": _element_to_dict(c.element)} for c in group.children
        ],
    }


def _element_from_dict(data: dict[str, Any]) -> FieldSpec | GroupSpec:
    if data.get("kind") == "group":
        return _group_from_dict(data)
    values = {k: v for k, v in data.items() if k != "kind"}
    values["fim"] = FimRef(**values.get("fim", {}))
    return FieldSpec(**values)


def _group_from_dict(data: dict[str, Any]) -> GroupSpec:
    return GroupSpec(
        key=data["key"],
        name=data["name"],
        label=data["label"],
        help=data.get("help", ""),
        fim=FimRef(**data.get("fim", {})),
        legal_basis=data.get("legal_basis", ""),
        prefill=data.get("prefill", ""),
        children=tuple(
            ChildSpec(element=_element_from_dict(c["element"]), min=c.get("min", 0), max=c.get("max", 1))
            for c in data.get("children", ())
        ),
    )
