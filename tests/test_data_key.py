"""The generated data key (no DATA_KEY: a developer's machine, the demo, several workers started
together): every process that starts at once ends up with the same, complete key."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys, time
from bot.config import Settings
from bot.crypto import load_key
settings = Settings(key_file=sys.argv[1], _env_file=None)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all at the same instant
print(load_key(settings).decode())
"""


@pytest.mark.slow
def test_workers_starting_together_share_one_complete_key(tmp_path: Path) -> None:
    for attempt in range(2):  # two races, each between six processes
        key_file = tmp_path / f"try{attempt}" / "data.key"
        start_at = str(time.time() + 6)  # after every process has imported the bot
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, str(key_file), start_at],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={"PATH": "/usr/bin:/bin"},
            )
            for _ in range(6)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 6, [err[-500:] for _, err in results]
        keys = {out.strip() for out, _ in results}
        assert keys == {key_file.read_text().strip()}
        Fernet(keys.pop())  # a complete, valid key
        assert [p.name for p in key_file.parent.iterdir()] == ["data.key"]  # no drafts left behind
