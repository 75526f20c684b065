"""The bot's profile as set through the Bot API: command menus per scope and language, descriptions."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from emulator.errors import bad_request
from emulator.limits import MAX_COMMANDS

_DEFAULT_SCOPE: Final = {"type": "default"}


def _scope_key(scope: Any) -> str:
    return json.dumps(scope if isinstance(scope, dict) else _DEFAULT_SCOPE, sort_keys=True)


def _command_key(params: dict[str, Any]) -> tuple[str, str]:
    return _scope_key(params.get("scope")), str(params.get("language_code") or "")


class BotProfile:
    """setMyCommands / getMyCommands and the (short) descriptions, stored per language."""

    def __init__(self) -> None:
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}

    def get_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        return list(self.commands.get((_scope_key(scope), language_code), []))

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad_request("too many commands")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("command description must be 1-256 characters long")
            cleaned.append({"command": name, "description": description})
        key = _command_key(params)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.commands.get(_command_key(params), []))

    async def set_my_description(self, params: dict[str, Any]) -> bool:
        return _set_localized(self.descriptions, params, "description", 512)

    async def get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"description": _get_localized(self.descriptions, params)}

    async def set_my_short_description(self, params: dict[str, Any]) -> bool:
        return _set_localized(self.short_descriptions, params, "short_description", 120)

    async def get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"short_description": _get_localized(self.short_descriptions, params)}


def _set_localized(store: dict[str, str], params: dict[str, Any], field_name: str, limit: int) -> bool:
    value = params.get(field_name) or ""
    if not isinstance(value, str):
        raise bad_request(f"{field_name} must be a string")
    if len(value) > limit:
        raise bad_request(f"{field_name} is too long (at most {limit} characters)")
    language = str(params.get("language_code") or "")
    if value:
        store[language] = value
    else:
        store.pop(language, None)
    return True


def _get_localized(store: dict[str, str], params: dict[str, Any]) -> str:
    language = str(params.get("language_code") or "")
    return store.get(language) or store.get("", "")
