"""Splitting a screen's text into Telegram messages."""

from __future__ import annotations

from bot.render import MAX_TEXT, _split


def test_a_line_longer_than_a_message_is_cut_in_place() -> None:
    block = "short line\n" + "x" * (MAX_TEXT + 900) + "\nend"
    chunks = _split(["intro", block])
    assert all(len(chunk) <= MAX_TEXT for chunk in chunks)
    # nothing lost and nothing moved: the line before the long one is still before it
    assert "".join(chunks).replace("\n", "") == ("intro" + block).replace("\n", "")
    assert chunks[0] == "intro\n\nshort line"


def test_blocks_are_joined_into_as_few_messages_as_fit() -> None:
    blocks = ["a" * 2000, "b" * 2000, "c" * 2000]
    assert _split(blocks) == ["a" * 2000 + "\n\n" + "b" * 2000, "c" * 2000]
