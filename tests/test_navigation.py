"""The person's place (issue 18): /help, /language and /status show the step the person was on
again with its buttons; every step of the application has Back; typed text on the documents
screen keeps the documents screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.callbacks import NavCB
from bot.config import Settings
from dialogs import application_form as af
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from tests.conftest import BotRunner
from tests.e2e import (
    DOCUMENTS,
    PDF,
    answer,
    at_documents,
    button_for,
    callback_prefix,
    consented,
    eligible,
    forge,
    keyboard_message,
    korean,
    nav,
    nav_arg,
    press,
    snapshot,
    sqlite_db,
    texts,
    upload,
)


def keys(message: FakeMessage) -> list[str]:
    """A keyboard's callback data (language-independent), the one-time Submit token left out."""
    submit = callback_prefix(NavCB, "submit")
    return [submit if d.startswith(submit) else d for row in message.buttons for _, d in row if d]


async def at_question(emulator: BotAPIEmulator, user_id: int) -> FakeUser:
    user = emulator.user(user_id)
    await user.say("/start")
    await answer(user, "web_developer")  # now at the degree question
    return user


async def at_field(emulator: BotAPIEmulator, user_id: int) -> FakeUser:
    user = emulator.user(user_id)
    await consented(user)
    await answer(user, "=Nguyen Van An")  # now at the date of birth
    return user


async def at_upload_prompt(emulator: BotAPIEmulator, user_id: int) -> FakeUser:
    return await at_documents(emulator, user_id, "passport_copy")


async def next_question(user: FakeUser, emulator: BotAPIEmulator) -> list[FakeMessage]:
    return await user.tap(button_for(user, "master"))


async def next_field(user: FakeUser, emulator: BotAPIEmulator) -> list[FakeMessage]:
    return await user.say("1995-04-23")


async def send_passport(user: FakeUser, emulator: BotAPIEmulator) -> list[FakeMessage]:
    return await upload(user, emulator, PDF, "passport.pdf", "application/pdf")


Place = Callable[[BotAPIEmulator, int], Awaitable[FakeUser]]
Step = Callable[[FakeUser, BotAPIEmulator], Awaitable[list[FakeMessage]]]

# Where the person is; what the screen says; the one tap (or text, or file) that continues; what comes next.
PLACES: dict[str, tuple[Place, str, Step, str]] = {
    "question": (at_question, "What is your highest degree?", next_question, "Question 3"),
    "field": (at_field, "Your date of birth", next_field, "Your phone number"),
    "documents": (at_upload_prompt, "Send the file for", send_passport, "1 of 3 documents"),
}


@pytest.mark.parametrize("where", list(PLACES))
async def test_help_status_and_language_show_the_step_again(
    bot: BotRunner, emulator: BotAPIEmulator, where: str
) -> None:
    place, marker, step, after = PLACES[where]
    user = await place(emulator, 700 + list(PLACES).index(where))
    screen = user.messages[-1]
    assert marker in screen.plain and screen.buttons
    helped = await user.say("/help")
    assert "/language" in helped[0].plain  # the help first
    assert helped[-1].plain == screen.plain and keys(helped[-1]) == keys(screen)  # then the step, as it was
    status = await user.say("/status")
    assert len(status) >= 2 and status[-1].plain == screen.plain and keys(status[-1]) == keys(screen)
    await user.say("/language")
    switched = await user.tap("한국어")
    assert korean(switched[-1].plain) and marker not in switched[-1].plain  # the same step, in Korean
    assert keys(switched[-1]) == keys(screen)
    continued = await step(user, emulator)  # one tap (or the answer) goes on from there, in Korean
    assert not any("earlier message" in m.plain for m in continued)
    await user.say("/language")
    await user.tap("English")
    assert after in texts(user.messages[-1:])


async def test_back_walks_from_the_upload_prompt_to_the_verdict(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = await at_upload_prompt(emulator, 710)
    for kind in DOCUMENTS:  # each upload prompt's Back: the same screen, no file awaited
        if kind != DOCUMENTS[0]:
            await user.tap(nav_arg(user, "doc", kind))
        assert "Send the file for" in user.messages[-1].plain
        documents = await user.tap(nav(user, "docs"))
        assert "Send the file for" not in documents[-1].plain and "0 of 3 documents" in documents[-1].plain
    review = await user.tap(nav(user, "review"))  # the documents screen's Back
    assert "Your application (draft)" in review[-1].plain
    fields = [f.key for f in af.FIELDS]  # all apply to this person (in Korea, with a job offer)
    for key in reversed(fields):  # the review's Back, then each field's
        shown = await user.tap(nav(user, "back"))
        assert nav(user, "back") == NavCB(act="back", at=key, arg="").pack(), key
        assert str(af.BY_KEY[key].prompt.msgid).split("</b>")[0] in (shown[-1].text or ""), key
        if key == "city":  # an option field: its options and Back on one keyboard
            assert button_for(user, "suwon")
    verdict = await user.tap(nav(user, "back"))  # before the first field: the verdict the form came from
    assert "📝 Start my application" in verdict[-1].button_texts
    db = sqlite_db(settings)
    assert db.execute("select mode from users where id = 710").fetchone() == ("check",)
    reopened = await user.tap(nav(user, "apply"))
    assert "Your application (draft)" in reopened[-1].plain  # nothing was lost on the way
    # A field reopened by "Change" from the review goes back to the review.
    await press(user, "✏️ Phone")
    assert "Your application (draft)" in (await user.tap(nav(user, "back")))[-1].plain


async def test_back_from_the_consent_and_while_filling_in(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(711)
    await eligible(user)
    await user.tap(nav(user, "apply"))
    verdict = await user.tap(nav(user, "back"))  # the consent's Back
    assert "📝 Start my application" in verdict[-1].button_texts
    await user.tap(nav(user, "apply"))
    first = await user.tap(nav(user, "agree"))
    assert "step 1 of 10" in first[-1].plain and nav(user, "back")  # Back on the first field too
    await answer(user, "=Nguyen Van An", "=1995-04-23")
    await user.tap(nav(user, "back"))
    twice = await user.tap(nav(user, "back"))  # two fields back, not back and forth
    assert "Your full name" in twice[-1].plain and "NGUYEN VAN AN" in twice[-1].plain
    onwards = await user.say("Nguyen Van Binh")
    assert "Your phone number" in onwards[-1].plain  # the next field not given yet


async def test_typed_text_on_the_documents_screen_keeps_it(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = await at_upload_prompt(emulator, 712)
    screen = user.messages[-1]
    typed = await user.say("here it is")
    assert "Please send a PDF or a photo" in typed[0].plain
    assert "Send the file for" in typed[-1].plain and keys(typed[-1]) == keys(screen)
    asked = await user.say("can I bring my family to Korea?")  # a question: the FAQ answers it
    assert "Family: spouse and children" in texts(asked)
    back = await press(user, "« Back to where I was")  # and the documents screen is one tap away
    assert "Send the file for" in back[-1].plain and keys(back[-1]) == keys(screen)
    saved = await send_passport(user, emulator)  # still awaited
    assert "Saved" in saved[0].plain and "1 of 3 documents" in saved[-1].plain
    typed = await user.say("done")  # no file awaited: the buttons are the way on
    assert "Please use the buttons below." in typed[0].plain and "1 of 3 documents" in typed[-1].plain


async def test_a_button_of_an_older_version_shows_the_documents_screen(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = await at_upload_prompt(emulator, 713)
    screen = user.messages[-1]
    await user.click_data("zz9:old:button", message=screen)
    await emulator.wait_processed()
    shown = user.messages[-1]
    assert "earlier message" in shown.plain and "Send the file for" in shown.plain and keys(shown) == keys(screen)


async def test_a_sticker_on_the_documents_screen_keeps_it(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = await at_upload_prompt(emulator, 714)
    screen = user.messages[-1]
    before = len(user.messages)
    await user.send_sticker()
    await emulator.wait_processed()
    shown = user.messages[before:]
    assert "I can only read text and button taps here." in shown[0].plain
    assert "Send the file for" in shown[-1].plain and keys(shown[-1]) == keys(screen)


async def test_apply_on_the_documents_screen_shows_it_again(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = await at_upload_prompt(emulator, 715)
    screen = user.messages[-1]
    again = await user.say("/apply")
    assert "Send the file for" in again[-1].plain and keys(again[-1]) == keys(screen)


async def test_a_button_no_desk_knows_answers_on_the_screen_it_was_on(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Routing by the button's screen (bot/handlers/applicant._desk_answer): an unknown action on a
    form field is answered by the form, on a question by the questionnaire; each says the button is
    from an earlier message and changes nothing."""

    def state() -> tuple[object, ...]:
        db = sqlite_db(settings)
        person = db.execute("select * from users where id = 711").fetchall()
        answers = db.execute("select * from questionnaires where user_id = 711").fetchall()
        return snapshot(settings), person, answers

    user = emulator.user(711)
    await consented(user)
    field = keyboard_message(user)
    assert "Your full name exactly as in your passport" in field.plain
    before = state()
    shown = await forge(user, NavCB(act="retired", at="name", arg="").pack(), field)
    assert "earlier message" in texts(shown) and "Your full name exactly as in your passport" in shown[-1].plain
    assert state() == before
    await user.say("/restart")  # a draft is being prepared: asked first
    await user.tap(nav(user, "restart_sure"))
    question = keyboard_message(user)
    before = state()
    shown = await forge(user, NavCB(act="retired", at="occupation", arg="").pack(), question)
    assert "earlier message" in texts(shown) and "Which job will you do in Korea?" in shown[-1].plain
    assert state() == before
    # The form's own Back on the consent screen is the form's, whatever the questionnaire holds.
    await eligible(user, "/restart")
    await user.tap(nav(user, "apply"))
    verdict = await user.tap(nav(user, "back"))
    assert "📝 Start my application" in verdict[-1].button_texts
