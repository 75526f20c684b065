"""Calibration of the FAQ's matcher and confidence rule (faq_match.TOPIC_WEIGHT; dialogs/faq.py
CONFIDENT, MARGIN, SUGGEST) without the held-out sets.

    .venv/bin/python bench/faq_calibrate.py [--topic-weight W]   (W: try another TOPIC_WEIGHT)

The phrasings of each entry were written in five rounds by different writers (knowledge/data/
faq_phrasings/<lang>.yaml keeps them in order: 6, then 10, then 20, 20 and 20 an entry). Each round is held
out in turn and asked against an index of the other four and their keywords (a keyword found only in
the held-out round's phrasings of its language is left out with it: it was taken from that wording):
questions worded by other people, as the bot meets them. Besides, bench/faq_offtopic/<lang>.yaml
holds 30 messages a language that no entry answers (everyday life in Korea, other visas, chit-chat,
a name or a date typed at a step), written by other writers; they are asked against the whole index,
and any confident answer to them is wrong. Printed: top-1 per language, then for each (CONFIDENT, MARGIN) the wrong confident answers
(worst language, mean), the off-topic messages answered confidently, and the "Did you mean…" fallbacks;
last, for each SUGGEST, how often a fallback offers the right topic and an off-topic message is offered one.

The rule, fixed before the off-topic set was first measured: the pair with the fewest fallbacks at
which no language answers more than 2.0 % of its questions wrongly and at most 5 % of the off-topic
messages (all languages together) get a confident answer. bench/faq.py's held-out sets (faq_eval,
faq_eval2, faq_eval3) are never read here, so the rule chosen on these figures can be measured there honestly.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge import faq_match
from knowledge.faq_match import KEYWORDS_DIR, Matcher, _pairs, load_phrasings
from knowledge.ngrams import folded

ROUNDS = ((0, 6), (6, 16), (16, 36), (36, 56), (56, 76))  # the writers' rounds, by position in each entry's list
CONFIDENT = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35)
MARGIN = (0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12)
SUGGEST = (0.05, 0.08, 0.1, 0.12, 0.15, 0.18)
OFFTOPIC_DIR = Path(__file__).parent / "faq_offtopic"
WRONG_LIMIT, OFFTOPIC_LIMIT, OFFERS_RIGHT = 0.02, 0.05, 0.93


def _judged(matcher: Matcher, text: str) -> tuple[str | None, float, float, list[tuple[str, float]]]:
    """The top entry, its score, its lead over the second, and the three best with their scores."""
    ranked = matcher.rank(text)
    best = ranked[0].score if ranked else 0.0
    lead = best - (ranked[1].score if len(ranked) > 1 else 0.0)
    return (ranked[0].entry if ranked else None), best, lead, [(m.entry, m.score) for m in ranked]


def _fold_keywords(
    keywords: dict[str, dict[str, list[str]]], phrasings: dict[str, dict[str, list[str]]], start: int, end: int
) -> list[tuple[str, str]]:
    """The keywords an index without the round [start, end) may keep: a keyword found in that round's
    phrasings of its language and in none of the others' was taken from the round's own wording (most
    keywords were written with the phrasings of their round), so it is left out with the round."""
    kept: list[tuple[str, str]] = []
    for language, by_entry in keywords.items():
        held = shown = ""
        for texts in phrasings.get(language, {}).values():
            for i, text in enumerate(texts):
                if start <= i < end:
                    held += folded(text) + "\n"
                else:
                    shown += folded(text) + "\n"
        for entry, words in by_entry.items():
            kept += [(entry, w) for w in words if not ((n := folded(w)) in held and n not in shown)]
    return kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topic-weight", type=float, help="try another faq_match.TOPIC_WEIGHT")
    args = parser.parse_args()
    if args.topic_weight is not None:
        faq_match.TOPIC_WEIGHT = args.topic_weight
        print(f"TOPIC_WEIGHT {faq_match.TOPIC_WEIGHT}")
    phrasings = load_phrasings()
    keywords_by_language = load_phrasings(KEYWORDS_DIR)
    keywords = _pairs(keywords_by_language)
    results: list[tuple[str, bool, float, float]] = []  # language, right, best score, its lead
    offered: list[tuple[str, float, float, list[tuple[str, float]]]] = []  # entry, best, lead, the three best
    for start, end in ROUNDS:
        index = {
            language: {entry: texts[:start] + texts[end:] for entry, texts in by_entry.items()}
            for language, by_entry in phrasings.items()
        }
        matcher = Matcher(index, _fold_keywords(keywords_by_language, phrasings, start, end))
        for language, by_entry in phrasings.items():
            for entry, texts in by_entry.items():
                for text in texts[start:end]:
                    top, best, lead, three = _judged(matcher, text)
                    results.append((language, top == entry, best, lead))
                    offered.append((entry, best, lead, three))
    whole = Matcher(phrasings, keywords)
    offtopic_judged = [
        _judged(whole, str(text))
        for path in sorted(OFFTOPIC_DIR.glob("*.yaml"))
        for text in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    offtopic = [(best, lead) for _, best, lead, _ in offtopic_judged]
    languages = sorted({r[0] for r in results})
    n = {lang: sum(r[0] == lang for r in results) for lang in languages}
    top1 = {lang: sum(r[1] for r in results if r[0] == lang) / n[lang] for lang in languages}
    print(f"{len(results)} questions; top-1 " + " ".join(f"{lang} {v:.1%}" for lang, v in top1.items()))
    print(f"{len(offtopic)} off-topic messages")
    print(
        f"{'CONFIDENT':>9s} {'MARGIN':>6s} {'wrong worst':>17s} {'wrong mean':>10s} {'off-topic':>9s} {'fallback':>8s}"
    )
    chosen: tuple[float, float, float] | None = None
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
        answered = sum(best >= confident and lead >= margin for best, lead in offtopic) / len(offtopic)
        share = fallback / len(results)
        print(
            f"{confident:9.2f} {margin:6.2f} {rate[worst]:11.2%} ({worst:>3s}) {sum(rate.values()) / len(rate):10.1%} "
            f"{answered:9.1%} {share:8.1%}"
        )
        if rate[worst] <= WRONG_LIMIT and answered <= OFFTOPIC_LIMIT and (chosen is None or share < chosen[2]):
            chosen = (confident, margin, share)
    print("chosen by the rule: " + (f"CONFIDENT {chosen[0]}, MARGIN {chosen[1]}" if chosen else "none in the grid"))
    if chosen is None:
        return
    # SUGGEST: a fallback's "Did you mean…" buttons show the topics scoring at least this. The rule:
    # the highest SUGGEST at which a fallback still offers the right topic 93 % of the time (as the
    # best-phrasing matcher did), so that fewer off-topic messages are offered topics.
    fallbacks = [(entry, three) for entry, best, lead, three in offered if best < chosen[0] or lead < chosen[1]]
    whole_three = [three for *_, three in offtopic_judged]
    suggest: float | None = None
    for floor in SUGGEST:
        right = sum(entry in {e for e, s in three if s >= floor} for entry, three in fallbacks) / max(len(fallbacks), 1)
        shown = sum(any(s >= floor for _, s in three) for three in whole_three) / len(whole_three)
        print(
            f"SUGGEST {floor:.2f}: a fallback offers the right topic {right:.1%}; off-topic offered a topic {shown:.1%}"
        )
        if right >= OFFERS_RIGHT:
            suggest = floor
    print(f"SUGGEST chosen by the rule: {suggest}")


if __name__ == "__main__":
    main()
