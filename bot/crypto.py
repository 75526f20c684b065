"""Encryption at rest for personal data (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

The key comes from DATA_KEY. Without one (a developer's machine, the demo) a key is generated once
into ./data/data.key next to the SQLite file, with a warning; production sets DATA_KEY.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

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
