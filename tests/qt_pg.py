"""The PostgreSQL server the tests may use, and throwaway databases on it.

Every development and CI machine of this project runs PostgreSQL on 127.0.0.1:5432 with
trust authentication; ``QUALTALLY_TEST_PG_URL`` names another server. Where no server
answers (a user's machine), the tests that need one are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get("QUALTALLY_TEST_PG_URL") or DEFAULT_URL


def unavailable() -> str | None:
    """Why the tests cannot use the server (None when they can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    import sqlalchemy as sa

    engine = sa.create_engine(server_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as err:  # noqa: BLE001 - any failure means: skip, saying why
        return f"no PostgreSQL server at {server_url()} ({type(err).__name__})"
    finally:
        engine.dispose()
    return None


def require_server() -> None:
    reason = unavailable()
    if reason:
        pytest.skip(reason)


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped (with its connections) afterwards."""
    require_server()
    import sqlalchemy as sa

    admin = sa.create_engine(server_url(), isolation_level="AUTOCOMMIT")
    name = f"qt_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield (
            sa.engine.make_url(server_url())
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
