"""The application form: consent, validated details, personal data sealed at rest, review and
edit, /mydata and /delete."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest

from bot.callbacks import NavCB
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from dialogs import form_input as fi
from dialogs.typed_answers import Invalid
from emulator import BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import (
    DOCUMENTS,
    JPEG,
    PDF,
    answer,
    at_documents,
    button_for,
    callback_prefix,
    consented,
    eligible,
    filled_form,
    keyboard_message,
    nav,
    nav_arg,
    sqlite_db,
    texts,
    upload,
    upload_documents,
    write_sqlite,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nguyen Van An", "NGUYEN VAN AN"),
        ("  o'brien-smith  ", "O'BRIEN-SMITH"),
        ("ALI\u200b VALIYEV", "ALI VALIYEV"),
        ("Jean\u202e Paul", "JEAN PAUL"),
        # typed with the letters of the person's language: folded to the passport's plain capitals
        ("Nguyễn Văn An", "NGUYEN VAN AN"),
        ("Đặng Thị Hồng", "DANG THI HONG"),
        ("Oʻtkir Xoʻjayev", "O'TKIR XO'JAYEV"),
        ("O’Brien", "O'BRIEN"),
        ("Søren Ærø", "SOREN AERO"),
    ],
)
def test_names_in_latin_letters(text: str, name: str) -> None:
    assert fi.parse_name(text, NOW) == name


@pytest.mark.parametrize("text", ["Нгуен Ван", "王小明", "A", "<b>Bob</b>", "Bob1", "X" * 61, ""])
def test_names_refused(text: str) -> None:
    with pytest.raises(Invalid):
        fi.parse_name(text, NOW)


def test_dates_phones_emails_arc_and_brn() -> None:
    assert fi.parse_birth_date("1995-04-23", NOW) == "1995-04-23"
    assert fi.parse_birth_date("23.04.1995", NOW) == "1995-04-23"
    assert fi.parse_phone("010-1234-5678", NOW) == "+821012345678"
    assert fi.parse_phone("+998 90 123 45 67", NOW) == "+998901234567"
    assert fi.parse_phone("00998 90 123 45 67", NOW) == "+998901234567"  # 00 for +
    assert fi.parse_phone("0082 10-1234-5678", NOW) == "+821012345678"
    assert fi.parse_phone("02-123-4567", NOW) == "+8221234567"
    assert fi.parse_arc("950423–5123456", NOW) == "950423-5123456"  # an en dash, as phones type it
    assert fi.parse_email(" Name@Example.com ", NOW) == "Name@example.com"
    assert fi.parse_email("name @ gmail.com.", NOW) == "name@gmail.com"  # spaces around @, a full stop after
    assert fi.parse_name("DELA CRUZ, JUAN", NOW) == "DELA CRUZ JUAN"  # surname, comma, given names
    assert fi.parse_arc("9504235123456", NOW) == "950423-5123456"
    assert fi.parse_brn("1348672683", NOW) == "134-86-72683"
    assert fi.parse_start_date("2027-01-05", NOW) == "2027-01-05"
    for parse, bad in [
        (fi.parse_birth_date, "2020-01-01"),
        (fi.parse_birth_date, "yesterday"),
        (fi.parse_phone, "12345"),
        # An Indonesian mobile without +62: the carrier prefix 081 was dropped, leaving Seoul's 02-3456-7890.
        (fi.parse_phone, "0812-3456-7890"),
        (fi.parse_phone, "0821-1234-5678"),
        (fi.parse_email, "not-an-email"),
        (fi.parse_arc, "950423-1123456"),  # 1: a Korean citizen's number
        (fi.parse_arc, "951323-5123456"),
        (fi.parse_brn, "1348672684"),
        (fi.parse_start_date, "2020-01-01"),
        (fi.parse_start_date, "2031-01-01"),
    ]:
        with pytest.raises(Invalid):
            parse(bad, NOW)


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
        "Phone (전화번호): 010-1234-5678",  # stored as +821012345678, shown as people write it
    ]:
        assert fragment in text, fragment
    # Change one field from the review and come back to it.
    edit_phone = next(data for row in review[-1].buttons for label, data in row if label == "✏️ Phone")
    await user.tap(edit_phone)
    back_to_review = await user.say("+998 90 123 45 67")
    assert "+998 90 123 45 67" in back_to_review[-1].plain
    # Personal data is encrypted at rest: the raw database holds neither the ARC number nor the phone.
    db = sqlite_db(settings)
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
    # The "Yes" beside the "No" is disarmed: only a new /delete's screen can erase.
    late = await user.tap("Yes, delete everything", message=confirm[-1])
    assert "nothing was deleted" in late[-1].plain
    assert db.execute("select count(*) from applications").fetchone()[0] == 1
    confirm = await user.say("/delete")
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
    db = sqlite_db(settings)
    assert db.execute("select count(*) from applications").fetchone()[0] == 0
    # Typed text goes to the questionnaire again, not to a form.
    other = emulator.user(602)
    await other.say("/start")
    await answer(other, "network_developer", "none", "=2", "no", "VN", "no")
    refused = await other.say("/apply")
    assert "do not meet the rules yet" in refused[0].plain


async def test_an_old_consent_button_after_the_answers_turned_ineligible_starts_nothing(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(603)
    await eligible(user)
    await user.tap(nav(user, "apply"))
    consent, agree = keyboard_message(user), nav(user, "agree")
    await user.say("/restart")
    await answer(user, "network_developer", "none", "=2", "no", "VN", "no")
    refused = await user.tap(agree, message=consent)
    assert "do not meet the rules yet" in refused[-1].plain
    assert sqlite_db(settings).execute("select count(*) from applications").fetchone()[0] == 0


async def test_form_buttons_are_checked_on_the_server(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(603)
    await eligible(user)
    stranger = emulator.user(604)
    await stranger.say("/start")
    for data in ["a1:city:suwon", "n1:agree::", "n1:edit:form_review:arc_number", "n1:back:name:"]:
        await stranger.click_data(data, message=stranger.messages[-1])
        await emulator.wait_processed()
    assert all("step" not in m.plain for m in stranger.messages)  # no form was opened for them
    await user.tap(nav(user, "apply"))
    await user.tap(nav(user, "agree"))
    before = len(user.messages)
    await user.click_data("a1:city:suwon", message=user.messages[-1])  # not the current field
    await emulator.wait_processed()
    assert "earlier message" in user.messages[before].plain


async def test_documents_upload_replace_remove_then_submit(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    user = emulator.user(610)
    await filled_form(user)
    docs = await user.tap(nav(user, "docs"))
    assert "0 of 3 documents" in docs[-1].plain
    assert "Copy of your passport" in docs[-1].plain and "Employment contract (고용계약서)" in docs[-1].plain
    first = await upload(user, emulator, PDF, "passport.pdf", "application/pdf")
    assert "First tap the document" in first[0].plain
    await user.tap(nav_arg(user, "doc", "passport_copy"))
    too_big = await upload(user, emulator, b"x" * (20 * 1024 * 1024 + 1), "big.pdf", "application/pdf")
    assert "larger than 20 MB" in too_big[0].plain
    wrong = await upload(user, emulator, b"hello", "notes.txt", "text/plain")
    assert "PDF or a photo" in wrong[0].plain
    empty = await upload(user, emulator, b"", "empty.pdf", "application/pdf")
    assert "empty" in empty[0].plain
    # Telegram refuses the download (e.g. a file bigger than it lets bots fetch): said, nothing stored.
    emulator.fail_next("getFile", 400, "Bad Request: file is too big")
    refused_download = await upload(user, emulator, PDF, "passport.pdf", "application/pdf")
    assert "larger than 20 MB" in refused_download[0].plain and "0 of 3 documents" in refused_download[-1].plain
    saved = await upload(user, emulator, PDF, "passport.pdf", "application/pdf")
    assert "Saved" in saved[0].plain and "1 of 3 documents" in saved[-1].plain
    # A photo (not a file) is taken too, for the next item.
    await user.tap(nav_arg(user, "doc", "degree_certificate"))
    before = len(user.messages)
    await user.send_photo(JPEG)
    await emulator.wait_processed()
    assert "2 of 3 documents" in user.messages[-1].plain, user.messages[before:]
    assert "🗑 Remove" not in user.messages[-1].button_texts  # removing starts from the document itself
    prompt = await user.tap(nav_arg(user, "doc", "degree_certificate"))
    assert prompt[-1].button_texts.count("🗑 Remove") == 1  # that document's, beside it
    await user.tap(nav_arg(user, "rmdoc", "degree_certificate"))
    files = list(Path(settings.files_dir).rglob("*.bin")) if Path(settings.files_dir).exists() else []
    assert len(files) == 1
    # Replace, then remove.
    await user.tap(nav_arg(user, "doc", "passport_copy"))
    await upload(user, emulator, PDF + b"% v2\n", "passport2.pdf", "application/pdf")
    assert len(list(Path(settings.files_dir).rglob("*.bin"))) == 1
    await user.tap(nav_arg(user, "doc", "passport_copy"))
    removed = await user.tap(nav_arg(user, "rmdoc", "passport_copy"))
    assert "0 of 3 documents" in removed[-1].plain
    # Submitting with documents missing is refused, naming them.
    refused = await user.tap(nav(user, "submit"))
    assert "documents are missing" in refused[0].plain and "Copy of your passport" in refused[0].plain
    await upload_documents(user, emulator, DOCUMENTS[::-1])  # uploaded last to first
    assert "3 of 3 documents" in user.messages[-1].plain
    count = len(user.messages)
    answered = await user.tap(nav(user, "submit"))
    # On a phone the pack's heading comes first, the summary file after the screens.
    assert answered[0].plain.startswith("🗂 Your filing pack for gg24")
    assert answered[-1].document is not None and answered[-1].document.file_name == "GG-2026-000001.html"
    summary = user.documents[-1]
    assert summary.file_name == "GG-2026-000001.html"
    html = summary.content.decode()
    assert "Date of birth" in html and "생년월일" in html and "134-86-72683" in html and "고용계약서" in html
    assert "This summary is not the application" in html
    assert html.index("여권 사본") < html.index("학위증명서") < html.index("고용계약서")  # the checklist's order
    # The filing pack: the steps, every value on a copy button, the documents in order.
    pack = [
        m for m in user.messages[count:] if m.inline_keyboard or "filing pack" in m.plain or "in this order" in m.plain
    ]
    assert any("Your filing pack for gg24 (application GG-2026-000001)" in m.plain for m in pack)
    copies = {
        b["text"]: b["copy_text"]["text"] for m in pack for row in m.inline_keyboard for b in row if "copy_text" in b
    }
    assert copies["📋 Business no."] == "134-86-72683" and copies["📋 Name"] == "NGUYEN VAN AN"
    assert copies["📋 Phone"].startswith("010-")  # as a Korean form takes it
    assert any("1. ✅" in m.plain and "in this order" in m.plain for m in pack)
    for _ in range(100):  # the "sent for a pre-check" notification comes through the outbox sender
        if any("GG-2026-000001" in m.plain and "pre-check" in m.plain for m in user.messages[count:]):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("no submitted notification")
    db = sqlite_db(settings)
    assert db.execute("select status, reference from applications").fetchone() == ("submitted", "GG-2026-000001")
    # /delete removes the files as well as the rows.
    confirm = await user.say("/delete")
    await user.tap("Yes, delete everything", message=confirm[-1])
    assert db.execute("select count(*) from documents").fetchone()[0] == 0
    assert list(Path(settings.files_dir).rglob("*.bin")) == []


async def test_submission_refused_when_closed_or_quota_exhausted(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    user = await at_documents(emulator, 611)
    await write_sqlite(settings, "update counters set value = 630 where name = 'recommendations'")  # used up
    quota = await user.tap(nav(user, "submit"))
    assert "All 630 recommendations have been issued" in quota[0].plain
    await write_sqlite(settings, "update counters set value = 0 where name = 'recommendations'")
    clock.set(datetime(2027, 1, 1, 0, 0, 1, tzinfo=SEOUL))
    closed = await user.tap(nav(user, "submit"))
    assert "Applications closed on December 31, 2026" in closed[0].plain
    assert "will be erased on January 30, 2027" in closed[0].plain  # the draft's retention, said at once


async def test_reminders_idle_draft_and_window_closing_each_once(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot.crypto import FileCipher, Vault, load_key
    from bot.db.engine import make_engine, make_sessionmaker
    from bot.services.application_documents import FormService
    from bot.services.reminders import run_reminders
    from bot.services.uploads import FileStore

    user = emulator.user(612)
    await consented(user)  # a draft with consent, untouched from now on
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    key = load_key(settings)

    async def check() -> int:
        async with sessions() as session:
            forms = FormService(session, clock, Vault(key), FileStore(settings.files_dir, FileCipher(key)))
            return await run_reminders(session, clock, forms)

    assert await check() == 0  # fresh draft, window far away (37 days)
    clock.advance(timedelta(days=3, minutes=1))
    assert await check() == 1 and await check() == 0  # idle reminder, once
    clock.set(datetime(2026, 12, 25, 9, 0, tzinfo=SEOUL))  # 6 days left: the 7-day reminder
    assert await check() == 1
    db = sqlite_db(settings)
    keys = [k for (k,) in db.execute("select dedup_key from outbox order by id")]
    assert any(k.startswith("remind:close7:") for k in keys)
    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=SEOUL))
    await check()
    await check()
    keys = [k for (k,) in db.execute("select dedup_key from outbox order by id")]
    assert sum(k.startswith("remind:close1:") for k in keys) == 1
    assert sum(k.startswith("remind:close7:") for k in keys) == 1
    said = dict(db.execute("select substr(dedup_key, 1, 13), text from outbox where dedup_key like 'remind:close%'"))
    assert "finish it with /apply" in said["remind:close7"]  # a week left: time for the pre-check
    assert "file it yourself on gg24 now" in said["remind:close1"] and "/apply" not in said["remind:close1"]
    clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=SEOUL))
    assert await check() == 0  # closed: nothing more
    # A draft idle for weeks when the last 7 days begin: one reminder, the closing one, not two at once.
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL))
    other = emulator.user(613)
    await consented(other)
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SEOUL))
    assert await check() == 1
    theirs = [k for (k,) in db.execute("select dedup_key from outbox order by id") if k.split(":")[2] == "2"]
    assert [k.split(":")[1] for k in theirs] == ["close7"]
    await engine.dispose()


async def test_no_job_offer_yet_draft_saved_without_employer_and_filing_waits(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """ "Not yet": the draft is started and saved without the employer's details; the bot says a
    Gyeonggi employer is needed before filing, and the submission waits for one."""
    user = emulator.user(620)
    await user.say("/start")
    await answer(user, "web_developer", "master", "abroad", "yes", "yes", "D-10", "VN", "no")
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert verdict.startswith("⚠️")
    await user.tap(nav(user, "apply"))
    first = await user.tap(nav(user, "agree"))
    assert "step 1 of 6" in first[-1].plain  # no employer, business number, city or start date asked
    review = await answer(user, "=Nguyen Van An", "=1995-04-23", "=010-1234-5678", "=an@example.com")
    review = await answer(user, "=950423-5123456", "=Suwon-si, Paldal-gu 123")
    text = review[-1].plain
    assert "Your application (draft)" in text and "Your draft is saved" in text
    assert "Employer: not yet" in text and "employer in Gyeonggi is needed before you can file" in text
    await user.tap(nav(user, "docs"))
    await upload_documents(user, emulator)
    refused = await user.tap(nav(user, "submit"))
    assert "employer in Gyeonggi is needed before you can file" in texts(refused)
    db = sqlite_db(settings)
    assert db.execute("select count(*) from applications where status = 'draft'").fetchone()[0] == 1


def test_upload_buttons_name_their_document_and_fit_a_phone() -> None:
    """ "📤 Passport" / "✅ Passport" (+ "🗑 Remove" on its own prompt) on one row, in every language: the
    document's short name, never a number to look up (a phone's two-button row holds about 20 characters each)."""
    from bot.i18n import available_locales, translator
    from dialogs.uploads import documents_screen
    from knowledge.loader import load

    docs = tuple(d for d in load().documents if d.short)
    assert {d.id for d in docs} >= {"passport_copy", "degree_certificate", "employment_contract"}
    for locale in available_locales():
        tr = translator(locale)
        everything = {d.id: "x.pdf" for d in docs}
        for uploaded, awaiting in (({}, None), (everything, None), *((everything, d.id) for d in docs)):
            screen = documents_screen(docs, uploaded, awaiting)
            labels = [
                tr.render(a.label, html_mode=False) for a in screen.actions if a.name.startswith(("doc:", "rmdoc:"))
            ]
            assert len(labels) == len(docs) + (awaiting is not None)  # 🗑 beside the document being replaced
            assert all(len(label) <= 22 for label in labels), (locale, [x for x in labels if len(x) > 22])
            assert not any(ch.isdigit() for label in labels for ch in label), (locale, labels)


async def test_starting_the_check_over_while_preparing_asks_first_and_no_keeps_everything(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """/restart (or the result's "Start over") in the middle of the form would clear the answers the
    draft rests on: asked first; "No" is back at the field with nothing changed, "Yes" restarts and
    keeps the draft."""
    user = emulator.user(605)
    await consented(user)
    db = sqlite_db(settings)

    def answers() -> str:
        return db.execute("select answers from questionnaires where user_id = 605").fetchone()[0]

    before = answers()
    asked = await user.say("/restart")
    assert "Start the check over?" in asked[-1].plain and "documents are kept" in asked[-1].plain
    assert asked[-1].button_texts == ["Yes, start over", "No, keep my answers"]
    assert answers() == before
    kept = await user.tap("No, keep my answers")
    assert "Your full name exactly as in your passport" in kept[-1].plain
    await user.say("Nguyen Van An")  # typed text still fills the form
    assert "date of birth" in keyboard_message(user).plain.lower()
    assert answers() == before
    await user.say("/restart")
    restarted = await user.tap("Yes, start over")
    assert "Starting over." in texts(restarted) and "Which job will you do in Korea?" in restarted[-1].plain
    assert db.execute("select count(*) from applications where user_id = 605").fetchone()[0] == 1  # kept
    status = texts(await user.say("/status"))  # not "1 of 4 details": the check decides what it needs
    assert "Please finish the eligibility check first" in status and " of " not in status
    await user.say("/start")
    await answer(user, "web_developer")  # typed and tapped answers go to the questionnaire again
    assert "Question 2" in keyboard_message(user).plain


async def test_no_to_starting_over_from_the_result_shows_the_result_again(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Asked from the result's "Start over", "No, keep my answers" goes back to the result it was asked
    from (it jumped to the form's step in progress, a screen the person had not tapped on)."""
    user = emulator.user(608)
    await eligible(user)
    result = keyboard_message(user)
    start_over = nav(user, "restart")
    await user.tap(nav(user, "apply"))
    await user.tap(nav(user, "agree"))
    asked = await user.tap(start_over, message=result)
    assert "Start the check over?" in asked[-1].plain
    kept = await user.tap("No, keep my answers")
    assert len(kept) == 1 and result.plain.split("\n")[0] in kept[0].plain, texts(kept)
    assert "Application: step" not in kept[0].plain
    assert sqlite_db(settings).execute("select count(*) from applications").fetchone()[0] == 1


async def test_starting_over_without_a_draft_asks_nothing(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(606)
    await eligible(user)
    shown = await user.tap(nav(user, "restart"))  # the result's "Start over"
    assert "Starting over." in texts(shown) and "Which job will you do in Korea?" in shown[-1].plain


async def test_an_old_form_button_after_delete_shows_where_the_person_is(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """After /delete nothing of the draft is left: an old form or Submit button says so and shows the
    check's first step, not a sentence with nothing after it."""
    user = emulator.user(607)
    await filled_form(user)
    review = keyboard_message(user)
    await user.tap(nav(user, "docs"))
    documents = keyboard_message(user)
    confirm = await user.say("/delete")
    await user.tap("Yes, delete everything", message=confirm[-1])
    submit = next(
        d for row in documents.buttons for _, d in row if d and d.startswith(callback_prefix(NavCB, "submit"))
    )
    for old, data in ((review, review.buttons[0][0][1]), (documents, submit)):
        shown = await user.tap(data, message=old)
        assert "That button is from an earlier message" in shown[-1].plain
        assert shown[-1].buttons, shown[-1].plain  # a step to continue from
    assert sqlite_db(settings).execute("select count(*) from applications").fetchone()[0] == 0


async def test_a_submit_after_starting_the_check_over_waits_for_the_check(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    """Started over after the documents, the check unfinished: the documents screen's earlier Submit
    sends nothing (it sent an application without the salary answer, and staff saw no verdict)."""
    user = await at_documents(emulator, 614)
    await upload_documents(user, emulator)
    documents = keyboard_message(user)
    await user.say("/restart")
    await user.tap(nav(user, "restart_sure"))
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes")  # no salary yet
    submit = next(
        d for row in documents.buttons for _, d in row if d and d.startswith(callback_prefix(NavCB, "submit"))
    )
    refused = await user.tap(submit, message=documents)
    assert "Please finish the eligibility check first" in texts(refused)
    assert sqlite_db(settings).execute("select status from applications").fetchall() == [("draft",)]


async def test_reminders_stop_when_every_recommendation_is_issued(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    """ "Finish it with /apply" would lead to a refusal: no reminder once the quota is used up."""
    from tests.test_window_close import periodic

    await consented(emulator.user(615))
    await write_sqlite(settings, "update counters set value = 630 where name = 'recommendations'")
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SEOUL))  # the 7-day reminder would be due
    assert await periodic(bot, settings, clock) == 0
