"""Team projects on a server: who may do what (``qualtally grant``, storage/roles.py) and
which coder a connection is."""

from __future__ import annotations

from qualtally.core.errors import InputError
from qualtally.storage import roles
from qualtally.storage.engine import open_engine
from qualtally.storage.server import is_url


def grant(project: str, user: str, role: str) -> dict[str, str]:
    """Make ``user`` a coder or methodologist of the server project ``project``."""
    if not is_url(project):
        raise InputError(project, "roles are a server project's (a project file is protected "
                                  "by who may open the file)")
    engine = open_engine(project, create=False)
    try:
        return roles.grant(engine, user, role)
    finally:
        engine.dispose()


def server_user(project: str) -> str | None:
    """The role a server URL connects as (a coder's name on a server project), else None."""
    if not is_url(project):
        return None
    import sqlalchemy as sa

    return sa.engine.make_url(project).username
