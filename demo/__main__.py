"""`python -m demo [--lang ko] [--user-id 4242] [--files-dir demo-files]` (what `make demo` runs)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from bot import speed
from bot.config import clock_for, get_settings
from demo import COMMANDS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Chat with the bot in this terminal",
        epilog=COMMANDS.format(files_dir="--files-dir"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lang", default="en", help="the simulated user's Telegram language_code (e.g. ko, en)")
    parser.add_argument("--user-id", type=int, default=4242, help="the simulated user's id (keeps their progress)")
    parser.add_argument(
        "--files-dir", type=Path, default=Path("demo-files"), help="where files the bot sends are saved"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    speed.install(settings.speed_patches)  # before anything imports aiogram, as `python -m bot run` does
    from demo.terminal import demo_main

    # The clock is the one `run` uses: the system's, or FIXED_NOW's.
    asyncio.run(
        demo_main(settings, clock_for(settings), lang=args.lang, user_id=args.user_id, files_dir=args.files_dir)
    )


if __name__ == "__main__":
    main()
