"""Whether a pooled PostgreSQL connection is still there, found without a round trip.

Every request checks a connection out of the pool. Asking the server ("pre-ping") cost
each one a round trip more (a quick request makes five or six). Instead the socket
is asked: an idle connection receives nothing unasked (we LISTEN on none), so a socket
with something to read means the server has said goodbye — a restart, an ended backend,
an idle timeout: a FATAL message, then the end of the stream. Such a connection is
replaced before the request sees it. What this cannot see (a cable pulled between two
machines, no goodbye sent) fails the first statement instead: SQLAlchemy then discards
the connection, and a console request answers 503, "not saved, try again".
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Engine, event, exc


def closed_by_server(dbapi_connection: Any) -> bool:
    """Whether this idle psycopg connection is closed, broken or told to go away."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    # poll, not select: a busy process's descriptors may be numbered past select's 1024.
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if closed_by_server(dbapi_connection):
        # The pool discards it and hands out a new connection in its place.
        raise exc.DisconnectionError("the database server closed this connection")


def check_on_checkout(engine: Engine) -> None:
    event.listen(engine, "checkout", _refuse_closed)
