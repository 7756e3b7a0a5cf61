"""The database is away: which errors say so, and what the console answers then.

A connection refused, dropped or invalidated (and the pool's wait running out) is an
outage, not a bug: the request's transaction was rolled back by ``db_session``, so
nothing of it was saved, and the person is told exactly that, with a 503 and
Retry-After, instead of an "internal error". Driver messages (which name hosts and
users) are never shown or logged; the error's type is.
"""

from __future__ import annotations

from sqlalchemy import exc as sa

RETRY_AFTER_SECONDS = 10
API_BODY = {"error": "unavailable",
            "message": "service temporarily unavailable, your work was not saved, try again"}


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached or was lost mid-request."""
    if isinstance(error, sa.TimeoutError):  # every pooled connection busy or hanging
        return True
    if isinstance(error, sa.DBAPIError):
        return (error.connection_invalidated
                or isinstance(error, sa.OperationalError | sa.InterfaceError))
    return False


def kind(error: BaseException) -> str:
    """The driver's error class if there is one (``OperationalError``), for the log."""
    original = getattr(error, "orig", None)
    return type(original if original is not None else error).__name__
