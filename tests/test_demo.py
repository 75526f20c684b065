"""The newcomer's command: `make demo` (`python -m demo`) chats in the terminal with no token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    env["KEY_FILE"] = str(tmp_path / "data.key")
    return env


def run_demo(tmp_path: Path, lang: str, lines: list[str]) -> str:
    env = demo_env(tmp_path)
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
    assert any("\uac00" <= ch <= "\ud7a3" for ch in out.split("Bye.")[0][-200:])  # Korean
    again = run_demo(tmp_path, "ko", ["/quit"])
    assert "Bye." in again
    assert again.count("[1]") >= 1  # the question where the person stopped is shown again


class DemoSession:
    """The demo as a person uses it: waits for each prompt and presses buttons by their label
    (the number printed beside it), so the script does not depend on button positions."""

    def __init__(self, tmp_path: Path, *args: str, fixed_now: str) -> None:
        env = {**demo_env(tmp_path), "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING", "FIXED_NOW": fixed_now}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "demo", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._out = b""
        self._lock = threading.Lock()
        self._mark = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.last = self._next_prompt()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := os.read(self.proc.stdout.fileno(), 65536):
            with self._lock:
                self._out += chunk

    @property
    def output(self) -> str:
        with self._lock:
            return self._out.decode(errors="replace")

    def _next_prompt(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output
            at = text.find("\nyou> ", self._mark)
            if at >= 0:
                chunk, self._mark = text[self._mark : at], at + len("\nyou> ")
                return chunk
            time.sleep(0.02)
        raise AssertionError("no prompt; the demo printed: " + self.output[self._mark :][-3000:])

    def send(self, line: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        self.last = self._next_prompt()
        assert "Traceback" not in self.last and "Sorry, something went wrong" not in self.last, self.last
        return self.last

    def press(self, label: str) -> str:
        """Types the number printed beside ``label`` on the latest keyboard that has it."""
        numbers = re.findall(rf"\[(\d+)\] {re.escape(label)}(?=   |\n|$)", self.output[: self._mark])
        assert numbers, f"no button {label!r} in: {self.last[-1500:]}"
        return self.send(numbers[-1])

    def quit(self) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"/quit\n")
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0
        return self.output


def test_demo_walks_the_whole_road_with_files_and_saves_the_summary(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), (200, 30, 30)).save(tmp_path / "diploma.jpg", "JPEG")
    (tmp_path / "contract.pdf").write_bytes((ROOT / "demo" / "sample.pdf").read_bytes())
    files = tmp_path / "received"
    demo = DemoSession(tmp_path, "--lang", "en", "--files-dir", str(files), fixed_now="2026-12-06T10:00:00+09:00")
    assert "/file" in demo.last and "/photo PATH" in demo.last  # the greeting names the demo's commands
    assert "25 days left" in demo.last  # the demo's clock is FIXED_NOW's
    for label in ("Web developer", "Master's degree", "Abroad", "Yes", "Yes", "D-10 (job seeker)", "Vietnam"):
        demo.press(label)
    demo.press("Yes")
    demo.press("Yes")
    demo.send("=40000000")
    demo.press("✅ Show my result")
    demo.press("📝 Start my application")
    demo.press("✅ I agree")
    for typed in (
        "Nguyen Van An",
        "1995-04-23",
        "010-1234-5678",
        "an@example.com",
        "950423-5123456",
        "Suwon-si, Paldal-gu 123",
        "Hanbit Soft",
        "134-86-72683",
    ):
        demo.send(typed)
    demo.press("Suwon (수원시)")
    demo.send("2027-01-05")
    assert "0 of 3 documents" in demo.press("📎 Documents")
    demo.press("📤 Passport")
    assert "1 of 3 documents" in demo.send("/file")  # the bundled sample PDF passes the bot's content check
    demo.press("📤 Degree")
    assert "2 of 3 documents" in demo.send(f"/photo {tmp_path / 'diploma.jpg'}")
    assert "Cannot read" in demo.send(f"/file {tmp_path / 'missing.pdf'}")  # said here, nothing sent
    demo.press("📤 Contract")
    assert "3 of 3 documents" in demo.send(f"/file {tmp_path / 'contract.pdf'}")
    submitted = demo.press("📨 Send for pre-check")
    summary = files / "GG-2026-000001.html"
    assert "file received: GG-2026-000001.html (" in submitted and f"saved as {summary}" in submitted
    html = summary.read_text(encoding="utf-8")
    assert "NGUYEN VAN AN" in html and "134-86-72683" in html and "고용계약서" in html
    assert "Bye." in demo.quit()


HINT = "(to answer with a number, put = in front: =2; a number alone presses a button)"


def test_demo_says_how_to_type_a_number_and_shows_the_files_it_gets(tmp_path: Path) -> None:
    import json

    files = tmp_path / "received"
    demo = DemoSession(tmp_path, "--lang", "en", "--files-dir", str(files), fixed_now="2026-12-06T10:00:00+09:00")
    assert "a number presses a button (2 presses [2]); =text sends text" in demo.last  # the legend, at start
    degree = demo.press("Web developer")
    assert "[2] Master's degree" in degree and HINT not in degree  # buttons only: no hint
    for label in ("Bachelor's degree", "Abroad"):
        demo.press(label)
    years = demo.press("No")
    assert "Type a number, for example 2" in years and HINT in years  # where the bot asks for a number
    assert "Question 6" in demo.send("=2")  # the text "2", not button [2] (« Back)
    mydata = demo.send("/mydata")
    found = re.search(r"📎 file received: my-data\.json \(([\d,]+) bytes\), saved as (\S+)", mydata)
    assert found, mydata
    saved = Path(found.group(2))
    assert saved.parent == files and saved.stat().st_size == int(found.group(1).replace(",", ""))
    assert json.loads(saved.read_text(encoding="utf-8"))["eligibility_answers"]["experience_years"] == 2
    assert "Bye." in demo.quit()
