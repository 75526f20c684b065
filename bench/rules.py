"""Benchmark: eligibility evaluations per second, and questionnaire steps per second (pure code).

    .venv/bin/python bench/rules.py [--seconds 3]

Prints one JSON line. Not a test: see BENCHMARKS.md for results.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import SEOUL
from dialogs import flow
from dialogs import questionnaire as q
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.rules import evaluate
from tests.answers import ELIGIBLE_WEB_DEV

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


def random_profile(rng: random.Random) -> Profile:
    return Profile(
        occupation=rng.choice([o.id for o in load().occupations]),
        degree=rng.choice(["doctorate", "master", "bachelor", "associate", "none"]),
        degree_country=rng.choice(["korea", "abroad"]),
        degree_status=rng.choice(["completed", "expected"]),
        major_related=rng.choice(["yes", "no", "unsure"]),
        experience_years=rng.choice([0.0, 0.5, 1.0, 2.0, 5.0, 8.0]),
        experience_after_degree=rng.choice([True, False]),
        korean_test=rng.choice(["topik", "kiip", "kiip_pre", "none"]),
        topik_level=rng.randint(1, 6),
        kiip_level=rng.randint(0, 5),
        kiip_pre_score=rng.randint(0, 100),
        care_certificate=rng.choice(["yes", "no", "in_progress"]),
        in_korea=rng.choice([True, False]),
        stay_status=rng.choice(["D-2", "E-9", "H-2"]),
        nationality="VN",
        job_offer=rng.choice([True, False]),
        employer_in_gyeonggi=rng.choice(["yes", "no", "unsure"]),
        salary_krw=rng.randint(20, 50) * 1_000_000,
    )


def measure(fn, seconds: float) -> float:  # type: ignore[no-untyped-def]
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += 1
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    rng = random.Random(7)
    profiles = [random_profile(rng) for _ in range(1000)]
    it = iter(profiles * 100_000)
    evals = measure(lambda: evaluate(next(it), NOW, alternatives=False), args.seconds)
    verdicts = measure(lambda: evaluate(next(it), NOW), args.seconds)  # + other occupations that fit

    steps = ELIGIBLE_WEB_DEV

    def questionnaire() -> None:
        conv = q.Conversation()
        for step in steps:
            question = q.current_question(conv, NOW)
            assert question is not None
            conv = (
                q.answer_text(conv, step[1:], NOW)
                if step.startswith("=")
                else q.answer_option(conv, question.key, step, NOW)
            )
            flow.next_screen(conv, NOW)
        flow.result(conv, NOW)

    runs = measure(questionnaire, args.seconds)
    print(
        json.dumps(
            {
                "bench": "rules",
                "evaluations_per_s": round(evals),
                "verdicts_with_alternatives_per_s": round(verdicts),
                "questionnaires_per_s": round(runs, 1),
                "questionnaire_steps_per_s": round(runs * len(steps)),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
