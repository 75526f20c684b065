"""Telling an infrastructure failure (a store unreachable, a timeout) from a bug in a handler.

The first is worth retrying: the webhook answers 5xx and Telegram sends the update again once the
stores are back. The second is not: retrying a deterministic bug would loop forever, so the update
is acknowledged after the apology.
"""

from __future__ import annotations


def _infrastructure_types() -> tuple[type[BaseException], ...]:
    kinds: list[type[BaseException]] = [OSError, ConnectionError, TimeoutError]  # asyncio.TimeoutError too
    try:
        from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

        kinds += [OperationalError, InterfaceError, DisconnectionError]
    except ImportError:  # pragma: no cover - always installed
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        kinds += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - Redis is optional
        pass
    try:
        from asyncpg.exceptions import (
            CannotConnectNowError,
            ConnectionDoesNotExistError,
            TooManyConnectionsError,
        )
        from asyncpg.exceptions import (
            InterfaceError as PgInterfaceError,
        )

        kinds += [CannotConnectNowError, ConnectionDoesNotExistError, PgInterfaceError, TooManyConnectionsError]
    except ImportError:  # pragma: no cover - PostgreSQL is optional
        pass
    return tuple(kinds)


_KINDS: tuple[type[BaseException], ...] | None = None
# OSErrors that a retry would only repeat: a missing or forbidden file is a bug or bad data.
_DETERMINISTIC = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)


def is_infrastructure(exc: BaseException) -> bool:
    """True if ``exc`` (or what caused it) says a store or the network failed, not the code."""
    global _KINDS
    if _KINDS is None:  # on first use: importing redis/asyncpg is no business of an import of this module
        _KINDS = _infrastructure_types()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _KINDS) and not isinstance(current, _DETERMINISTIC):
            return True
        if getattr(current, "connection_invalidated", False):  # SQLAlchemy: the connection was lost
            return True
        current = current.__cause__ or current.__context__
    return False
