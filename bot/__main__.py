"""Command line: `python -m bot run | migrate | status | questions` (the terminal demo is `python -m demo`)."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot import speed
from bot.config import clock_for, get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Gyeonggi Visa Assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("run", help="run the bot on Telegram (long polling); needs BOT_TOKEN")
    run_cmd.add_argument(
        "--webhook", action="store_true", help="production: receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)"
    )
    sub.add_parser("migrate", help="apply database migrations")
    status = sub.add_parser("status", help="staff: change an application's status (the applicant is notified)")
    status.add_argument("reference", help="the application's reference, e.g. GG-2026-000123")
    status.add_argument("new_status", help="under_review | info_requested | recommended | not_recommended")
    status.add_argument(
        "--reason", help="for info_requested / not_recommended: a reason key of dialogs/statuses.py REASONS"
    )
    status.add_argument("--date", help="the recommendation date, YYYY-MM-DD (default: today in Korea)")
    status.add_argument("--note", help="a note for the applicant, shown as written")
    questions = sub.add_parser("questions", help="staff: typed questions the FAQ could not answer, unhelpful answers")
    questions.add_argument("--top", type=int, default=20, help="how many of each (default 20)")
    questions.add_argument("--language", help="only this language (e.g. ko, vi)")
    args = parser.parse_args(argv)

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    speed.install(settings.speed_patches)  # before anything imports aiogram
    if args.command == "run" and args.webhook:
        from bot.web import run_webhook

        asyncio.run(run_webhook(settings, clock_for(settings)))
    elif args.command == "run":
        from bot.app import run

        asyncio.run(run(settings, clock_for(settings)))
    elif args.command == "migrate":
        from bot.app import migrate

        asyncio.run(migrate(settings))
        print("Database is up to date:", settings.database_url)
    elif args.command == "status":
        from bot.staff_cli import change_status

        raise SystemExit(asyncio.run(change_status(settings, clock_for(settings), args)))
    elif args.command == "questions":
        from bot.staff_cli import top_questions

        raise SystemExit(asyncio.run(top_questions(settings, clock_for(settings), args)))


if __name__ == "__main__":
    main()
