"""Documents at rest: the file cipher (chunked AES-256-GCM) detects every change to a stored file,
the store gives out only verified plaintext, and the content check tells what a file really is."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from PIL import Image
from sqlalchemy import select

from bot.config import Settings
from bot.crypto import CorruptFile, FileCipher
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import UploadedDocument
from bot.services import filecheck
from bot.services.uploads import FileStore, IntegrityError, StoredFile
from emulator import BotAPIEmulator
from knowledge.text import T
from tests.conftest import ADMIN, BotRunner
from tests.e2e import DOCUMENTS, JPEG, PDF, at_documents, make_pdf, nav, upload, upload_documents
from tests.staff_e2e import open_application, press_staff

KEY = Fernet.generate_key()
CHUNK = FileCipher.CHUNK


def sealed(plain: bytes, key: bytes = KEY) -> bytes:
    out = BytesIO()
    FileCipher(key).encrypt(BytesIO(plain), out)
    return out.getvalue()


def opened(blob: bytes, key: bytes = KEY) -> bytes:
    out = BytesIO()
    FileCipher(key).decrypt(BytesIO(blob), out)
    return out.getvalue()


@pytest.mark.parametrize("size", [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_round_trip_at_chunk_edges(size: int) -> None:
    plain = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    blob = sealed(plain)
    assert opened(blob) == plain
    assert len(blob) > len(plain)
    if size >= 16:  # a shorter plaintext can turn up in random bytes by chance (1 byte: ~1 in 9)
        assert plain[:64] not in blob


def test_two_seals_differ_and_the_key_is_not_the_fernet_key() -> None:
    plain = b"%PDF-1.7 passport " * 1000
    assert sealed(plain) != sealed(plain)  # a fresh nonce prefix per file
    with pytest.raises(CorruptFile):
        opened(sealed(plain), Fernet.generate_key())  # another DATA_KEY


def _variants(blob: bytes) -> dict[str, bytes]:
    header, body = blob[:11], blob[11:]
    size = CHUNK + 16
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 1
    return {
        "a flipped bit": bytes(flipped),
        "cut at a chunk boundary": header + b"".join(chunks[:-1]),
        "cut inside a chunk": blob[:-5],
        "only the header": header,
        "chunks swapped": header + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "a chunk dropped": header + chunks[0] + b"".join(chunks[2:]),
        "a chunk appended": blob + chunks[0],
        "another header": sealed(b"other")[:11] + body,
        "empty": b"",
    }


@pytest.mark.parametrize("change", list(_variants(sealed(b"\0" * (3 * CHUNK + 10)))))
def test_any_change_to_the_stored_file_is_detected(change: str) -> None:
    blob = sealed(b"\0" * (3 * CHUNK + 10))
    with pytest.raises(CorruptFile):
        opened(_variants(blob)[change])


def _store(tmp_path: Path) -> FileStore:
    return FileStore(str(tmp_path / "files"), FileCipher(KEY))


def _stored(path: str, content: bytes, encryption: str | None, mime: str = "application/pdf") -> StoredFile:
    sha = hashlib.sha256(content).hexdigest()
    return StoredFile(path, sha, encryption, mime, "GG-2026-000001_passport_copy", T("x"), T("x"))


def test_the_store_writes_ciphertext_and_reads_back_verified(tmp_path: Path) -> None:
    store = _store(tmp_path)
    content = make_pdf("NGUYEN VAN AN passport M12345678")
    path = store.write(7, content)
    on_disk = Path(path).read_bytes()
    assert not on_disk.startswith(b"%PDF") and b"M12345678" not in on_disk and b"%PDF" not in on_disk
    assert Path(path).suffix == ".bin" and hashlib.sha256(content).hexdigest() not in path
    f = _stored(path, content, FileCipher.SCHEME)
    assert store.read(f) == (content, "pdf")
    # A right decryption of the wrong file (another document's) fails the recorded hash.
    other = store.write(7, PDF + b"other")
    with pytest.raises(IntegrityError):
        store.read(_stored(other, content, FileCipher.SCHEME))
    Path(path).write_bytes(on_disk[:-1])  # truncated on disk
    with pytest.raises(IntegrityError):
        store.read(f)
    Path(path).unlink()
    with pytest.raises(IntegrityError):
        store.read(f)


def test_old_plaintext_files_stay_readable_but_are_checked(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (tmp_path / "old.pdf").write_bytes(PDF)
    assert store.read(_stored(str(tmp_path / "old.pdf"), PDF, None)) == (PDF, "pdf")
    (tmp_path / "old.jpg").write_bytes(JPEG)  # declared a PDF back then: named from its content now
    assert store.read(_stored(str(tmp_path / "old.jpg"), JPEG, None)) == (JPEG, "jpg")
    html = b"<html><script>alert(1)</script></html>"
    (tmp_path / "page.pdf").write_bytes(html)  # accepted before the content check: never sent on
    with pytest.raises(IntegrityError):
        store.read(_stored(str(tmp_path / "page.pdf"), html, None))


def _image(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "verdict"),
    [
        (PDF, "pdf"),
        (JPEG, "jpeg"),
        (_image("PNG", (300, 200)), "png"),
        (b"<html><body><script>alert(1)</script>passport</body></html>", "unsupported"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "unsupported"),
        (b"PK\x03\x04\x14\x00\x00\x00" + b"\0" * 100, "unsupported"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 100, "unsupported"),
        (b"GIF89a" + b"\0" * 100, "unsupported"),
        (PDF[: len(PDF) // 2], "damaged"),
        (PDF[:-7], "damaged"),
        (b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n", "damaged"),
        (JPEG[: len(JPEG) // 2], "damaged"),
        (b"\xff\xd8\xff\xe0 a jpeg", "damaged"),
        (_image("PNG", (10_000, 10_000), "1"), "too_large_image"),  # 100 MP in 12 KB
        (_image("PNG", (20_000, 20_000), "1"), "too_large_image"),  # past Pillow's own bomb error
        (_image("JPEG", (8_000, 7_000), "L"), "too_large_image"),  # 56 MP
    ],
)
def test_the_content_decides(content: bytes, verdict: str) -> None:
    got = filecheck.check(content)
    assert (got.kind if isinstance(got, filecheck.Accepted) else got.code) == verdict


def test_heic_when_pillow_heif_is_there() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    heic = _image("HEIF", (64, 48))
    assert filecheck.check(heic) == filecheck.Accepted("heic")
    assert filecheck.check(heic[: len(heic) // 2]) == filecheck.Refused("damaged")


# --- through the real bot ---------------------------------------------------------------------


async def _documents(settings: Settings) -> dict[str, UploadedDocument]:
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            return {d.kind: d for d in (await session.execute(select(UploadedDocument))).scalars()}
    finally:
        await engine.dispose()


async def test_staff_receive_bot_named_verified_documents_and_are_told_of_a_damaged_one(
    db_bot: BotRunner, db_settings: Settings, emulator: BotAPIEmulator
) -> None:
    applicant = await at_documents(emulator, 301, "passport_copy")
    secret = make_pdf("NGUYEN VAN AN passport M12345678")
    saved = await upload(applicant, emulator, secret, "../../../etc/passport.pdf.exe", "application/pdf")
    assert "Saved" in saved[0].plain
    await upload_documents(applicant, emulator, DOCUMENTS[1:])
    await applicant.tap(nav(applicant, "submit"))
    docs = await _documents(db_settings)
    assert set(docs) == set(DOCUMENTS) and all(d.encryption == FileCipher.SCHEME for d in docs.values())
    # On disk: ciphertext only, under random names inside FILES_DIR.
    files = Path(db_settings.files_dir)
    for d in docs.values():
        blob = Path(d.path).read_bytes()
        assert Path(d.path).parent.parent == files and Path(d.path).suffix == ".bin"
        assert b"%PDF" not in blob and b"M12345678" not in blob and d.kind.encode() not in blob
    assert not list(files.parent.rglob("passport.pdf*"))
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    sent = {d.file_name: d.content for d in admin.documents}
    assert sent == {
        "GG-2026-000001_passport_copy.pdf": secret,
        **{f"GG-2026-000001_{kind}.pdf": PDF + kind.encode() for kind in DOCUMENTS[1:]},
    }
    # One file altered on disk, one cut short: neither is sent, and staff are told which.
    passport = bytearray(Path(docs["passport_copy"].path).read_bytes())
    passport[20] ^= 0x01
    Path(docs["passport_copy"].path).write_bytes(bytes(passport))
    degree = Path(docs["degree_certificate"].path)
    degree.write_bytes(degree.read_bytes()[:-16])
    before = len(admin.documents)
    replies = await press_staff(admin, "📎")
    assert [d.file_name for d in admin.documents[before:]] == ["GG-2026-000001_employment_contract.pdf"]
    failed = [m.plain for m in replies if "integrity check" in m.plain]
    assert len(failed) == 2 and "Copy of your passport" in failed[0] and "degree" in failed[1].lower()
    assert "upload it again" in failed[0]


def test_files_stored_before_migration_0009_stay_readable(tmp_path: Path) -> None:
    """A document row and plaintext file from revision 0008: after the upgrade the row says "not
    encrypted" (NULL) and the store still gives the file out, checked."""
    import sqlite3

    from bot.db.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0008")
    old = tmp_path / "files" / "1" / f"{hashlib.sha256(PDF).hexdigest()}.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    con = sqlite3.connect(tmp_path / "old.sqlite3")
    con.execute(
        "insert into documents (application_id, kind, file_name, mime_type, size, sha256, path, uploaded_at)"
        " values (1, 'passport_copy', 'passport.pdf', 'application/pdf', ?, ?, ?, '2026-11-24 10:00:00+09:00')",
        (len(PDF), hashlib.sha256(PDF).hexdigest(), str(old)),
    )
    con.commit()
    upgrade(url)
    path, sha, encryption, mime = con.execute("select path, sha256, encryption, mime_type from documents").fetchone()
    assert encryption is None
    f = StoredFile(path, sha, encryption, mime, "GG-2026-000001_passport_copy", T("x"), T("x"))
    assert _store(tmp_path).read(f) == (PDF, "pdf")
