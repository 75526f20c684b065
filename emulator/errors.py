"""Bot API errors as the emulator answers them: ``{"ok": false, "error_code", "description", ...}``."""

from __future__ import annotations

from typing import Any


class APIError(Exception):
    """A Bot API error; rendered as ``{"ok": false, "error_code", "description", ...}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> APIError:
    return APIError(400, f"Bad Request: {detail}")
