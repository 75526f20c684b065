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


def test_a_long_line_of_escaped_text_is_never_cut_inside_an_entity_or_a_tag() -> None:
    """A question of 1,400 "<" escapes to 5,600 characters: a cut inside "&lt;" made Telegram
    refuse the message, so staff could never open that question again (the generic apology)."""
    import re

    line = "<b>Q</b> " + "&lt;" * 1400 + " <i>end</i>"
    for shift in range(4):  # wherever the limit falls against the four letters of "&lt;"
        chunks = _split(["x" * shift + line])
        assert all(len(chunk) <= MAX_TEXT for chunk in chunks) and len(chunks) == 2
        assert "".join(chunks) == "x" * shift + line  # nothing lost, nothing added
        for chunk in chunks:
            assert not re.search(r"&(?!lt;)", chunk), chunk[-8:]  # every & begins a whole "&lt;"
            assert chunk.count("<") == chunk.count(">")  # no tag cut in two


def test_a_folded_question_cut_in_two_keeps_each_part_valid_html() -> None:
    """Questions longer than 600 characters are folded in <blockquote expandable>: a cut left the
    quote open in one part and a lone closing tag in the next, which Telegram refuses too."""
    import re
    from dataclasses import replace

    from bot.i18n import translator
    from bot.render import render
    from dialogs import tickets as tk

    question = "<" * 1500
    for screen in (tk.preview_screen(1, question, {}, "en", 0),):
        for text, _markup in render(replace(screen, actions=()), translator("en")):  # the text is the test
            assert len(text) <= MAX_TEXT
            opened = re.findall(r"<(blockquote|b|i)[ >]", text)
            assert sorted(opened) == sorted(re.findall(r"</(blockquote|b|i)>", text)), (text[:60], text[-60:])
