"""Benchmark: typed-question retrieval on a held-out set: questions the FAQ's phrasings do not contain
(tests/test_faq.py checks), two per topic and language.

    .venv/bin/python bench/faq.py [--set faq_eval2|faq_eval3|faq_latin] [--json]

bench/faq_eval/<lang>.yaml: the first set, written with the first phrasings. Its misses have been
read (the fifth writers' round was briefed on a kind of question found among them), so it is no longer
wholly unseen. bench/faq_eval2/<lang>.yaml: written after the fifth round by writers who read only
the FAQ's answers (knowledge/data/faq.yaml), never the phrasings, keywords or bench/; nothing has
been chosen by its figures. bench/faq_eval3/<lang>.yaml: written after the matcher took in whole topics
(TOPIC_WEIGHT), by writers who read only a brief naming the 27 topics in a line each (what the person
wants to know), never the answers, phrasings, keywords, code or bench/; 17 short questions that
equalled a phrasing were replaced by another writer, without seeing any figures; nothing has been
chosen by its figures either. bench/faq_latin/{ru,mn}.yaml: Russian and Mongolian typed in Latin
letters (27 topics x 2), written by a writer who read only that brief; it decided whether the matcher
reads Cyrillic as Latin letters (knowledge/ngrams._CYRILLIC), so it is not unseen.

Per language: top-1 accuracy (the right entry ranked first), confident answers that are wrong, the
share of "Did you mean…" fallbacks (no confident answer) and how often such a fallback offers the
right topic among its three buttons; latency per question (p50, p99) and the
memory the index takes (allocated, and the RSS it adds at the bot's first start, which builds it, and
at later ones, which read it from CACHE_DIR). Not a test: see BENCHMARKS.md for results.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.speed.settle import trim_heap
from dialogs import faq
from knowledge import faq_match
from knowledge.faq_match import Matcher, load_phrasings

BENCH = Path(__file__).parent


def evaluation(name: str = "faq_eval") -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((BENCH / name).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out[path.stem] = [(str(entry), str(q)) for entry, qs in data.items() for q in qs]
    return out


def index_memory() -> float:
    """MB allocated by building the index (tracemalloc), the phrasings read first."""
    phrasings = load_phrasings()
    gc.collect()
    tracemalloc.start()
    matcher = Matcher(phrasings)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del matcher
    return size / 1e6


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def rss_added_at_start(cache_dir: str) -> float:
    """MB of RSS the index adds at the bot's start with this CACHE_DIR (built and kept there if empty)."""
    faq_match.use_cache(Path(cache_dir))
    faq.entries()  # the knowledge base, which the bot loads anyway
    before = rss_mb()
    faq.rank("warm up")
    trim_heap()  # as the bot's start does (bot/speed/settle.py)
    return rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--set",
        default="faq_eval",
        choices=("faq_eval", "faq_eval2", "faq_eval3", "faq_latin"),
        help="the held-out set",
    )
    parser.add_argument("--rss-at-start", metavar="CACHE_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_at_start:  # the later starts' figure, in a process of its own
        print(rss_added_at_start(args.rss_at_start))
        return
    cache_dir = tempfile.mkdtemp()
    try:
        rss_added = rss_added_at_start(cache_dir)  # the first start: builds the index and keeps it
        later = subprocess.run(
            [sys.executable, __file__, "--rss-at-start", cache_dir], stdout=subprocess.PIPE, text=True
        )
        rss_cached = float(later.stdout) if later.returncode == 0 else float("nan")
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    results: dict[str, dict[str, float]] = {}
    times: list[float] = []
    for language, questions in evaluation(args.set).items():
        right = wrong_confident = fallback = offered = 0
        for entry, question in questions:
            start = time.perf_counter()
            matches = faq.rank(question)
            best = faq.confident(matches)
            times.append(time.perf_counter() - start)
            right += bool(matches) and matches[0].entry == entry
            if best is None:
                fallback += 1
                offered += entry in {m.entry for m in matches if m.score >= faq.SUGGEST}  # the topics offered
            elif best.entry != entry:
                wrong_confident += 1
        n = len(questions)
        results[language] = {
            "questions": n,
            "top1": round(right / n, 3),
            "wrong_confident": round(wrong_confident / n, 3),
            "fallback": round(fallback / n, 3),
            "fallback_offers_right": round(offered / fallback, 3) if fallback else 1.0,
        }
    times.sort()
    summary = {
        "python": platform.python_version(),
        "set": args.set,
        "questions": len(times),
        "p50_ms": round(times[len(times) // 2] * 1000, 2),
        "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
        "index_mb": round(index_memory(), 1),
        "rss_added_mb": round(rss_added, 1),
        "rss_added_cached_mb": round(rss_cached, 1),
        "languages": results,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    print(f"{'lang':8s} {'n':>4s} {'top-1':>7s} {'wrong':>7s} {'fallback':>9s} {'…offers it':>11s}")
    for language, r in results.items():
        print(
            f"{language:8s} {r['questions']:4.0f} {r['top1']:7.1%} {r['wrong_confident']:7.1%} {r['fallback']:9.1%} "
            f"{r['fallback_offers_right']:11.1%}"
        )
    print(
        f"latency p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms; index {summary['index_mb']} MB "
        f"(allocated), RSS +{summary['rss_added_mb']} MB at the first start (built), "
        f"+{summary['rss_added_cached_mb']} MB at later ones (read from CACHE_DIR)"
    )


if __name__ == "__main__":
    main()
