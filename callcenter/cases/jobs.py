"""The drafts sweeper: deletes intake drafts abandoned for a day (``drafts.purge``).

A draft may hold a survivor's name and story typed during a call that never became a
case; it must not stay in the database for ever. Runs as a thread of the worker.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from callcenter.cases import drafts
from callcenter.db import session_scope, utcnow

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 600.0


def sweep_once() -> int:
    with session_scope() as session:
        return drafts.purge(session, now=utcnow())


def sweep_forever(stop: threading.Event, interval: float = INTERVAL_SECONDS) -> None:
    """Purge until ``stop`` is set; a database outage only skips a pass."""
    log.info("drafts.sweeper_started interval=%s", interval)
    while not stop.is_set():
        try:
            purged = sweep_once()
            if purged:
                log.info("drafts.purged count=%s", purged)
        except SQLAlchemyError as exc:
            log.warning("drafts.sweep_skipped error=%s", type(exc).__name__)
        stop.wait(interval)
