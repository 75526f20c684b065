"""The questionnaire as pure functions: adaptive order, Back, edit, parsers (salaries and countries:
tests/test_typed_answers.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import SEOUL
from dialogs import flow
from dialogs import questionnaire as q
from dialogs import typed_answers as ta

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


def play(*steps: str, conv: q.Conversation | None = None) -> q.Conversation:
    """Answers in order: plain values are button answers; '=text' is typed text."""
    conv = conv or q.Conversation()
    for step in steps:
        question = q.current_question(conv, NOW)
        assert question is not None, f"questionnaire ended before {step!r}"
        if step.startswith("="):
            conv = q.answer_text(conv, step[1:], NOW)
        else:
            conv = q.answer_option(conv, question.key, step, NOW)
    return conv


def asked(conv: q.Conversation) -> list[str]:
    return [question.key for question in q.answered_questions(conv, NOW)]


def test_related_master_skips_experience_and_korean() -> None:
    conv = play("web_developer", "master", "abroad", "yes", "no", "CN", "no")
    assert flow.position(conv, NOW) == "summary"
    assert "experience_years" not in asked(conv) and "korean_test" not in asked(conv)


def test_korean_graduate_is_not_asked_about_major() -> None:
    conv = play("hardware_engineer", "bachelor", "korea", "expected", "no", "VN", "no")
    assert flow.position(conv, NOW) == "summary"
    assert "major_related" not in asked(conv)


def test_foreign_unrelated_bachelor_is_asked_about_korean() -> None:
    conv = play("web_developer", "bachelor", "abroad", "no", "=2", "yes")
    assert flow.position(conv, NOW) == "korean_test"


def test_care_track_asks_certificate_and_korean_but_not_major() -> None:
    conv = play(
        "care_worker",
        "associate",
        "korea",
        "completed",
        "kiip",
        "3",
        "yes",
        "yes",
        "E-9",
        "NP",
        "yes",
        "yes",
        "=2600만",
    )
    assert flow.position(conv, NOW) == "summary"
    assert "care_certificate" in asked(conv) and "major_related" not in asked(conv)
    assert q.profile(conv, NOW).salary_krw == 26_000_000


def test_not_sure_narrows_by_kind_of_work() -> None:
    conv = play("not_sure")
    assert flow.position(conv, NOW) == "work_area"
    conv = play("software", conv=conv)
    screen = flow.next_screen(conv, NOW)
    assert screen.question == "occupation"
    assert {o.value for o in screen.options} == {
        "system_software_developer",
        "application_software_developer",
        "web_developer",
        "not_sure",
    }
    conv = play("robotics", conv=play("not_sure"))
    assert q.profile(conv, NOW).occupation == "robotics_engineer"
    assert flow.position(play("other", conv=play("not_sure")), NOW) == "summary"


def test_back_restores_the_previous_state_exactly() -> None:
    conv = play("not_sure", "care")
    assert q.profile(conv, NOW).occupation == "care_worker"
    conv = q.back(conv)
    assert flow.position(conv, NOW) == "work_area"
    conv = q.back(conv)
    assert flow.position(conv, NOW) == "occupation"


def test_edit_one_answer_keeps_the_rest() -> None:
    conv = play("web_developer", "master", "abroad", "yes", "no", "CN", "no")
    conv = q.edit(conv, "nationality", NOW)
    assert flow.position(conv, NOW) == "nationality"
    conv = q.answer_option(conv, "nationality", "VN", NOW)
    assert flow.position(conv, NOW) == "summary"
    assert q.profile(conv, NOW).nationality == "VN"
    assert q.profile(conv, NOW).degree == "master"


def test_edit_that_opens_new_questions_asks_only_those() -> None:
    conv = play("web_developer", "master", "abroad", "yes", "no", "CN", "no")
    conv = q.edit(conv, "job_offer", NOW)
    conv = q.answer_option(conv, "job_offer", "yes", NOW)
    assert flow.position(conv, NOW) == "employer_in_gyeonggi"
    conv = play("yes", "=35000000", conv=conv)
    assert flow.position(conv, NOW) == "summary"


def test_back_while_editing_returns_to_the_summary() -> None:
    conv = q.edit(play("web_developer", "master", "abroad", "yes", "no", "CN", "no"), "degree", NOW)
    assert flow.position(q.back(conv), NOW) == "summary"


def test_answers_to_other_questions_are_refused() -> None:
    conv = play("web_developer")
    with pytest.raises(KeyError):
        q.answer_option(conv, "occupation", "care_worker", NOW)  # not the current question
    with pytest.raises(KeyError):
        q.answer_option(conv, "degree", "astronaut", NOW)  # not an option
    with pytest.raises(KeyError):
        q.edit(conv, "salary_krw", NOW)  # never answered


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("0", 0.0),
        (" 7 ", 7.0),
        # with the unit people write after it, in their language
        ("3 yil", 3.0),
        ("1,5 yil", 1.5),
        ("2 tahun", 2.0),
        ("2 years", 2.0),
        ("3년", 3.0),
        ("２年", 2.0),
        ("2 năm", 2.0),
        ("5 лет", 5.0),
        ("2 ปี", 2.0),
        ("2 साल", 2.0),
        # months, in whole half years: 11 months are not a year
        ("18 bulan", 1.5),
        ("6 months", 0.5),
        ("11 месяцев", 0.5),
        ("24개월", 2.0),
        # words around it, as people write (they went to the FAQ's "How long can I stay?")
        ("3 năm ạ", 3.0),
        ("hơn 3 năm", 3.0),
        ("3+ years", 3.0),
        ("3 tahun kerja", 3.0),
        ("3 yildan ko'p", 3.0),
        ("3 йил", 3.0),  # Uzbek in Cyrillic
        ("3 năm kinh nghiệm", 3.0),
        # years and months together
        ("1 năm 6 tháng", 1.5),
        ("1년 6개월", 1.5),
        ("1 год 6 месяцев", 1.5),
        ("2 tahun 6 bulan", 2.5),
    ],
)
def test_years_parser(text: str, years: float) -> None:
    assert ta.parse_years(text) == years


@pytest.mark.parametrize(
    "text",
    [
        *("two", "-1", "51", "1.5.2", "<b>3</b>", "3 apples", "2 3", "yil", "3 years enough?", "6 months 1 year"),
        # less than, almost, ago: the number is not what they have
        *("less than 1 year", "dưới 1 năm", "chưa đến 1 năm", "менее 1 года", "1년 미만", "almost 3 years"),
        *("gần 2 năm", "2 years ago"),
    ],
)
def test_years_parser_refuses(text: str) -> None:
    with pytest.raises(ta.Invalid):
        ta.parse_years(text)


@pytest.mark.parametrize("text", ["85", "85점", "85 điểm", "85/100", "85 баллов", "85 оноо", "85 points", "８５"])
def test_a_score_with_its_word_is_read(text: str) -> None:
    assert ta.parse_score(text) == 85


@pytest.mark.parametrize("text", ["101", "8.5", "abc", "85 apples", "-5", ""])
def test_a_score_refused(text: str) -> None:
    with pytest.raises(ta.Invalid):
        ta.parse_score(text)


def test_effective_answers_are_cached_per_day_and_returned_as_a_copy() -> None:
    """effective_answers is cached (a step asks several times); callers get their own dict, and
    an answer that cannot be a cache key is still handled."""
    now = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
    answers = {"occupation": "web_developer", "degree": "master", "degree_country": "korea", "major_related": "yes"}
    first = q.effective_answers(answers, now)
    first["occupation"] = "changed by a caller"
    again = q.effective_answers(dict(answers), now)
    assert again["occupation"] == "web_developer"
    # A master's in a related field from Korea: experience cannot change the result, so an answer to
    # it does not count — the same with the cache and without it (an unhashable answer bypasses it).
    with_experience = {**answers, "experience_years": 0.0}
    assert "experience_years" not in q.effective_answers(with_experience, now)
    assert q.effective_answers({**with_experience, "note": ["unhashable"]}, now) == again


def test_a_question_that_applies_from_a_day_on_is_asked_from_that_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next question is cached by the answers and the day: on another day it is worked out again."""
    from dataclasses import replace
    from datetime import timedelta

    from knowledge import loader

    from_day = NOW.date() + timedelta(days=1)  # say, a question added to the form from tomorrow
    nationality = q.BY_KEY["nationality"]
    dated = replace(nationality, applies=lambda p, now: now.date() >= from_day and nationality.applies(p, now))
    monkeypatch.setattr(q, "QUESTIONS", tuple(dated if x is nationality else x for x in q.QUESTIONS))
    loader.reload()
    try:
        conv = play("web_developer", "master", "abroad", "yes", "no")
        assert q.current_question(conv, NOW).key == "job_offer"  # type: ignore[union-attr]
        assert q.current_question(conv, NOW + timedelta(days=1)).key == "nationality"  # type: ignore[union-attr]
        # Half past midnight of that day in Korea is still the day before in UTC: the Korean day counts.
        from_midnight = datetime(from_day.year, from_day.month, from_day.day, 0, 30, tzinfo=SEOUL)
        in_utc = from_midnight.astimezone(UTC)
        assert in_utc.date() < from_day
        assert q.current_question(conv, in_utc).key == "nationality"  # type: ignore[union-attr]
    finally:
        monkeypatch.undo()
        loader.reload()


def test_new_data_change_the_next_question_once_reloaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What the questionnaire worked out from the data (next questions, which answers matter) is
    forgotten with the data: a related master's that needs a year of experience asks for it."""
    import shutil

    from knowledge import loader

    conv = play("web_developer", "master", "abroad", "yes")
    assert q.current_question(conv, NOW).key == "in_korea"  # type: ignore[union-attr]  # experience cannot matter
    data = tmp_path / "knowledge"
    shutil.copytree(loader.DATA_DIR, data)
    pathways = data / "pathways.yaml"
    before = "conditions: [degree_master, major_related]"
    assert before in pathways.read_text(encoding="utf-8")
    pathways.write_text(
        pathways.read_text(encoding="utf-8").replace(
            before, "conditions: [degree_master, major_related, experience_1y]"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(loader, "DATA_DIR", data)
    loader.reload()
    try:
        assert q.current_question(conv, NOW).key == "experience_years"  # type: ignore[union-attr]
    finally:
        monkeypatch.undo()
        loader.reload()
    assert q.current_question(conv, NOW).key == "in_korea"  # type: ignore[union-attr]
