"""Intake memos: reused within the time limit, loaded again after it, emptied with the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from amtsweg.core import memo
from amtsweg.core.memo import TTLMemo, memos_clear


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [500.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    return now


def test_a_value_is_reused_until_its_time_is_up_then_loaded_again(clock: list[float]) -> None:
    loads: list[str] = []
    numbers = TTLMemo[int]("Test", seconds=10)

    def load() -> int:
        loads.append("x")
        return len(loads)

    assert numbers.get("a", load) == 1
    clock[0] += 9.9
    assert numbers.get("a", load) == 1
    clock[0] += 0.1
    assert numbers.get("a", load) == 2
    assert numbers.get("b", load) == 3  # another key is loaded on its own


def test_none_is_remembered_too(clock: list[float]) -> None:
    calls: list[None] = []
    unknown = TTLMemo[None]("Test", seconds=10)
    unknown.get("99999999", lambda: calls.append(None))
    unknown.get("99999999", lambda: calls.append(None))
    assert len(calls) == 1


def test_clearing_djangos_cache_or_all_memos_forgets_everything(clock: list[float]) -> None:
    values = TTLMemo[str]("Test", seconds=60)
    values.get("k", lambda: "alt")
    cache.clear()
    assert values.get("k", lambda: "neu") == "neu"
    memos_clear()
    assert values.get("k", lambda: "ganz neu") == "ganz neu"


def test_a_full_memo_starts_over_instead_of_growing(clock: list[float]) -> None:
    values = TTLMemo[int]("Test", seconds=60, max_entries=3)
    for number in range(10):
        values.get(number, lambda: 0)
        assert len(values) <= 3
    assert values.get(9, lambda: 1) == 0  # the newest entries are kept


def test_long_keys_from_a_request_are_loaded_but_never_kept(clock: list[float]) -> None:
    # A client sent a distinct 1 MB value each time; the memo must not keep them (issue 12).
    values = TTLMemo[None]("Test", seconds=10)
    for number in range(5):
        values.get(str(number) * 1_000_000, lambda: None)
        values.get(("x", str(number) * 1_000), lambda: None)
    assert len(values) == 0
    values.get("05558016", lambda: None)
    assert len(values) == 1
