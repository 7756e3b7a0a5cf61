"""Per-address sign-in throttle: past a free allowance, each failure makes the address wait.

It works beside the per-account lockout (``service.MAX_FAILED_LOGINS``). The lockout
protects one account and lasts ``service.LOCKOUT``, however long someone keeps trying it;
the throttle slows one address, whichever accounts it tries, with delays that double
after each failure past ``FREE_FAILURES`` (1 s, 2 s, 4 s … up to ``MAX_DELAY``).
While an address waits its attempts are answered at once (429) and not checked at all,
so a flood neither learns anything nor extends anyone's lockout. The allowance is
generous because a whole call-center floor may sign in from one address (NAT), and
a typo must not cost a colleague their shift.

Counts live in the database (``sign_in_failures``), not Redis, as sessions do: signing in
keeps working, and keeps being slowed, when Redis is lost. An address is forgotten
``FORGET_AFTER`` its last failure; a successful sign-in does not reset it (one known
password must not buy an attacker's address a fresh allowance).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcenter.agents.models import SignInFailures

FREE_FAILURES = 10
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
UNKNOWN = "unknown"  # a request without a peer address (not seen behind uvicorn)


def delay(failures: int) -> timedelta:
    """How long an address waits after its ``failures``-th failure in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES - 1)), MAX_DELAY)


def _key(address: str | None) -> str:
    return (address or UNKNOWN)[:64]


def wait_seconds(session: Session, address: str | None, *, now: datetime) -> int:
    """Whole seconds the address must still wait before trying again (0: it may try now)."""
    found = session.execute(
        select(SignInFailures.failures, SignInFailures.last_failed_at)
        .where(SignInFailures.address == _key(address))
    ).first()
    if found is None or now - found.last_failed_at >= FORGET_AFTER:
        return 0
    remaining = (found.last_failed_at + delay(found.failures) - now).total_seconds()
    return max(0, math.ceil(remaining))


def count_failure(session: Session, address: str | None, *, now: datetime) -> None:
    """One more failed sign-in from the address (atomic: parallel failures all count)."""
    table = SignInFailures.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    forgotten = table.c.last_failed_at <= now - FORGET_AFTER
    session.execute(
        insert(table).values(address=_key(address), failures=1, last_failed_at=now)
        .on_conflict_do_update(index_elements=["address"], set_={
            "failures": case((forgotten, 1), else_=table.c.failures + 1),
            "last_failed_at": now,
        })
    )
    # Each failure tidies the addresses long forgotten, so the table stays small.
    session.execute(delete(SignInFailures)
                    .where(SignInFailures.last_failed_at <= now - FORGET_AFTER))
