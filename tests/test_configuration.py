"""Every environment variable is documented in docs/configuration.md, and the doc lists no stale ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"
SETTINGS_FILE = ROOT / "src" / "amtsweg" / "settings.py"
SETTINGS_HEADING = "## Settings"
OUTSIDE_HEADING = "## Variables outside the settings module"
ENV_FUNCTIONS = {"env", "env_bool", "env_list"}


def documented(heading: str) -> set[str]:
    """Variable names in the first column of the tables in one ``##`` section of the doc."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    names: set[str] = set()
    inside = False
    for line in lines:
        if line.startswith("## "):
            inside = line.strip() == heading
        elif inside and (match := re.match(r"\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line)):
            names.add(match.group(1))
    assert names, f"Keine Tabelle unter „{heading}“ in {DOC}"
    return names


def declared_in_settings() -> set[str]:
    """Every env()/env_bool()/env_list() call in settings.py, also those only made in some configurations
    (S3 only with STORAGE_BACKEND=s3, HSTS only in production) and so missing from settings.ENV_VARS here."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ENV_FUNCTIONS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
            elif first is not None and not (isinstance(first, ast.Name) and first.id == "name"):
                raise AssertionError(
                    f"settings.py Zeile {node.lineno}: Variablenname muss ein fester Text sein"
                )
    return names


def used_outside_settings(*, include_defaults: bool = True) -> set[str]:
    """Environment variables used through os.environ/os.getenv in src/ and benchmarks/, except settings.py.

    ``os.environ.setdefault`` only provides a default for settings.py (the test plugin does that);
    ``include_defaults=False`` leaves those out and so finds real reads only.
    """
    names: set[str] = set()
    methods = {"get", "pop", "setdefault"} if include_defaults else {"get", "pop"}
    files = [*(ROOT / "src").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    for path in files:
        if path == SETTINGS_FILE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            key: ast.expr | None = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                target = ast.unparse(node.func.value)
                if (target == "os.environ" and node.func.attr in methods) or (
                    target == "os" and node.func.attr == "getenv"
                ):
                    key = node.args[0] if node.args else None
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Load)
                and ast.unparse(node.value) == "os.environ"
            ):
                key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return names


def test_every_setting_variable_is_documented() -> None:
    declared = declared_in_settings() | set(settings.ENV_VARS)
    missing = sorted(declared - documented(SETTINGS_HEADING))
    assert not missing, f"In settings.py gelesen, aber nicht in docs/configuration.md beschrieben: {missing}"


def test_every_documented_setting_exists() -> None:
    stale = sorted(documented(SETTINGS_HEADING) - declared_in_settings())
    assert not stale, f"In docs/configuration.md beschrieben, aber nicht in settings.py gelesen: {stale}"


def test_runtime_registry_matches_the_source() -> None:
    """settings.ENV_VARS (what this process read) is a subset of what the source declares."""
    assert set(settings.ENV_VARS) <= declared_in_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(settings.ENV_VARS)


def test_variables_read_outside_settings_are_documented() -> None:
    missing = sorted(used_outside_settings() - documented(OUTSIDE_HEADING) - documented(SETTINGS_HEADING))
    assert not missing, f"Außerhalb von settings.py gelesen, aber nicht dokumentiert: {missing}"


def test_setting_variables_are_not_read_behind_the_settings_back() -> None:
    sneaky = sorted(used_outside_settings(include_defaults=False) & declared_in_settings())
    assert not sneaky, f"Nur settings.py darf diese Variablen lesen: {sneaky}"
