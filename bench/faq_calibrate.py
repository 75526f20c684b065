"""Calibration of the FAQ's confidence rule (dialogs/faq.py CONFIDENT, MARGIN) without the held-out set.

    .venv/bin/python bench/faq_calibrate.py

The phrasings of each entry were written in four rounds by different writers (knowledge/data/
faq_phrasings/<lang>.yaml keeps them in order: 6, then 10, then 20, then 20 an entry). Each round is held out
in turn and asked against an index of the other two (and the keywords): questions worded by other
people, as the bot meets them. Printed: top-1 per language, then for each (CONFIDENT, MARGIN) the
wrong confident answers (worst language, mean) and the "Did you mean…" fallbacks. bench/faq.py's
held-out set is never read here, so the rule chosen on these figures can be measured there honestly.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.faq_match import KEYWORDS_DIR, Matcher, _pairs, load_phrasings

ROUNDS = ((0, 6), (6, 16), (16, 36), (36, 56))  # the writers' rounds, by position in each entry's list
CONFIDENT = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 1.0)
MARGIN = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def main() -> None:
    phrasings = load_phrasings()
    keywords = _pairs(load_phrasings(KEYWORDS_DIR))
    results: list[tuple[str, bool, float, float]] = []  # language, right, best score, its lead
    for start, end in ROUNDS:
        index = [
            (entry, text)
            for by_entry in phrasings.values()
            for entry, texts in by_entry.items()
            for i, text in enumerate(texts)
            if not start <= i < end
        ]
        matcher = Matcher(index, keywords)
        for language, by_entry in phrasings.items():
            for entry, texts in by_entry.items():
                for text in texts[start:end]:
                    ranked = matcher.rank(text)
                    best = ranked[0].score if ranked else 0.0
                    lead = best - (ranked[1].score if len(ranked) > 1 else 0.0)
                    results.append((language, bool(ranked) and ranked[0].entry == entry, best, lead))
    languages = sorted({r[0] for r in results})
    n = {lang: sum(r[0] == lang for r in results) for lang in languages}
    top1 = {lang: sum(r[1] for r in results if r[0] == lang) / n[lang] for lang in languages}
    print(f"{len(results)} questions; top-1 " + " ".join(f"{lang} {v:.1%}" for lang, v in top1.items()))
    print(f"{'CONFIDENT':>9s} {'MARGIN':>6s} {'wrong worst':>16s} {'wrong mean':>10s} {'fallback':>8s}")
    for confident, margin in itertools.product(CONFIDENT, MARGIN):
        wrong: dict[str, int] = defaultdict(int)
        fallback = 0
        for language, right, best, lead in results:
            if best < confident or lead < margin:
                fallback += 1
            elif not right:
                wrong[language] += 1
        rate = {lang: wrong[lang] / n[lang] for lang in languages}
        worst = max(rate, key=lambda lang: rate[lang])
        print(
            f"{confident:9.2f} {margin:6.2f} {rate[worst]:10.2%} ({worst:>3s}) {sum(rate.values()) / len(rate):10.1%} "
            f"{fallback / len(results):8.1%}"
        )


if __name__ == "__main__":
    main()
