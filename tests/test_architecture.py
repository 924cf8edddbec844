"""Apps import only the apps docs/architecture.md allows; the table there is the single source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "amtsweg"
DOC = ROOT / "docs" / "architecture.md"
TABLE_HEADING = "## Apps and import directions"


def allowed_imports() -> dict[str, set[str]]:
    """The table under TABLE_HEADING: app name → apps it may import."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADING)
    table: dict[str, set[str]] = {}
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3:
            continue
        app = re.fullmatch(r"`(\w+)`", cells[0])
        if app is None:
            continue  # header and separator rows
        table[app.group(1)] = set(re.findall(r"`(\w+)`", cells[2]))
    assert table, f"Keine Tabelle unter „{TABLE_HEADING}“ in {DOC}"
    return table


def apps_on_disk() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/apps.py")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names of every module the source imports, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            # `from amtsweg import catalog` imports the app itself.
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def imported_apps(modules: set[str], apps: set[str]) -> set[str]:
    return {
        parts[1]
        for parts in (module.split(".") for module in modules)
        if len(parts) >= 2 and parts[0] == "amtsweg" and parts[1] in apps
    }


def apps_imported_by(path: Path, apps: set[str]) -> set[str]:
    modules = imported_modules(
        path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py"
    )
    return imported_apps(modules, apps)


def test_every_app_has_a_row_and_every_row_an_app() -> None:
    documented, present = set(allowed_imports()), apps_on_disk()
    assert not present - documented, f"Apps ohne Zeile in {DOC.name}: {sorted(present - documented)}"
    assert not documented - present, f"Zeilen in {DOC.name} ohne App: {sorted(documented - present)}"


def test_allowed_imports_name_only_known_apps_and_core_imports_none() -> None:
    table = allowed_imports()
    for app, allowed in table.items():
        assert allowed <= set(table), f"{app}: unbekannte Apps {sorted(allowed - set(table))}"
        assert app not in allowed
    assert table["core"] == set()


# An app's own tests may load the demo data set as a fixture; the app's code may not.
TESTS_MAY_ALSO_IMPORT = {"demo"}


def test_apps_import_only_what_the_table_allows() -> None:
    table = allowed_imports()
    apps = set(table) | apps_on_disk()
    violations = []
    for app in sorted(apps_on_disk()):
        for path in sorted((PACKAGE / app).rglob("*.py")):
            allowed = {app} | table.get(app, set())
            if "tests" in path.relative_to(PACKAGE / app).parts:
                allowed |= TESTS_MAY_ALSO_IMPORT
            for other in sorted(apps_imported_by(path, apps) - allowed):
                violations.append(f"{path.relative_to(ROOT)} importiert {other}")
    assert not violations, "Nicht erlaubte Importe (siehe docs/architecture.md):\n" + "\n".join(violations)


def test_the_checker_sees_every_import_form() -> None:
    """Guards the guard: absolute, from-package, relative and function-level imports are all found."""
    source = (
        "import amtsweg.catalog.models\n"
        "from amtsweg import tenants\n"
        "from ..portal import views\n"
        "from . import audit\n"
        "def later():\n"
        "    from amtsweg.demo.loader import demo_logins\n"
    )
    modules = imported_modules(source, "amtsweg.core.example")
    apps = {"core", "tenants", "catalog", "portal", "demo"}
    assert imported_apps(modules, apps) == {"core", "catalog", "tenants", "portal", "demo"}
    assert "amtsweg.core.audit" in modules
