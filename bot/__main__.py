"""Command line: `python -m bot run | demo | migrate`."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.clock import SystemClock
from bot.config import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Gyeonggi Visa Assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot on Telegram (long polling); needs BOT_TOKEN")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal; no token needed")
    demo.add_argument("--lang", default="en", help="the simulated user's Telegram language_code (e.g. ko, en)")
    demo.add_argument("--user-id", type=int, default=4242, help="the simulated user's id (keeps their progress)")
    sub.add_parser("migrate", help="apply database migrations")
    args = parser.parse_args(argv)

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "run":
        from bot.app import run

        asyncio.run(run(settings, SystemClock()))
    elif args.command == "migrate":
        from bot.app import migrate

        asyncio.run(migrate(settings))
        print("Database is up to date:", settings.database_url)
    elif args.command == "demo":
        from bot.demo import demo_main

        asyncio.run(demo_main(settings, lang=args.lang, user_id=args.user_id))


if __name__ == "__main__":
    main()
