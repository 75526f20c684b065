"""`python -m bot status REF STATUS ...`: moving an application from a terminal (the staff interface
in the bot does the same). A recommendation takes its number from the quota; the applicant's
notification goes through the outbox and a running bot sends it; the audit log records actor 0."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.app import migrate
from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.services.applications import ApplicationError, ApplicationService
from bot.services.faq import UNHELPFUL, UNMATCHED, FaqService


async def change_status(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    await migrate(settings)
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            service = ApplicationService(session, clock)
            on = date.fromisoformat(args.date) if args.date else None
            change = await service.change_status(
                args.reference, args.new_status, actor_id=0, reason=args.reason, note=args.note, on=on
            )
    except (ApplicationError, ValueError) as bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"{change.reference}: {change.from_status} -> {change.to_status}; the applicant will be notified")
    return 0


async def top_questions(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """`python -m bot questions --top 20 [--language ko]`: the typed questions the FAQ could not
    answer, and the answers people found unhelpful (anonymous counts), most frequent first."""
    await migrate(settings)
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            service = FaqService(session, clock)
            unmatched = await service.top(UNMATCHED, args.top, args.language)
            unhelpful = await service.top(UNHELPFUL, args.top, args.language)
    finally:
        await engine.dispose()
    print("Questions without a confident answer (count, language, text):")
    for language, key, count in unmatched:
        print(f"{count:6d}  {language:8s} {key}")
    print("Answers found unhelpful (count, language, FAQ entry):")
    for language, key, count in unhelpful:
        print(f"{count:6d}  {language:8s} {key}")
    return 0
