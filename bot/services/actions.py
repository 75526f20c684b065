"""One way to handle a button: each desk keeps one table from an action's name to its method.

A desk's methods register themselves (``@ACTIONS("approve")``); ``run`` looks the name up and
calls the method, or says there is none (an unknown or retired button), so a desk's every action
is listed where it is defined, and nothing is found by building a method name at run time.

Two buttons that differ by one setting share a method: each registration may bind keyword
arguments (``@ACTIONS("approve", approve=True)`` above ``@ACTIONS("decline", approve=False)``)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

R = TypeVar("R")
Method = Callable[..., Awaitable[R]]


@dataclass(frozen=True)
class Press:
    """A button pressed in the person's own chat, as the applicant's desks take it (questionnaire,
    form, documents, FAQ): who, which action, the screen it was on (``at``: whose Back or edit it
    is), its argument, the person's language."""

    user_id: int
    act: str
    at: str
    arg: str
    locale: str  # the person's language: what they read, and what a submission's summary is written in


class ActionTable(Generic[R]):
    def __init__(self) -> None:
        self.methods: dict[str, tuple[Method[R], dict[str, Any]]] = {}

    def __call__(self, *names: str, **bound: Any) -> Callable[[Method[R]], Method[R]]:
        def register(method: Method[R]) -> Method[R]:
            unknown = set(bound) - set(inspect.signature(method).parameters)
            if unknown:  # found at import, not when the button is first pressed
                raise TypeError(f"{method.__name__} takes no {sorted(unknown)}")
            for name in names:
                if name in self.methods:
                    raise ValueError(f"action {name!r} is already handled by {self.methods[name][0].__name__}")
                self.methods[name] = (method, bound)
            return method

        return register

    def __contains__(self, name: str) -> bool:
        return name in self.methods

    async def run(self, desk: Any, name: str, *args: Any) -> R | None:
        """The method's answer, or None when no method handles ``name``."""
        found = self.methods.get(name)
        if found is None:
            return None
        method, bound = found
        return await method(desk, *args, **bound)
