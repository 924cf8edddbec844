"""Short-lived per-process memos for rarely changing data read on every intake (one helper for all apps).

The intake of a submission needs the same few facts again and again: the published form version, the
municipality of an AGS, the responsible office, the case settings of a service and the routing rules of
an authority. Each :class:`TTLMemo` keeps such a fact in the process for ``seconds``; a change made in
another process reaches new submissions at most that much later. The process that makes a change calls
:meth:`TTLMemo.clear` (or :func:`memos_clear`) and sees it at once.

Every key carries a *generation* token kept in Django's cache. Clearing that cache (the test suite does
before each test; an operator can with ``cache.clear()``) therefore empties every memo of the process
too – no test sees records of another, even when two databases reuse the same primary keys.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable

from django.core.cache import cache

_GENERATION_KEY = "amtsweg.memo.generation"
# Keys longer than this are not kept: memo keys come from requests (a form key, an AGS), and a memo must
# not hold every distinct long value a client sends.
MAX_KEY_CHARS = 200
_memos: list[TTLMemo[object]] = []


def memo_generation() -> str:
    """The current generation token (a new one after Django's cache was cleared)."""
    return str(cache.get_or_set(_GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None))


def _key_chars(key: Hashable) -> int:
    if isinstance(key, str | bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(_key_chars(part) for part in key)
    return 0


class TTLMemo[V]:
    """``memo.get(key, load)``: ``load()``'s result for ``key``, reused for ``seconds`` in this process.

    ``None`` results are kept too (an unknown AGS stays unknown for the same time). The memo never grows
    beyond ``max_entries`` keys: when full it starts over; a key longer than ``MAX_KEY_CHARS`` characters
    is loaded every time and never kept. Safe for threads (a race loads twice, which is
    harmless for read-only facts).
    """

    def __init__(self, name: str, *, seconds: float, max_entries: int = 10_000) -> None:
        self.name = name
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[tuple[str, Hashable], tuple[float, V]] = {}
        self._lock = threading.Lock()
        _memos.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        known, value = self.lookup(key)
        if known:
            return value  # type: ignore[return-value]
        value = load()
        self.store(key, value)
        return value

    def lookup(self, key: Hashable) -> tuple[bool, V | None]:
        """``(True, value)`` when ``key`` is kept and still fresh, else ``(False, None)``."""
        entry = self._entries.get((memo_generation(), key))
        if entry is not None and time.monotonic() - entry[0] < self.seconds:
            return True, entry[1]
        return False, None

    def store(self, key: Hashable, value: V) -> None:
        """Keep ``value`` for ``key`` (what :meth:`get` does after loading it)."""
        if _key_chars(key) > MAX_KEY_CHARS:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[(memo_generation(), key)] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<TTLMemo {self.name} {self.seconds:g} s, {len(self)} Einträge>"


def memos_clear() -> None:
    """Empty every memo of this process (after a change that several of them may hold)."""
    for memo in _memos:
        memo.clear()
