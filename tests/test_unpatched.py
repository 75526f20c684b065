"""The bot is correct with every speed patch off (bot/speed): the end-to-end files below run again,
in a pytest of their own with SPEED_PATCHES=off, while the rest of the suite runs beside it (it was a
second pytest after the first: 50 s more on 2 cores)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import speed

ROOT = Path(__file__).resolve().parent.parent
UNPATCHED = (
    "tests/test_conversation.py",
    "tests/test_application_form.py",
    "tests/test_decisions.py",
    "tests/test_status.py",
    "tests/test_employers.py",
)


@pytest.mark.slow
@pytest.mark.skipif(not speed.wanted(os.environ.get("SPEED_PATCHES", "on")), reason="this run has them off already")
def test_the_end_to_end_files_pass_with_every_speed_patch_off() -> None:
    # The child is no xdist worker: it uses this worker's own PostgreSQL database and Redis db
    # (tests/conftest.py), which nothing else touches while this test waits for it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"SPEED_PATCHES": "off"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *UNPATCHED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    summary = run.stdout.strip().splitlines()[-1:] or ["(no output)"]
    print(f"with SPEED_PATCHES=off: {summary[0]}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
