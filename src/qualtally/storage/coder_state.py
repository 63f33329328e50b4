"""Where each coder left off: a few JSON values per coder in table ``coder_state``.

The coding screen writes the coder's place (screen, document, excerpt, excerpt order,
codebook filter) on every move and reads it back on start, so reopening a project shows
the same excerpt. It is not part of the audit trail: no event is logged, undo ignores it,
and a value naming a document or excerpt that no longer exists is simply not used.
Portable SQL only (an UPDATE, then an INSERT for keys not there yet, in one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write


def read(conn: Connection, coder: str) -> dict[str, Any]:
    """Every value saved for ``coder`` (an empty dict for a coder never seen)."""
    rows = conn.execute(sa.select(t.coder_state.c.key, t.coder_state.c.value)
                        .where(t.coder_state.c.coder == coder))
    return {key: value for key, value in rows}


def write(engine: Engine, coder: str, values: Mapping[str, Any]) -> None:
    """Set ``values`` for ``coder`` in one transaction; other keys are left as they were."""
    if not values:
        return
    table = t.coder_state
    with begin_write(engine) as conn:
        for key, value in values.items():
            where = (table.c.coder == coder) & (table.c.key == key)
            if conn.execute(sa.update(table).where(where).values(value=value)).rowcount == 0:
                conn.execute(sa.insert(table).values(coder=coder, key=key, value=value))
