"""Encryption at rest for personal data (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`)
and for uploaded documents (FileCipher: chunked AES-256-GCM with a key derived from the same one).

The key comes from DATA_KEY. Without one (a developer's machine, the demo) a key is generated once
into ./data/data.key next to the SQLite file, with a warning; production sets DATA_KEY.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import Settings

log = logging.getLogger(__name__)


def load_key(settings: Settings) -> bytes:
    if settings.data_key is not None:
        return settings.data_key.get_secret_value().encode()
    path = Path(settings.key_file)
    if not path.exists():
        _create_key_file(path)
    return path.read_bytes().strip()


def _create_key_file(path: Path) -> None:
    """Writes a new key beside the file, then links it into place: workers starting together
    all end up with the one key, and none reads a file still being written (a second worker
    used to fail at start here: tests/test_production.py's two workers found it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
        os.link(draft, path)  # atomic; fails if another process linked its key first
        log.warning("DATA_KEY is not set: generated %s (set DATA_KEY in production)", path)
    except FileExistsError:
        pass  # theirs is complete: use it
    finally:
        os.unlink(draft)


class Vault:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, value: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()

    def open(self, token: str | None) -> dict[str, Any]:
        if not token:
            return {}
        return dict(json.loads(self._fernet.decrypt(token.encode())))


class CorruptFile(Exception):
    """A stored file that does not decrypt: altered, truncated, extended, or not one of ours."""


class FileCipher:
    """Streamed AES-256-GCM for files (the STREAM construction: each chunk sealed on its own).

    Layout: MAGIC, a random 7-byte nonce prefix, then chunks of at most CHUNK bytes each followed by
    its 16-byte tag. A chunk's nonce is prefix + 4-byte counter + 1-byte "last chunk" flag, and the
    header is the associated data of every chunk: reordered, dropped, appended or altered chunks
    fail their tag, and a file cut at a chunk boundary fails too (its new last chunk lacks the flag).
    The key comes from DATA_KEY through HKDF, so it is not the Fernet key used for the details.
    """

    SCHEME = "aesgcm-stream-1"  # documents.encryption of the files written this way
    MAGIC = b"GGF1"
    CHUNK = 64 * 1024
    _PREFIX = 7
    _TAG = 16

    def __init__(self, data_key: bytes) -> None:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gg-visa documents at rest: AES-256-GCM v1")
        self._aead = AESGCM(hkdf.derive(base64.urlsafe_b64decode(data_key)))

    @staticmethod
    def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
        if counter >= 2**32:
            raise ValueError("file too large for one nonce prefix")
        return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")

    def encrypt(self, src: BinaryIO, dst: BinaryIO) -> None:
        prefix = os.urandom(self._PREFIX)
        header = self.MAGIC + prefix
        dst.write(header)
        chunk, counter = src.read(self.CHUNK), 0
        while True:
            following = src.read(self.CHUNK)  # one chunk ahead: the last one is sealed as last
            last = not following
            dst.write(self._aead.encrypt(self._nonce(prefix, counter, last), chunk, header))
            if last:
                return
            chunk, counter = following, counter + 1

    def decrypt(self, src: BinaryIO, dst: BinaryIO) -> None:
        """Writes the plaintext chunk by chunk; raises CorruptFile at the first chunk that fails
        (the caller discards what was written)."""
        header = src.read(len(self.MAGIC) + self._PREFIX)
        if len(header) != len(self.MAGIC) + self._PREFIX or not header.startswith(self.MAGIC):
            raise CorruptFile("no header")
        prefix = header[len(self.MAGIC) :]
        size = self.CHUNK + self._TAG
        block, counter = src.read(size), 0
        if not block:
            raise CorruptFile("no chunk")
        while True:
            following = src.read(size)
            last = not following
            try:
                dst.write(self._aead.decrypt(self._nonce(prefix, counter, last), block, header))
            except (InvalidTag, ValueError) as bad:
                raise CorruptFile(f"chunk {counter}") from bad
            if last:
                return
            block, counter = following, counter + 1
