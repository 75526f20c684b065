"""Questions typed inside the application form, and /start while it is open or once it was sent.

A step that takes almost any text (the name, the company, the address) would store a question as its
value; instead a question is answered (dialogs/faq.interrupts: a question mark, or a question word and
a topic the FAQ is sure of) and the step waits. Typed again right after its answer, it is the value:
nobody is kept from a company whose name reads like a question."""

from __future__ import annotations

import json
from datetime import datetime

from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from emulator import BotAPIEmulator, FakeUser
from tests.conftest import BotRunner
from tests.e2e import FORM, answer, applicant_who_submitted, consented, texts

BACK = "« Back to where I was"


async def mydata_draft(user: FakeUser) -> dict[str, object]:
    """The draft's fields as /mydata exports them: the personal details and the job offer."""
    await user.say("/mydata")
    [draft] = json.loads(user.documents[-1].content)["applications"]
    return {**draft["personal_details"], **draft["job_offer"]}


async def test_a_question_at_a_free_text_step_is_answered_not_stored(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(991)
    await consented(user)
    asked = await user.say("can I bring my wife?")
    assert "Family: spouse and children" in texts(asked) and BACK in asked[-1].button_texts
    back = await user.tap(BACK)
    assert "step 1 of" in texts(back) and "Your full name exactly as in your passport" in texts(back)
    # No question mark: a question word and a topic the FAQ is sure of.
    fee = await user.say("HOW MUCH IS THE VISA FEE")
    assert "Costs and fees" in texts(fee)
    assert "name" not in await mydata_draft(user)
    # A name is a name, even with a Vietnamese question word in it ("Bao").
    named = await user.say("Bao Ngoc Tran")
    assert "step 2 of" in texts(named)
    assert (await mydata_draft(user))["name"] == "BAO NGOC TRAN"
    await answer(user, *FORM[1:6])
    company = await user.say("сколько стоит виза")
    assert "Costs and fees" in texts(company)
    assert "employer" not in await mydata_draft(user)
    await user.tap(BACK)
    # The same words typed again, right after their answer: that is the company's name.
    again = await user.say("сколько стоит виза")
    assert "Costs and fees" not in texts(again)
    assert (await mydata_draft(user))["employer"] == "сколько стоит виза"


async def test_start_during_the_form_continues_the_form(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(992)
    await consented(user)
    await answer(user, FORM[0])
    resumed = await user.say("/start")
    assert "Welcome back" in texts(resumed) and "step 2 of" in texts(resumed)
    dated = await user.say("1995-04-23")  # typed text still fills the form
    assert "step 3 of" in texts(dated)
    assert (await mydata_draft(user))["birth_date"] == "1995-04-23"


async def test_an_answer_that_did_not_help_takes_its_question_to_staff(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(993)
    await user.say("/start")
    question = "can I bring my family to Korea?"
    answered = await user.say(question)
    assert "Family: spouse and children" in texts(answered)
    await user.tap("👎 No")
    draft = await user.tap("💬 Ask programme staff")
    # The question the person asked, shown as staff will see it; not "type your question first".
    assert question in texts(draft) and "Staff will also see" in texts(draft)


async def test_start_after_sending_shows_the_application_first(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    user = await applicant_who_submitted(emulator, 994)
    start = await user.say("/start")
    first = start[0].plain.removeprefix("Welcome back! Let's continue where you left off.").strip()
    assert first.startswith("Application GG-2026-000001: Sent for pre-check"), first
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SEOUL))  # after the close: it goes on, and comes first
    closed = await user.say("/start")
    assert closed[0].plain.startswith("Application GG-2026-000001: Sent for pre-check"), closed[0].plain
    # What the close means for them is in their status; not the check "as information only".
    assert "Applications closed on" in closed[0].plain and "See how I fit the rules" not in closed[-1].button_texts
