"""A change the rules refuse: the services raise it with a code, and the screen names the reason."""

from __future__ import annotations


class Refusal(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
