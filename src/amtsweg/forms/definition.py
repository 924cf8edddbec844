"""Hand-written form definitions (YAML or JSON) -> :class:`~amtsweg.forms.spec.FormSpec`.

The format is documented in ``docs/formats/form-definition.md``. Loading checks everything and reports
all problems at once as :class:`DefinitionError` with one ``file: path: reason`` line each, in German.
YAML is read with ``yaml.safe_load`` only (no tags, no objects).

:func:`spec_problems` checks rules and steps of any spec (also one from the FIM importer).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from amtsweg.core.parseerrors import json_problem, yaml_problem
from amtsweg.forms.conditions import condition_errors
from amtsweg.forms.fieldtypes import RELATIVE_BOUNDS, TODAY, pattern_ok
from amtsweg.forms.persons import guess_applicant_group, is_group_path
from amtsweg.forms.spec import (
    DATATYPES,
    INPUTS,
    RULE_KINDS,
    ChildSpec,
    CodeEntry,
    CodeListSpec,
    FieldSpec,
    FormSpec,
    GroupSpec,
    RuleSpec,
    StepSpec,
)

MAX_FILE_BYTES = 1_000_000
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,79}")
FORM_KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
LEIKA_RE = re.compile(r"\d{14}")

_FORM_KEYS = {
    "key",
    "version",
    "title",
    "description",
    "legal_basis",
    "service",
    "leika",
    "attachments",
    "code_lists",
    "fields",
    "rules",
    "steps",
    "applicant",
    "addressee",
}
_FIELD_KEYS = {
    "key",
    "label",
    "name",
    "type",
    "input",
    "help",
    "required",
    "repeat",
    "min_length",
    "max_length",
    "min",
    "max",
    "pattern",
    "options",
    "default",
    "content",
    "legal_basis",
    "confirm",
}
_GROUP_KEYS = {"key", "label", "name", "help", "required", "repeat", "fields", "legal_basis", "prefill"}
PREFILL_SOURCES = ("konto",)
_RULE_KEYS = {"key", "name", "kind", "scope", "when", "targets", "message", "description"}
_STEP_KEYS = {"key", "title", "fields"}


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str


class DefinitionError(Exception):
    """The definition cannot be used; ``problems`` says why (all of them, in file order)."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "\n".join(f"{self.source}: {p.path or '(Datei)'}: {p.reason}" for p in self.problems)


@dataclass(frozen=True)
class LoadedDefinition:
    spec: FormSpec
    service: str  # the file's ``service`` entry: slug, Kennung or LeiKa key of the service ("" = none)
    source_name: str
    sha256: str


def definition_load(path: Path | str) -> LoadedDefinition:
    """Read and check a definition file (``.json`` as JSON, anything else as YAML)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DefinitionError(path.name, [Problem("", _("Die Datei ist zu groß (höchstens 1 MB)."))])
        content = path.read_bytes()
    except OSError as error:
        raise DefinitionError(
            path.name,
            [Problem("", _("Die Datei lässt sich nicht lesen: %(error)s") % {"error": error.strerror})],
        ) from error
    return definition_loads(content, name=path.name, json_format=path.suffix.lower() == ".json")


def definition_loads(content: bytes | str, *, name: str, json_format: bool = False) -> LoadedDefinition:
    """Parse and check a definition given as text."""
    raw = content.encode() if isinstance(content, str) else content
    if len(raw) > MAX_FILE_BYTES:
        raise DefinitionError(name, [Problem("", _("Die Datei ist zu groß (höchstens 1 MB)."))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            name,
            [
                Problem(
                    "", _("Die Datei ist nicht in UTF-8 gespeichert (Byte %(pos)d).") % {"pos": error.start}
                )
            ],
        ) from error
    try:
        data = json.loads(text) if json_format else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            name,
            [
                Problem(
                    "",
                    _("Kein gültiges JSON (Zeile %(line)d, Spalte %(col)d): %(msg)s")
                    % {"line": error.lineno, "col": error.colno, "msg": json_problem(error)},
                )
            ],
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = (
            _("Zeile %(line)d, Spalte %(col)d") % {"line": mark.line + 1, "col": mark.column + 1}
            if mark is not None
            else _("unbekannte Stelle")
        )
        problem = yaml_problem(error)
        raise DefinitionError(
            name,
            [
                Problem(
                    "",
                    _("Kein gültiges YAML (%(where)s): %(problem)s") % {"where": where, "problem": problem},
                )
            ],
        ) from error
    spec, service = definition_parse(data, source=name)
    return LoadedDefinition(
        spec=spec, service=service, source_name=name, sha256=hashlib.sha256(raw).hexdigest()
    )


def definition_parse(data: Any, *, source: str = "") -> tuple[FormSpec, str]:
    """A :class:`FormSpec` and the service reference from parsed definition data."""
    parser = _Parser()
    result = parser.form(data)
    if parser.problems or result is None:
        raise DefinitionError(source, parser.problems or [Problem("", _("Die Definition ist leer."))])
    spec, service = result
    problems = spec_problems(spec)
    if problems:
        raise DefinitionError(source, problems)
    return spec, service


# ---- checks of a whole spec --------------------------------------------------------------------


def spec_problems(spec: FormSpec) -> list[Problem]:
    """Rules and steps that do not fit the form's fields (also used for imported FIM schemas)."""
    problems: list[Problem] = []
    rule_keys: set[str] = set()
    for index, rule in enumerate(spec.rules):
        where = f"rules[{index}]"
        if rule.key in rule_keys:
            problems.append(
                Problem(f"{where}.key", _("Die Regel „%(key)s“ gibt es zweimal.") % {"key": rule.key})
            )
        rule_keys.add(rule.key)
        if rule.kind not in RULE_KINDS:
            problems.append(
                Problem(
                    f"{where}.kind",
                    _("Unbekannte Regelart „%(kind)s“ (erlaubt: %(kinds)s).")
                    % {"kind": rule.kind, "kinds": ", ".join(RULE_KINDS)},
                )
            )
            continue
        if rule.kind == "info":
            continue
        if rule.scope:
            scope_child = spec.element_at(rule.scope)
            if scope_child is None or not isinstance(scope_child.element, GroupSpec):
                problems.append(
                    Problem(
                        f"{where}.scope", _("Die Gruppe „%(scope)s“ gibt es nicht.") % {"scope": rule.scope}
                    )
                )
                continue
            group = scope_child.element
        else:
            group = spec.root
        if rule.when is None:
            if rule.kind == "check":
                problems.append(
                    Problem(f"{where}.when", _("Eine Prüfregel braucht eine Bedingung („when“)."))
                )
        else:
            problems.extend(
                Problem(f"{where}.when", reason)
                for reason in condition_errors(rule.when, group, spec.code_lists, where="when")
            )
        if rule.kind in ("require", "show") and not rule.targets:
            problems.append(
                Problem(f"{where}.targets", _("Die Regel braucht mindestens ein Ziel („targets“)."))
            )
        if rule.kind == "check" and not rule.message:
            problems.append(
                Problem(
                    f"{where}.message",
                    _("Eine Prüfregel braucht eine Meldung für Antragstellende („message“)."),
                )
            )
        for target in rule.targets:
            if _child_at(group, target) is None:
                problems.append(
                    Problem(
                        f"{where}.targets",
                        _("Das Ziel „%(target)s“ gibt es in der Gruppe „%(group)s“ nicht.")
                        % {"target": target, "group": group.label or group.key or _("Formular")},
                    )
                )
    for where, path in (("applicant", spec.applicant_group), ("addressee", spec.addressee_group)):
        if path and not is_group_path(spec, path):
            problems.append(Problem(where, _("Die Gruppe „%(group)s“ gibt es nicht.") % {"group": path}))
    root_keys = [child.key for child in spec.root.children]
    seen_steps: set[str] = set()
    placed: dict[str, str] = {}
    for index, step in enumerate(spec.steps):
        where = f"steps[{index}]"
        if step.key in seen_steps:
            problems.append(
                Problem(f"{where}.key", _("Den Schritt „%(key)s“ gibt es zweimal.") % {"key": step.key})
            )
        seen_steps.add(step.key)
        if not step.children:
            problems.append(Problem(f"{where}.fields", _("Der Schritt zeigt keine Felder.")))
        for key in step.children:
            if key not in root_keys:
                problems.append(
                    Problem(
                        f"{where}.fields",
                        _("„%(key)s“ ist kein Feld und keine Gruppe der obersten Ebene.") % {"key": key},
                    )
                )
            elif key in placed:
                problems.append(
                    Problem(
                        f"{where}.fields",
                        _("„%(key)s“ steht schon im Schritt „%(step)s“.") % {"key": key, "step": placed[key]},
                    )
                )
            else:
                placed[key] = step.key
    if spec.steps:
        missing = [key for key in root_keys if key not in placed]
        if missing:
            problems.append(
                Problem(
                    "steps",
                    _("Diese Felder oder Gruppen stehen in keinem Schritt: %(keys)s.")
                    % {"keys": ", ".join(missing)},
                )
            )
    return problems


def _child_at(group: GroupSpec, path: str) -> ChildSpec | None:
    current: GroupSpec | None = group
    child: ChildSpec | None = None
    for part in path.split("."):
        if current is None:
            return None
        child = current.child(part)
        if child is None:
            return None
        current = child.element if isinstance(child.element, GroupSpec) else None
    return child


# ---- the parser ---------------------------------------------------------------------------------


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.code_lists: dict[str, CodeListSpec] = {}
        self.confirm_rules: list[RuleSpec] = []

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    # -- scalars --

    def prefill(self, data: dict[str, Any], path: str) -> str:
        value = self.text(data, "prefill", path)
        if value and value not in PREFILL_SOURCES:
            self.problem(
                f"{path}.prefill",
                _("Erlaubt ist nur „konto“ (Angaben aus dem Konto der antragstellenden Person)."),
            )
            return ""
        return value

    def text(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = False, default: str = ""
    ) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.problem(where, _("Angabe fehlt."))
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.problem(where, _("Erwartet wird ein Text."))
            return default
        text = str(value).strip()
        if required and not text:
            self.problem(where, _("Angabe fehlt."))
        return text

    def integer(self, value: Any, where: str, *, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, _("Erwartet wird eine ganze Zahl."))
            return None
        if value < minimum:
            self.problem(where, _("Die Zahl muss mindestens %(min)d sein.") % {"min": minimum})
            return None
        return value

    def unknown(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    f"{path}.{key}" if path else str(key),
                    _("Unbekannte Angabe „%(key)s“. Erlaubt sind: %(allowed)s.")
                    % {"key": key, "allowed": ", ".join(sorted(allowed))},
                )

    # -- form --

    def form(self, data: Any) -> tuple[FormSpec, str] | None:
        if not isinstance(data, dict):
            self.problem("", _("Die Definition muss ein Objekt mit key, version, title und fields sein."))
            return None
        self.unknown(data, _FORM_KEYS, "")
        key = self.text(data, "key", "", required=True)
        if key and not FORM_KEY_RE.fullmatch(key):
            self.problem(
                "key", _("Nur Kleinbuchstaben, Ziffern und Bindestriche (z. B. „schuelerfahrkosten“).")
            )
        version_value = data.get("version")
        if isinstance(version_value, float):
            self.problem(
                "version",
                _(
                    'Die Version bitte in Anführungszeichen schreiben (z. B. "1.0"), '
                    "sonst wird sie als Zahl gelesen."
                ),
            )
            version = ""
        else:
            version = self.text(data, "version", "", required=True)
        if len(version) > 50:
            self.problem("version", _("Höchstens 50 Zeichen."))
        title = self.text(data, "title", "", required=True)
        service = self.text(data, "service", "")
        leika = self.leika(data.get("leika"))
        max_attachments, max_mb = self.attachments(data.get("attachments"))
        self.read_code_lists(data.get("code_lists"))
        children = self.children(data.get("fields"), "fields")
        if not children and "fields" in data and not self.problems:
            self.problem("fields", _("Das Formular braucht mindestens ein Feld."))
        if "fields" not in data:
            self.problem("fields", _("Angabe fehlt."))
        rules = self.confirm_rules + self.rules(data.get("rules"))
        steps = self.steps(data.get("steps"))
        root = GroupSpec(key="", name=key, label=title, children=tuple(children))
        spec = FormSpec(
            key=key,
            version=version,
            title=title,
            root=root,
            description=self.text(data, "description", ""),
            code_lists=dict(self.code_lists),
            rules=tuple(rules),
            steps=tuple(steps),
            legal_basis=self.text(data, "legal_basis", ""),
            leika_keys=tuple(leika),
            max_attachments=max_attachments,
            max_attachment_mb=max_mb,
            addressee_group=self.text(data, "addressee", ""),
        )
        # Who applies: as declared, else the group filled from the account or named for the applicant.
        spec = replace(spec, applicant_group=self.text(data, "applicant", "") or guess_applicant_group(spec))
        return spec, service

    def leika(self, value: Any) -> list[str]:
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        keys: list[str] = []
        for index, item in enumerate(items):
            text = str(item).strip() if isinstance(item, (str, int)) and not isinstance(item, bool) else ""
            if not LEIKA_RE.fullmatch(text):
                self.problem(
                    f"leika[{index}]", _("Ein LeiKa-Schlüssel hat 14 Ziffern (in Anführungszeichen).")
                )
            else:
                keys.append(text)
        return keys

    def attachments(self, value: Any) -> tuple[int, int]:
        if value is None:
            return 10, 10
        if not isinstance(value, dict):
            self.problem("attachments", _("Erwartet wird ein Objekt mit max_count und max_mb."))
            return 10, 10
        self.unknown(value, {"max_count", "max_mb"}, "attachments")
        count = self.integer(value.get("max_count", 10), "attachments.max_count", minimum=0)
        size = self.integer(value.get("max_mb", 10), "attachments.max_mb", minimum=1)
        return (10 if count is None else count), (10 if size is None else size)

    # -- code lists --

    def read_code_lists(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.problem("code_lists", _("Erwartet wird ein Objekt: Kürzel der Liste -> Liste."))
            return
        for key, data in value.items():
            path = f"code_lists.{key}"
            if not isinstance(key, str) or not KEY_RE.fullmatch(key):
                self.problem(
                    path,
                    _(
                        "Das Kürzel einer Liste: Kleinbuchstaben, Ziffern und _, "
                        "beginnend mit einem Buchstaben."
                    ),
                )
                continue
            if not isinstance(data, dict):
                self.problem(path, _("Erwartet wird ein Objekt mit name und entries."))
                continue
            self.unknown(data, {"name", "entries", "uri", "version"}, path)
            entries = self.entries(data.get("entries"), f"{path}.entries")
            self.code_lists[key] = CodeListSpec(
                key=key,
                name=self.text(data, "name", path) or key,
                entries=tuple(entries),
                uri=self.text(data, "uri", path),
                version=self.text(data, "version", path),
            )

    def entries(self, value: Any, path: str) -> list[CodeEntry]:
        pairs: list[tuple[Any, Any, str]] = []
        if isinstance(value, dict):
            pairs = [(code, label, f"{path}.{code}") for code, label in value.items()]
        elif isinstance(value, list):
            for index, item in enumerate(value):
                where = f"{path}[{index}]"
                if isinstance(item, str):
                    pairs.append((item, item, where))
                elif isinstance(item, dict) and set(item) <= {"code", "label"} and "code" in item:
                    pairs.append((item["code"], item.get("label", item["code"]), where))
                else:
                    self.problem(where, _("Ein Eintrag ist ein Text oder ein Objekt mit code und label."))
        else:
            self.problem(
                path, _("Erwartet wird eine Liste von Einträgen oder ein Objekt Code -> Bezeichnung.")
            )
            return []
        entries: list[CodeEntry] = []
        seen: set[str] = set()
        for code, label, where in pairs:
            if not isinstance(code, str):
                self.problem(
                    where,
                    _(
                        'Der Code %(code)s muss in Anführungszeichen stehen (z. B. "01"), '
                        "sonst liest YAML ihn als Zahl."
                    )
                    % {"code": code},
                )
                continue
            if not code.strip():
                self.problem(where, _("Ein Code darf nicht leer sein."))
                continue
            if code in seen:
                self.problem(where, _("Den Code „%(code)s“ gibt es zweimal.") % {"code": code})
                continue
            if label is None or isinstance(label, (dict, list)):
                self.problem(where, _("Die Bezeichnung muss ein Text sein."))
                continue
            seen.add(code)
            entries.append(CodeEntry(code=code, label=str(label)))
        if not entries and not self.problems:
            self.problem(path, _("Die Liste hat keine Einträge."))
        return entries

    # -- elements --

    def children(self, value: Any, path: str, scope: str = "") -> list[ChildSpec]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, _("Erwartet wird eine Liste von Feldern und Gruppen."))
            return []
        children: list[ChildSpec] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            child = self.element(item, where, scope)
            if child is None:
                continue
            if child.key in seen:
                self.problem(
                    f"{where}.key",
                    _("Das Kürzel „%(key)s“ gibt es auf dieser Ebene zweimal.") % {"key": child.key},
                )
                continue
            seen.add(child.key)
            children.append(child)
        return children

    def repeat(self, data: dict[str, Any], path: str) -> tuple[int, int | None]:
        required = data.get("required", False)
        if not isinstance(required, bool):
            self.problem(f"{path}.required", _("Erwartet wird true oder false."))
            required = False
        minimum = 1 if required else 0
        repeat = data.get("repeat")
        if repeat is None or repeat is False:
            return minimum, 1
        if repeat is True:
            return minimum, None
        if not isinstance(repeat, dict):
            self.problem(f"{path}.repeat", _("Erwartet wird true oder ein Objekt mit min und max."))
            return minimum, 1
        self.unknown(repeat, {"min", "max"}, f"{path}.repeat")
        if "min" in repeat:
            value = self.integer(repeat["min"], f"{path}.repeat.min")
            if value is not None:
                minimum = max(minimum, value)
        maximum: int | None = None
        if repeat.get("max") is not None:
            maximum = self.integer(repeat["max"], f"{path}.repeat.max", minimum=1)
            if maximum is not None and maximum < minimum:
                self.problem(f"{path}.repeat.max", _("max ist kleiner als min."))
                maximum = None
        return minimum, maximum

    def element(self, data: Any, path: str, scope: str) -> ChildSpec | None:
        if not isinstance(data, dict):
            self.problem(path, _("Erwartet wird ein Objekt mit key und label."))
            return None
        key = self.text(data, "key", path, required=True)
        if key and not KEY_RE.fullmatch(key):
            self.problem(
                f"{path}.key",
                _("„%(key)s“: nur Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben.")
                % {"key": key},
            )
        minimum, maximum = self.repeat(data, path)
        if "fields" in data:
            self.unknown(data, _GROUP_KEYS, path)
            inner_scope = f"{scope}.{key}" if scope else key
            children = self.children(data.get("fields"), f"{path}.fields", inner_scope)
            if not children and isinstance(data.get("fields"), list):
                self.problem(f"{path}.fields", _("Eine Gruppe braucht mindestens ein Feld."))
            if "required" not in data and maximum == 1 and any(child.required for child in children):
                minimum = max(minimum, 1)  # a group with required fields is required unless it says otherwise
            group = GroupSpec(
                key=key,
                name=self.text(data, "name", path) or key,
                label=self.text(data, "label", path, required=True),
                help=self.text(data, "help", path),
                legal_basis=self.text(data, "legal_basis", path),
                prefill=self.prefill(data, path),
                children=tuple(children),
            )
            return ChildSpec(element=group, min=minimum, max=maximum) if key else None
        self.unknown(data, _FIELD_KEYS, path)
        field = self.field(data, key, path)
        if field is None or not key:
            return None
        if data.get("confirm") is not None:
            self.confirm(data["confirm"], field, scope, path)
        if field.datatype == "label" and (minimum or maximum != 1):
            self.problem(
                path, _("Ein Hinweistext (type: label) kann weder Pflicht sein noch sich wiederholen.")
            )
        return ChildSpec(element=field, min=minimum, max=maximum)

    def field(self, data: dict[str, Any], key: str, path: str) -> FieldSpec | None:
        datatype = self.text(data, "type", path, default="text")
        if datatype not in DATATYPES:
            self.problem(
                f"{path}.type",
                _("Unbekannter Typ „%(type)s“ (erlaubt: %(types)s).")
                % {"type": datatype, "types": ", ".join(DATATYPES)},
            )
            return None
        code_list = self.options(data.get("options"), key, f"{path}.options")
        if code_list and datatype not in ("text", "integer"):
            self.problem(f"{path}.options", _("Auswahllisten gibt es nur für die Typen text und integer."))
        input_kind = self.text(data, "input", path)
        if not input_kind:
            input_kind = {"bool": "checkbox", "file": "file", "label": "label"}.get(datatype, "")
            if not input_kind:
                input_kind = "select" if code_list else "input"
        if input_kind not in INPUTS:
            self.problem(
                f"{path}.input",
                _("Unbekannte Eingabeart „%(input)s“ (erlaubt: %(inputs)s).")
                % {"input": input_kind, "inputs": ", ".join(INPUTS)},
            )
            return None
        if input_kind in ("select", "radio") and not code_list and datatype != "bool":
            self.problem(f"{path}.options", _("Eine Auswahl (select/radio) braucht eine Liste („options“)."))
        if (datatype == "file") != (input_kind == "file"):
            self.problem(f"{path}.input", _("Uploads haben den Typ file und die Eingabeart file."))
        if (
            datatype == "label"
            and not self.text(data, "content", path)
            and not self.text(data, "label", path)
        ):
            self.problem(f"{path}.content", _("Ein Hinweistext braucht einen Text („content“)."))
        min_length = self.length(data, "min_length", path)
        max_length = self.length(data, "max_length", path)
        if min_length is not None and max_length is not None and min_length > max_length:
            self.problem(f"{path}.max_length", _("max_length ist kleiner als min_length."))
        if (min_length is not None or max_length is not None) and datatype != "text":
            self.problem(path, _("min_length und max_length gibt es nur für Texte."))
        pattern = self.text(data, "pattern", path) or None
        if pattern is not None:
            if datatype != "text":
                self.problem(f"{path}.pattern", _("Ein Muster gibt es nur für Texte."))
            elif not pattern_ok(pattern):
                self.problem(f"{path}.pattern", _("Das Muster ist kein gültiger regulärer Ausdruck."))
        min_value = self.bound(data, "min", datatype, path)
        max_value = self.bound(data, "max", datatype, path)
        if min_value is not None and max_value is not None:
            if datatype in ("integer", "number", "currency"):
                if float(min_value) > float(max_value):
                    self.problem(f"{path}.max", _("max ist kleiner als min."))
            elif TODAY not in (min_value, max_value) and min_value > max_value:
                self.problem(f"{path}.max", _("max liegt vor min."))
        default = data.get("default")
        if isinstance(default, (dict, list)):
            self.problem(f"{path}.default", _("Ein Vorgabewert ist ein einzelner Wert."))
            default = None
        if isinstance(default, (datetime.date, datetime.datetime)):
            default = default.isoformat()
        return FieldSpec(
            key=key,
            name=self.text(data, "name", path) or key,
            label=self.text(data, "label", path, required=datatype != "label"),
            datatype=datatype,  # type: ignore[arg-type]
            input=input_kind,  # type: ignore[arg-type]
            help=self.text(data, "help", path),
            min_length=min_length,
            max_length=max_length,
            min_value=min_value,
            max_value=max_value,
            pattern=pattern,
            code_list=code_list,
            default=default,
            content=self.text(data, "content", path),
            legal_basis=self.text(data, "legal_basis", path),
        )

    def confirm(self, value: Any, field: FieldSpec, scope: str, path: str) -> None:
        """``confirm: true`` on a checkbox: it must be ticked (a ``check`` rule, like consent)."""
        if not isinstance(value, bool):
            self.problem(f"{path}.confirm", _("Erwartet wird true oder false."))
            return
        if not value:
            return
        if field.datatype != "bool":
            self.problem(f"{path}.confirm", _("confirm gibt es nur für Felder vom Typ bool."))
            return
        key = "bestaetigen_" + (f"{scope}.{field.key}" if scope else field.key).replace(".", "_")
        self.confirm_rules.append(
            RuleSpec(
                key=key,
                name=key,
                kind="check",
                scope=scope,
                when={"field": field.key, "op": "true"},
                targets=(field.key,),
                message=_("Bitte bestätigen Sie „%(label)s“.") % {"label": field.label or field.key},
            )
        )

    def length(self, data: dict[str, Any], key: str, path: str) -> int | None:
        if data.get(key) is None:
            return None
        return self.integer(data[key], f"{path}.{key}", minimum=0 if key == "min_length" else 1)

    def bound(self, data: dict[str, Any], key: str, datatype: str, path: str) -> str | None:
        value = data.get(key)
        where = f"{path}.{key}"
        if value is None:
            return None
        if datatype in ("integer", "number", "currency"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem(where, _("Erwartet wird eine Zahl."))
                return None
            if datatype == "integer" and not float(value).is_integer():
                self.problem(where, _("Erwartet wird eine ganze Zahl."))
                return None
            return str(value)
        if datatype == "date":
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                return value.isoformat()
            if isinstance(value, str) and value.strip().lower() in RELATIVE_BOUNDS:
                return RELATIVE_BOUNDS[value.strip().lower()]  # "today": checked on the day of submission
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                try:
                    return datetime.date.fromisoformat(value).isoformat()
                except ValueError:
                    pass
            self.problem(where, _("Erwartet wird ein Datum im Format JJJJ-MM-TT oder „today“ (heute)."))
            return None
        if datatype == "time" and isinstance(value, str) and re.fullmatch(r"\d{2}:\d{2}", value):
            return value
        self.problem(where, _("min und max gibt es nur für Zahlen, Beträge, Daten und Uhrzeiten."))
        return None

    def options(self, value: Any, key: str, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            if value not in self.code_lists:
                self.problem(
                    path, _("Die Liste „%(list)s“ gibt es unter code_lists nicht.") % {"list": value}
                )
                return None
            return value
        entries = self.entries(value, path)
        if not entries:
            return None
        list_key = key
        number = 2
        while list_key in self.code_lists:
            list_key = f"{key}_{number}"
            number += 1
        self.code_lists[list_key] = CodeListSpec(key=list_key, name=key, entries=tuple(entries))
        return list_key

    # -- rules and steps --

    def rules(self, value: Any) -> list[RuleSpec]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem("rules", _("Erwartet wird eine Liste von Regeln."))
            return []
        rules: list[RuleSpec] = []
        for index, data in enumerate(value):
            path = f"rules[{index}]"
            if not isinstance(data, dict):
                self.problem(path, _("Eine Regel ist ein Objekt mit key, kind, when und targets."))
                continue
            self.unknown(data, _RULE_KEYS, path)
            key = self.text(data, "key", path, required=True)
            kind = self.text(data, "kind", path, default="require")
            targets = data.get("targets", [])
            if isinstance(targets, str):
                targets = [targets]
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                self.problem(f"{path}.targets", _("Erwartet wird eine Liste von Feldpfaden."))
                targets = []
            when = data.get("when")
            if when is not None and not isinstance(when, dict):
                self.problem(
                    f"{path}.when",
                    _('Eine Bedingung ist ein Objekt, z. B. {field: art, op: eq, value: "02"}.'),
                )
                when = None
            rules.append(
                RuleSpec(
                    key=key,
                    name=self.text(data, "name", path) or key,
                    kind=kind,  # type: ignore[arg-type]
                    scope=self.text(data, "scope", path),
                    when=when,
                    targets=tuple(targets),
                    message=self.text(data, "message", path),
                    description=self.text(data, "description", path),
                )
            )
        return rules

    def steps(self, value: Any) -> list[StepSpec]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem("steps", _("Erwartet wird eine Liste von Schritten."))
            return []
        steps: list[StepSpec] = []
        for index, data in enumerate(value):
            path = f"steps[{index}]"
            if not isinstance(data, dict):
                self.problem(path, _("Ein Schritt ist ein Objekt mit key, title und fields."))
                continue
            self.unknown(data, _STEP_KEYS, path)
            fields = data.get("fields", [])
            if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                self.problem(f"{path}.fields", _("Erwartet wird eine Liste von Kürzeln."))
                fields = []
            steps.append(
                StepSpec(
                    key=self.text(data, "key", path, required=True),
                    title=self.text(data, "title", path, required=True),
                    children=tuple(fields),
                )
            )
        return steps
