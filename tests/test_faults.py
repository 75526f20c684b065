"""Which failures are worth a resend (bot/faults.py): stores and network, not bugs or bad data."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from bot.faults import is_infrastructure


def caused_by(cause: BaseException) -> Exception:
    try:
        raise RuntimeError("wrapped") from cause
    except RuntimeError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "refused"),
        OSError(28, "No space left on device"),
        TimeoutError(),
        RedisConnectionError("down"),
        RedisTimeoutError("slow"),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        caused_by(ConnectionResetError()),
    ],
)
def test_infrastructure(exc: BaseException) -> None:
    assert is_infrastructure(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bug"),
        KeyError("bug"),
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        FileNotFoundError(2, "missing upload"),
        PermissionError(13, "denied"),
        caused_by(ValueError("bug")),
    ],
)
def test_not_infrastructure(exc: BaseException) -> None:
    assert not is_infrastructure(exc)
