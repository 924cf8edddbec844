"""The guard of ``amtsweg.testing.module_world``: in a module with a world built once for all its tests, a
database test that does not ask for the world (it would see it anyway) or one that commits is refused at
collection, whatever order the tests would run in."""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any

import pytest

from amtsweg.testing import module_world, pytest_collection_modifyitems


@module_world
def _world_built() -> str:
    return "Welt"


@dataclass
class _Item:
    """What the guard reads of a collected test: its module, fixtures and ``django_db`` marker."""

    nodeid: str
    module: types.ModuleType
    fixturenames: list[str]
    marks: dict[str, Any] = field(default_factory=dict)

    def get_closest_marker(self, name: str) -> Any:
        return self.marks.get(name)


def _module(*, with_world: bool) -> types.ModuleType:
    module = types.ModuleType("beispiel")
    if with_world:
        module._world_built = _world_built  # type: ignore[attr-defined]  # as `from … import` does
    return module


def test_tests_that_ask_for_the_world_or_use_no_database_are_collected() -> None:
    module = _module(with_world=True)
    items = [
        _Item(
            "beispiel::nutzt_welt",
            module,
            ["_world_built", "world", "db"],
            {"django_db": pytest.mark.django_db},
        ),
        _Item("beispiel::ohne_datenbank", module, ["settings"]),
        _Item("anderes::ohne_welt", _module(with_world=False), ["db"], {"django_db": pytest.mark.django_db}),
    ]
    pytest_collection_modifyitems(items)  # type: ignore[arg-type]


def test_a_database_test_that_would_see_a_world_it_did_not_ask_for_is_refused() -> None:
    module = _module(with_world=True)
    items = [
        _Item("beispiel::nutzt_welt", module, ["_world_built", "db"]),
        _Item("beispiel::erwartet_leere_datenbank", module, ["db"]),
    ]
    with pytest.raises(pytest.UsageError, match="beispiel::erwartet_leere_datenbank") as refused:
        pytest_collection_modifyitems(items)  # type: ignore[arg-type]
    assert "beispiel::nutzt_welt" not in str(refused.value)


def test_a_test_that_commits_inside_a_world_is_refused() -> None:
    module = _module(with_world=True)
    committing = pytest.mark.django_db(transaction=True)
    items = [
        _Item("beispiel::committet", module, ["_world_built", "transactional_db"], {"django_db": committing})
    ]
    with pytest.raises(pytest.UsageError, match="beispiel::committet"):
        pytest_collection_modifyitems(items)  # type: ignore[arg-type]
