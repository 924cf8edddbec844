"""Typed registries: the extension points of Amtsweg (see docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator


class RegistryError(LookupError):
    pass


class Registry[T]:
    """A named collection of plugins of one kind.

    A plugin module registers itself with ``@registry.register("id")``; callers look plugins up by id.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, identifier: str) -> Callable[[T], T]:
        def decorator(item: T) -> T:
            if identifier in self._items:
                raise RegistryError(f"{self.kind} '{identifier}' ist bereits registriert.")
            self._items[identifier] = item
            return item

        return decorator

    def __getitem__(self, identifier: str) -> T:
        try:
            return self._items[identifier]
        except KeyError:
            raise RegistryError(f"Unbekanntes {self.kind}: '{identifier}'.") from None

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._items

    def __iter__(self) -> Iterator[tuple[str, T]]:
        return iter(sorted(self._items.items()))

    def __len__(self) -> int:
        return len(self._items)
