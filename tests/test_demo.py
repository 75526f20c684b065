"""The newcomer's command: `make demo` (`python -m demo`) chats in the terminal with no token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_demo(tmp_path: Path, lang: str, lines: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    env["KEY_FILE"] = str(tmp_path / "data.key")
    result = subprocess.run(
        [sys.executable, "-m", "demo", "--lang", lang],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


# Button numbers: occupations 1-12 (6 = web developer), degree (2 = master's), where (2 = abroad),
# related (1 = yes), in Korea (2 = no), nationality (1 = China), job offer (2 = not yet), summary (1 = result).
PRESSES = ["6", "2", "2", "1", "2", "1", "2", "1"]


def test_demo_in_english_reaches_a_verdict_and_checklist(tmp_path: Path) -> None:
    out = run_demo(tmp_path, "en", [*PRESSES, "/quit"])
    assert "Which job will you do in Korea?" in out
    assert "[6] Web developer" in out
    assert "⚠️ You may be eligible, but only if:" in out
    assert "Your document checklist" in out
    assert "Bye." in out


@pytest.mark.slow
def test_demo_in_korean_and_progress_is_kept_between_runs(tmp_path: Path) -> None:
    out = run_demo(tmp_path, "ko", ["6", "2", "/quit"])
    assert any("\uac00" <= ch <= "\ud7a3" for ch in out.split("Bye.")[0][-200:])
    again = run_demo(tmp_path, "ko", ["/quit"])
    assert "Bye." in again
    assert again.count("[1]") >= 1  # the question where the person stopped is shown again
