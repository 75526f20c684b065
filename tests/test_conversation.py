"""End to end: a person chats with the real bot (aiogram, SQLite file) through the Bot API emulator."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import select

from bot.callbacks import CALLBACK_VERSION, AnswerCB
from bot.clock import SEOUL, FixedClock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import Questionnaire
from bot.services.questionnaire import QuestionnaireService
from emulator import BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import (
    APOLOGY_EN,
    ELIGIBLE_IN_KOREA,
    ELIGIBLE_WEB_DEV,
    RAW_KEY,
    answer,
    button_for,
    keyboard_message,
    korean,
    nav,
    texts,
)


async def stored_answers(settings: Settings, user_id: int) -> dict[str, object]:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        row = (await session.execute(select(Questionnaire).where(Questionnaire.user_id == user_id))).scalar_one()
        answers = dict(row.answers)
    await engine.dispose()
    return answers


async def test_eligible_journey_with_reasons_sources_and_checklist(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(101, language_code="en")
    first = await user.say("/start")
    assert "Hello!" in first[0].plain and "37 days left" in texts(first)
    assert "Which job will you do in Korea?" in first[-1].plain
    assert "Web developer" in keyboard_message(user).button_texts
    summary = await answer(user, *ELIGIBLE_WEB_DEV)
    assert "Your answers" in summary[0].plain and "Uzbekistan" in summary[0].plain
    assert "₩35,000,000" in summary[0].plain
    result = await user.tap(nav(user, "result"))
    verdict, checklist, glance = result[0].plain, texts(result[1:-1]), result[-1].plain
    assert verdict.startswith("✅")
    assert "Gyeonggi's special rule for good Korean speakers (level 4)" in verdict
    assert (
        "Sources: Ministry of Justice guideline on the regional visa, p. 723; news reports (confirmed by several sources)"
        in verdict
    )
    assert not RAW_KEY.search(verdict), verdict  # "M1 p.723" is for whoever checks the data, not for people
    assert "web developers fall under the rule protecting Korean jobs" in verdict
    assert "not a decision" in verdict
    assert "Employment contract (고용계약서)" in checklist
    assert "Tuberculosis (TB) test certificate (결핵 진단서)" in checklist  # Uzbekistan is on the list
    assert "Employment-insurance roster (고용보험 가입자명부)" in checklist  # web developer: ratio rule
    assert "Care-worker certificate" not in checklist
    assert "gg24.gg.go.kr" in glance and "031-120" in glance


async def test_conditional_verdict_for_unconfirmed_robotics_relaxation(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(102)
    await user.say("/start")
    await answer(user, "robotics_engineer", "bachelor", "abroad", "yes", "=3", "yes", "none", "no", "VN", "no")
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert verdict.startswith("⚠️")
    assert "Gyeonggi accepts a bachelor's degree with 1 year of experience" in verdict
    assert "031-120" in verdict
    assert "You need a job offer" in verdict


async def test_not_eligible_shows_the_nearest_path_and_the_checklist_on_a_button(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(103)
    await user.say("/start")
    # The eligible web developer's answers, for telecommunications and one TOPIK level short.
    await answer(user, "telecom_engineer", *ELIGIBLE_WEB_DEV[1:7], "3", *ELIGIBLE_WEB_DEV[8:])
    result = await user.tap(nav(user, "result"))
    verdict = result[0].plain
    assert verdict.startswith("❌")
    assert "What would make you eligible" in verdict and "you have TOPIK level 3" in verdict
    # Abroad, KIIP is out of reach (program-facts.md §8): the advice names TOPIK only.
    assert "TOPIK level 4 (KIIP is open only to people registered in Korea)" in verdict
    assert "KIIP level 4" not in verdict.split("What would make you eligible")[1].split("\n\n")[0]
    assert not any("document checklist" in m.plain for m in result)
    # ... but the checklist is one button away: people prepare while they fix what is missing.
    checklist = texts(await user.tap(nav(user, "checklist")))
    assert "Your document checklist" in checklist
    assert "사증발급인정신청서" in checklist and "여권 사본 및 사진 1매" in checklist  # from abroad
    assert "통합신청서" not in checklist and "외국인등록증" not in checklist
    assert "From abroad, prove your Korean with TOPIK" in checklist
    assert "Your answers" in (await user.tap(nav(user, "summary")))[-1].plain  # the verdict's buttons still work


async def test_checklist_follows_the_route_in_korea(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    """D-10 changes status in Korea; E-9 cannot (M2 p.224) and is told to apply from abroad."""
    for uid, status, in_korea_route in ((110, "D-10", True), (111, "E-9", False)):
        user = emulator.user(uid)
        await user.say("/start")
        answers = list(ELIGIBLE_IN_KOREA)
        answers[answers.index("D-10")] = status
        await answer(user, *answers)
        result = texts(await user.tap(nav(user, "result")))
        change = ("통합신청서" in result, "외국인등록증" in result, "여권 원본 및 사진 1매" in result)
        abroad = ("사증발급인정신청서" in result, "여권 사본 및 사진 1매" in result)
        assert change == (in_korea_route,) * 3, status
        assert abroad == (not in_korea_route,) * 2, status
        assert "prove your Korean with TOPIK" not in result  # registered in Korea: KIIP is open
        # The employer's side is the web developer's only.
        assert "20 per cent" in result and "30 per cent" not in result
        assert "Some immigration officers also check" not in result


async def test_back_start_over_and_change_one_answer(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(104)
    await user.say("/start")
    await answer(user, "web_developer", "master")
    back = await user.tap(nav(user, "back"))
    assert "What is your highest degree?" in back[-1].plain
    await answer(user, "master", "abroad", "yes", "no", "CN", "no")
    summary = keyboard_message(user)
    assert "Your answers" in summary.plain
    changed = await user.tap(nav(user, "edit"))  # the first Change button: occupation
    assert "Change your answer" in changed[-1].plain
    after = await answer(user, "data_specialist")
    assert "Your answers" in after[-1].plain and "Data specialist" in after[-1].plain
    assert (await stored_answers(settings, 104))["degree"] == "master"  # the rest is kept
    restarted = await user.tap(nav(user, "restart"))
    assert "Which job will you do in Korea?" in restarted[-1].plain
    assert await stored_answers(settings, 104) == {}


async def test_restart_of_the_bot_mid_questionnaire_loses_nothing(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(105)
    await user.say("/start")
    await answer(user, "care_worker", "associate", "korea")
    await bot.restart()
    resumed = await user.say("/start")
    assert "Welcome back" in resumed[0].plain and "Have you graduated already?" in resumed[-1].plain
    await answer(user, "completed", "kiip", "3", "yes", "yes", "D-10", "NP", "yes", "yes", "=26000000")
    verdict = (await user.tap(nav(user, "result")))[0].plain
    assert verdict.startswith("✅") and "Care worker" in verdict


async def test_care_worker_sees_both_code_numberings_and_only_care_employer_rules(
    bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    for uid, language in ((112, "en"), (113, "ko")):
        user = emulator.user(uid, language_code=language)
        await user.say("/start")
        await answer(user, "care_worker", "associate", "korea", "completed", "kiip", "3", "yes", "yes", "D-10")
        await answer(user, "NP", "yes", "yes", "=26000000")
        result = await user.tap(nav(user, "result"))
        verdict, everything = result[0].plain, texts(result)
        assert verdict.startswith("✅") and "요양보호사" in verdict
        # The guideline's code, with the September 2026 manual's newer ones beside it and their pages.
        assert "42111" in verdict and "739" in verdict
        assert "42210" in verdict and "233" in verdict and "42110" in verdict and "278" in verdict
        assert verdict.index("42111") < verdict.index("42210")
        # The employer's side is the care worker's: no web developer's 20 % rule, no IT ratio.
        assert "웹 개발자" not in everything and "web developers" not in everything
        assert "Some immigration officers also check" not in everything
        if language == "en":
            assert "Designation as a long-term care institution" in everything
            assert "foreign care workers up to 30 per cent" in everything


async def test_typed_occupation_by_name_or_code_a_code_alone_never_decides(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(114)
    await user.say("/start")
    # 2352 is robotics now and electronics formerly: both are named, none is chosen.
    both = (await user.say("2352"))[0].plain
    assert "Robotics engineer (로봇공학 전문가)" in both and "Electronics engineer (전자공학 기술자)" in both
    assert "occupation" not in await stored_answers(settings, 114)
    # 42210 (the September 2026 list's number) names only the care worker, but is still a number alone.
    alone = (await user.say("42210"))[0].plain
    assert "Care worker (요양보호사)" in alone and "occupation" not in await stored_answers(settings, 114)
    # The name decides, whatever the code beside it.
    await user.say("요양보호사(42210 舊42111)")
    assert (await stored_answers(settings, 114))["occupation"] == "care_worker"


async def test_a_crash_mid_questionnaire_loses_nothing(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(110)
    await user.say("/start")
    await answer(user, "web_developer", "master")
    await bot.kill()
    await bot.start()
    # The old keyboard's next button still works after the crash.
    after = await answer(user, "abroad")
    assert "Is your major related to this job?" in after[-1].plain


async def test_an_old_button_says_what_happened_and_changes_nothing(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(106)
    await user.say("/start")
    first_question = keyboard_message(user)
    await answer(user, "web_developer", "master")
    stale = await user.tap(AnswerCB(q="occupation", v="care_worker").pack(), message=first_question)
    assert "That button is from an earlier message" in stale[0].plain
    assert "Where did you earn this degree?" in stale[-1].plain
    assert "earlier message" in (user.last_callback_answer or {}).get("text", "")
    assert (await stored_answers(settings, 106))["occupation"] == "web_developer"
    # A button of another version of the callback data (an older or newer deploy; unversioned: the
    # first deploys) is handled the same way, even the current question's own answer: nothing is stored.
    current = AnswerCB(q="degree_country", v="abroad").pack()
    assert current in [data for row in keyboard_message(user).buttons for _, data in row]
    _, _, fields = current.partition(AnswerCB.__separator__)
    for version in ("", CALLBACK_VERSION - 1, CALLBACK_VERSION + 1):
        before = len(user.messages)
        await user.click_data(f"a{version}:{fields}", message=keyboard_message(user))
        await emulator.wait_processed()
        assert "earlier message" in user.messages[before].plain
        assert "Where did you earn this degree?" in user.messages[-1].plain
    assert "degree_country" not in await stored_answers(settings, 106)


async def test_unknown_and_forged_callback_data(bot: BotRunner, emulator: BotAPIEmulator, settings: Settings) -> None:
    user = emulator.user(107)
    await user.say("/start")
    msg = keyboard_message(user)
    for data in [
        "v1:occ:2224",
        "a1:degree:doctorate",
        "a1:occupation",
        "n1:edit:summary:salary_krw",
        "l1:xx",
        "💥" * 16,
    ]:
        await user.click_data(data, message=msg)
        await emulator.wait_processed()
    assert all(APOLOGY_EN not in m.plain for m in user.messages)
    assert "Which job will you do in Korea?" in user.messages[-1].plain
    assert await stored_answers(settings, 107) == {}


async def test_free_text_is_validated_and_escaped(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(108)
    await user.say("/start")
    await answer(user, "web_developer", "bachelor", "abroad", "no")
    bad = await user.say("<b>three</b> & more")
    assert "Please type a number of years" in bad[0].plain
    assert "How many years" in bad[-1].plain
    await answer(user, "=2", "yes", "none", "no")
    bad_country = await user.say("<script>alert(1)</script>")
    assert "I could not find that country" in bad_country[0].plain
    assert all(APOLOGY_EN not in m.plain for m in user.messages)


async def test_other_content_and_unknown_commands(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    user = emulator.user(109)
    await user.say("/start")
    await user.send_sticker()
    await emulator.wait_processed()
    assert "I can only read text" in user.messages[-1].plain
    assert "Which job" in user.messages[-1].plain
    reply = await user.say("/frobnicate")
    assert "I don't know that command" in reply[0].plain
    help_ = await user.say("/help")
    assert "/language" in help_[0].plain
    about = await user.say("/about")
    assert "630" in about[0].plain


async def test_burst_of_concurrent_taps_applies_one_answer(
    emulator: BotAPIEmulator, settings: Settings, clock: FixedClock
) -> None:
    runner = BotRunner(settings, clock, emulator, handle_as_tasks=True)  # production mode: updates run concurrently
    await runner.start()
    try:
        user = emulator.user(120)
        await user.say("/start")
        await user.wait_messages(3)
        data = button_for(user, "web_developer")
        await asyncio.gather(*(user.click(data) for _ in range(6)))
        await user.wait_messages(3 + 6)  # one next question and five "earlier message" notices
        await asyncio.sleep(0.2)
        new = user.messages[3:]
        assert sum("What is your highest degree?" in m.plain for m in new) == 6
        assert sum("That button is from an earlier message" in m.plain for m in new) == 5
        answers = await stored_answers(settings, 120)
        assert answers == {"occupation": "web_developer"}
    finally:
        await runner.stop()


async def test_an_unexpected_error_gets_an_apology_not_a_traceback(
    bot: BotRunner, emulator: BotAPIEmulator, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    async def boom(self, user_id, key, value):  # type: ignore[no-untyped-def]
        raise RuntimeError("database on fire")

    monkeypatch.setattr(QuestionnaireService, "answer", boom)
    user = emulator.user(111)
    await user.say("/start")
    reply = await user.tap(button_for(user, "web_developer"))
    assert reply and APOLOGY_EN in reply[-1].plain
    assert not any("Traceback" in m.plain or "database on fire" in m.plain for m in user.messages)


async def test_after_the_window_closes_the_bot_says_so(
    bot: BotRunner, emulator: BotAPIEmulator, clock: FixedClock
) -> None:
    clock.set(datetime(2027, 1, 2, 9, 0, tzinfo=SEOUL))
    user = emulator.user(112)
    first = await user.say("/start")
    assert first[0].plain.startswith("🔒 Applications closed on December 31, 2026")  # at once, before any question
    assert "gg.go.kr" in first[0].plain and "031-120" in first[0].plain
    await user.tap("🔍 See how I fit the rules")
    await answer(user, "web_developer", "master", "abroad", "yes", "no", "CN", "yes", "yes", "=40000000")
    shown = await user.tap(nav(user, "result"))
    verdict = shown[0]
    assert verdict.plain.startswith("ℹ️ Information only: applications closed on December 31, 2026")
    assert "✅ You appear to be eligible" in verdict.plain  # how the profile fits, the window left out
    assert "Applications closed on" not in verdict.plain.split("Information only")[1]  # not an unmet condition
    assert not any("Start my application" in b for m in shown for b in m.button_texts)


async def test_language_switch_persists_and_commands_are_localised(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    assert emulator.get_commands(language_code="ko") and emulator.get_commands(language_code="en")
    assert emulator.get_commands()  # the default menu for languages we do not have
    user = emulator.user(113, language_code="en")
    await user.say("/start")
    picker = await user.say("/language")
    assert {"English", "한국어"} <= set(picker[-1].button_texts)
    switched = await user.tap("한국어")
    assert korean(switched[-1].plain)
    await bot.restart()
    again = await user.say("/start")
    assert korean(again[-1].plain)


async def test_telegram_language_code_picks_the_catalog(bot: BotRunner, emulator: BotAPIEmulator) -> None:
    person = emulator.user(114, language_code="ko")
    first = await person.say("/start")
    assert korean(first[0].plain)
    unknown = emulator.user(115, language_code="xx")
    assert "Hello!" in (await unknown.say("/start"))[0].plain


async def test_groups_are_told_once_and_edits_are_not_taken(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = emulator.user(130)
    for _ in range(3):
        await user.send_text("/start", chat_type="group", chat_id=-100777)
        await emulator.wait_processed()
    group = emulator.chat_messages(-100777)
    assert len(group) == 1 and "private chats only" in group[0].plain
    await user.say("/start")
    await answer(user, "web_developer", "bachelor", "abroad", "no", "=2")
    count = len(user.messages)
    await user.edit_text("5")
    await emulator.wait_processed()
    new = user.messages[count:]
    assert "edited message" in new[0].plain
    assert (await stored_answers(settings, 130))["experience_years"] == 2.0  # the edit changed nothing
