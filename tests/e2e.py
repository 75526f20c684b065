"""Helpers for end-to-end conversations through the emulator (imported by the e2e tests)."""

from __future__ import annotations

from bot.emulator import FakeMessage, FakeUser

APOLOGY_EN = "Sorry, something went wrong"

# A web developer with a foreign bachelor's in another field, 2 years and TOPIK 4: eligible through
# the Korean-proficiency special case. Values are answer buttons; "=..." is typed text.
ELIGIBLE_WEB_DEV = (
    "web_developer",
    "bachelor",
    "abroad",
    "no",
    "=2",
    "yes",
    "topik",
    "4",
    "no",
    "=Uzbekistan",
    "yes",
    "yes",
    "=35,000,000",
)


def keyboard_message(user: FakeUser) -> FakeMessage:
    for m in reversed(user.messages):
        if m.buttons:
            return m
    raise AssertionError("no message with buttons")


def button_for(user: FakeUser, value: str) -> str:
    """The callback_data of the answer button with this value on the latest keyboard."""
    msg = keyboard_message(user)
    for row in msg.buttons:
        for _, data in row:
            if data and data.startswith("a:") and data.rsplit(":", 1)[1] == value:
                return data
    raise AssertionError(f"no answer {value!r} among {msg.buttons}")


async def answer(user: FakeUser, *steps: str) -> list[FakeMessage]:
    """Plays answers: a value taps that answer button; '=text' types text; '!label' taps a button by its
    text (or nav callback_data). Returns the messages of the last step."""
    out: list[FakeMessage] = []
    for step in steps:
        if step.startswith("="):
            out = await user.say(step[1:])
        elif step.startswith("!"):
            out = await user.tap(step[1:])
        else:
            out = await user.tap(button_for(user, step))
        assert not any(APOLOGY_EN in m.plain for m in out), [m.plain for m in out]
    return out


def nav(user: FakeUser, act: str) -> str:
    """The callback_data of a navigation button on the latest keyboard."""
    for row in keyboard_message(user).buttons:
        for _, data in row:
            if data and data.startswith(f"n:{act}:"):
                return data
    raise AssertionError(f"no {act} button")


def texts(messages: list[FakeMessage]) -> str:
    return "\n".join(m.plain for m in messages)
