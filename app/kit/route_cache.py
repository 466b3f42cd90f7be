"""A per-route memo (route objects are not hashable, and do not change once the app is built)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RouteCache(Generic[T]):
    def __init__(self) -> None:
        self._values: dict[int, tuple[weakref.ref[Any], T]] = {}

    def get(self, route: Any, compute: Callable[[], T]) -> T:
        entry = self._values.get(id(route))
        if entry is not None and entry[0]() is route:
            return entry[1]
        value = compute()
        with suppress(TypeError):  # not weak-referenceable: computed each time
            self._values[id(route)] = (weakref.ref(route), value)
        return value
