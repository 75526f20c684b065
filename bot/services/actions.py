"""One way to handle a button: each desk keeps one table from an action's name to its method.

A desk's methods register themselves (``@ACTIONS("approve")``); ``run`` looks the name up and
calls the method, or says there is none (an unknown or retired button), so a desk's every action
is listed where it is defined, and nothing is found by building a method name at run time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")
Method = Callable[..., Awaitable[R]]


class ActionTable(Generic[R]):
    def __init__(self) -> None:
        self.methods: dict[str, Method[R]] = {}

    def __call__(self, *names: str) -> Callable[[Method[R]], Method[R]]:
        def register(method: Method[R]) -> Method[R]:
            for name in names:
                if name in self.methods:
                    raise ValueError(f"action {name!r} is already handled by {self.methods[name].__name__}")
                self.methods[name] = method
            return method

        return register

    def __contains__(self, name: str) -> bool:
        return name in self.methods

    async def run(self, desk: Any, name: str, *args: Any) -> R | None:
        """The method's answer, or None when no method handles ``name``."""
        method = self.methods.get(name)
        return None if method is None else await method(desk, *args)
