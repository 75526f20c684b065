"""The application form: consent, validated details, personal data sealed at rest, review and
edit, /mydata and /delete."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest

from bot.clock import SEOUL
from bot.config import Settings
from bot.emulator import BotAPIEmulator, FakeUser
from dialogs import application_form as af
from dialogs.questionnaire import Invalid
from tests.conftest import BotRunner
from tests.e2e import answer, button_for, nav

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
ELIGIBLE_IN_KOREA = ("web_developer", "master", "abroad", "yes", "yes", "D-10", "VN", "yes", "yes", "=40000000")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nguyen Van An", "NGUYEN VAN AN"),
        ("  o'brien-smith  ", "O'BRIEN-SMITH"),
        ("ALI\u200b VALIYEV", "ALI VALIYEV"),
        ("Jean\u202e Paul", "JEAN PAUL"),
    ],
)
def test_names_in_latin_letters(text: str, name: str) -> None:
    assert af.parse_name(text, NOW) == name


@pytest.mark.parametrize("text", ["Нгуен Ван", "王小明", "A", "<b>Bob</b>", "Bob1", "X" * 61, ""])
def test_names_refused(text: str) -> None:
    with pytest.raises(Invalid):
        af.parse_name(text, NOW)


def test_dates_phones_emails_arc_and_brn() -> None:
    assert af.parse_birth_date("1995-04-23", NOW) == "1995-04-23"
    assert af.parse_birth_date("23.04.1995", NOW) == "1995-04-23"
    assert af.parse_phone("010-1234-5678", NOW) == "+821012345678"
    assert af.parse_phone("+998 90 123 45 67", NOW) == "+998901234567"
    assert af.parse_email(" Name@Example.com ", NOW) == "Name@example.com"
    assert af.parse_arc("9504235123456", NOW) == "950423-5123456"
    assert af.parse_brn("1348672683", NOW) == "134-86-72683"
    assert af.parse_start_date("2027-01-05", NOW) == "2027-01-05"
    for parse, bad in [
        (af.parse_birth_date, "2020-01-01"),
        (af.parse_birth_date, "yesterday"),
        (af.parse_phone, "12345"),
        (af.parse_email, "not-an-email"),
        (af.parse_arc, "950423-1123456"),  # 1: a Korean citizen's number
        (af.parse_arc, "951323-5123456"),
        (af.parse_brn, "1348672684"),
        (af.parse_start_date, "2020-01-01"),
        (af.parse_start_date, "2031-01-01"),
    ]:
        with pytest.raises(Invalid):
            parse(bad, NOW)


async def eligible(user: FakeUser) -> None:
    await user.say("/start")
    await answer(user, *ELIGIBLE_IN_KOREA)
    await user.tap(nav(user, "result"))


async def test_consent_details_review_edit_sealed_mydata_delete(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(600)
    await eligible(user)
    consent = await user.tap(nav(user, "apply"))
    assert "Personal Information Protection Act" in consent[0].plain and "/delete" in consent[0].plain
    first = await user.tap(nav(user, "agree"))
    assert "step 1 of 10" in first[-1].plain
    bad = await user.say("Нгуен")
    assert "Latin letters" in bad[0].plain
    await answer(user, "=Nguyen Van An", "=1995-04-23", "=010-1234-5678", "=an@example.com")
    bad_arc = await user.say("12345")
    assert "13-digit number" in bad_arc[0].plain
    await answer(user, "=950423-5123456", "=Suwon-si, Paldal-gu 123", "=Hanbit Soft Co., Ltd.")
    bad_brn = await user.say("123-45-67890")
    assert "사업자등록번호" in bad_brn[0].plain
    await answer(user, "=134-86-72683")
    await user.tap(button_for(user, "suwon"))
    review = await user.say("2027-01-05")
    text = review[-1].plain
    assert "Your application (draft)" in text
    for fragment in [
        "NGUYEN VAN AN",
        "Alien registration number (외국인등록번호): 950423-5123456",
        "Business registration number (사업자등록번호): 134-86-72683",
        "Suwon (수원시)",
        "Vietnam",
    ]:
        assert fragment in text, fragment
    # Change one field from the review and come back to it.
    edit_phone = next(data for row in review[-1].buttons for label, data in row if label == "Change: Phone")
    await user.tap(edit_phone)
    back_to_review = await user.say("+998 90 123 45 67")
    assert "+998901234567" in back_to_review[-1].plain
    # Personal data is encrypted at rest: the raw database holds neither the ARC number nor the phone.
    db = sqlite3.connect(settings.database_url.split("///", 1)[1])
    dump = "\n".join(db.iterdump())
    assert "950423-5123456" not in dump and "+998901234567" not in dump and "NGUYEN" not in dump
    assert "134-86-72683" in dump  # business data is not personal: kept in clear for staff queries
    # /mydata: everything, decrypted, as a file.
    await user.say("/mydata")
    exported = json.loads(user.documents[-1].content)
    assert exported["applications"][0]["personal_details"]["arc_number"] == "950423-5123456"
    assert exported["eligibility_answers"]["occupation"] == "web_developer"
    # /delete with confirmation.
    confirm = await user.say("/delete")
    await user.tap("No, keep it", message=confirm[-1])
    assert db.execute("select count(*) from applications").fetchone()[0] == 1
    await user.tap("Yes, delete everything", message=confirm[-1])
    for table in ("users", "questionnaires", "applications", "status_changes", "outbox"):
        assert db.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
    await user.say("/mydata")
    assert json.loads(user.documents[-1].content)["applications"] == []


async def test_not_now_stores_nothing_and_not_eligible_cannot_apply(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(601)
    await eligible(user)
    await user.tap(nav(user, "apply"))
    declined = await user.tap(nav(user, "decline"))
    assert "Nothing personal has been stored" in declined[0].plain
    db = sqlite3.connect(settings.database_url.split("///", 1)[1])
    assert db.execute("select count(*) from applications").fetchone()[0] == 0
    # Typed text goes to the questionnaire again, not to a form.
    other = emulator.user(602)
    await other.say("/start")
    await answer(other, "network_developer", "none", "=2", "no", "VN", "no")
    refused = await other.say("/apply")
    assert "do not meet the rules yet" in refused[0].plain


async def test_form_buttons_are_checked_on_the_server(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(603)
    await eligible(user)
    stranger = emulator.user(604)
    await stranger.say("/start")
    for data in ["a:city:suwon", "n:agree::", "n:edit:form_review:arc_number", "n:back:name:"]:
        await stranger.click_data(data, message=stranger.messages[-1])
        await emulator.wait_processed()
    assert all("step" not in m.plain for m in stranger.messages)  # no form was opened for them
    await user.tap(nav(user, "apply"))
    await user.tap(nav(user, "agree"))
    before = len(user.messages)
    await user.click_data("a:city:suwon", message=user.messages[-1])  # not the current field
    await emulator.wait_processed()
    assert "earlier message" in user.messages[before].plain
