"""Opening a project on a database server (PostgreSQL): driver, connection, one-line errors.

A team project lives in a PostgreSQL database named by a SQLAlchemy URL
(``postgresql+psycopg://user@host:5432/name``). Whatever stops us from reaching it (the
driver not installed, the server not answering, a refused login, no such database) is said
in one line naming the host and the reason, never as a traceback; the password is never
printed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from qualtally.core.errors import InputError

CONNECT_TIMEOUT_S = 10
"""How long a connection attempt waits for a server that does not answer."""


def is_url(where: object) -> bool:
    return "://" in str(where)


def shown(url: str | URL) -> str:
    """The URL as messages show it (password hidden)."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return str(url)


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _reason(err: BaseException) -> str:
    """The driver's own words, reduced to the line that says why."""
    text = str(getattr(err, "orig", None) or err).strip()
    for line in text.splitlines():
        line = line.strip()
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip()
    first = text.splitlines()[0] if text else type(err).__name__
    if "failed:" in first:
        first = first.rsplit("failed:", 1)[1].strip()
    return first


def server_engine(text: str) -> Engine:
    """An engine for a server URL whose first connection has been made (and returned)."""
    try:
        url = sa.engine.make_url(text)
    except sa.exc.ArgumentError as err:
        raise InputError(text, f"not a database URL ({err})") from None
    if url.drivername == "postgresql":  # SQLAlchemy's default driver is psycopg2; ours is psycopg
        url = url.set(drivername="postgresql+psycopg")
    args = {"connect_timeout": CONNECT_TIMEOUT_S} if url.get_backend_name() == "postgresql" else {}
    try:
        engine = sa.create_engine(url, connect_args=args)
    except ModuleNotFoundError as err:
        raise InputError(
            shown(url),
            f"the database driver is not installed ({err.name}); install qualtally with its "
            "`postgres` extra: pip install 'qualtally[postgres]'",
        ) from None
    except sa.exc.NoSuchModuleError:
        raise InputError(shown(url), f"no database dialect {url.drivername!r} (use "
                                     "postgresql+psycopg://USER@HOST:PORT/DATABASE)") from None
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        engine.dispose()
        raise InputError(shown(url), f"cannot connect to {_where(url)}: {_reason(err)}") from None
    return engine
