"""Work that must wait for the transaction that made it owed: jobs to enqueue, events to publish.

Code that changes rows registers a hook on the session (``register``) instead of acting
at once: a job enqueued or an event published before the commit could announce a row
that a later error rolls back, or reach a worker before the row is visible. Whoever owns
the transaction commits and then calls ``run``: the console's request session
(``agent_console.deps.db_session``) and ``callcenter.db.session_scope``. Nobody else
commits, so services and routes never decide when.

The hooks follow the transaction: when it commits they become ready to run; when it is
rolled back as a whole they are dropped, since what they would announce was never saved.
A savepoint's commit or rollback leaves them as they are: they belong to the outer
transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

Hook = Callable[[], object]

# Keys in ``Session.info``: hooks waiting for the commit, and hooks whose commit happened.
PENDING = "after_commit.pending"
READY = "after_commit.ready"


def register(session: Session, hook: Hook) -> None:
    """Run ``hook`` once the session's current transaction is committed (never if it is
    rolled back)."""
    if not session.in_transaction():
        # The hook belongs to a transaction: begin the one the next statement would.
        session.begin()
    session.info.setdefault(PENDING, []).append(hook)


def pending(session: Session) -> int:
    """How many hooks wait for the commit (for tests and logs)."""
    return len(session.info.get(PENDING, ()))


def run(session: Session) -> None:
    """Run the hooks whose transaction was committed, in the order they were registered."""
    run_hooks(take(session))


def take(session: Session) -> list[Hook]:
    """The hooks whose transaction was committed, taken from the session to be run later
    (``run_hooks``): by the console once its answer is sent (``agent_console.after_response``)."""
    return session.info.pop(READY, [])


def run_hooks(hooks: list[Hook]) -> None:
    """Run hooks taken from a committed session, in order.

    A hook that fails is logged by its type and skipped: its rows are committed, so the
    answer must not say otherwise, and the next hooks still run. (Dispatch alerts also
    have the outbox relay, which enqueues whatever a failed hook did not.)
    """
    for hook in hooks:
        try:
            hook()
        except Exception as exc:
            log.warning("after-commit step %s failed (%s)", _name(hook), type(exc).__name__)


def discard(session: Session) -> None:
    """Forget every hook of this session, run or not (the session is being closed)."""
    session.info.pop(PENDING, None)
    session.info.pop(READY, None)


def _name(hook: Hook) -> str:
    return getattr(hook, "__qualname__", type(hook).__name__)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # Also called when a savepoint is released: its hooks wait for the outer commit.
    if session.in_nested_transaction():
        return
    hooks = session.info.pop(PENDING, None)
    if hooks:
        session.info.setdefault(READY, []).extend(hooks)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # A savepoint rolled back leaves the outer transaction (and its hooks) going on.
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
