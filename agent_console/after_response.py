"""A request's after-commit work, run once its answer has been sent.

A request's transaction commits before its answer is sent (``deps.db_session``): a
client that reads back what it wrote finds it. What the commit made owed (a dispatch's
alerts to enqueue, an event to publish: ``callcenter.after_commit``) need not hold the
answer back: enqueueing a dispatch's alerts reads the dispatch back and speaks to Redis
several times, and the agent's click waited for all of it. ``AfterResponse`` runs that
work in the thread pool as soon as the last byte of the answer is written.

Nothing is lost if the process dies between the two: a dispatch's alerts are rows
already committed, and the outbox relay enqueues whatever was not
(``callcenter.dispatch.delivery.relay``); the live events are redrawn from state.

The answered client may send its next request at once, so this work no longer holds
the requests back: at most ``AT_ONCE`` requests' work runs at a time in a process, the
rest waits its turn. Unbounded, it took more database connections than the pool holds
while the requests holding the others waited for a thread: every request then stood
until the pool's timeout.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from callcenter import after_commit

# The scope's key for the hooks waiting for the answer (a list, set by ``AfterResponse``).
SCOPE_KEY = "callcenter.after_response"
# Requests whose after-commit work may run at once in a process (each may take a
# database connection: a dispatch's alerts are read back): far below the pool's size.
AT_ONCE = 4


def defer(scope: Scope, hooks: list[after_commit.Hook]) -> bool:
    """Leave ``hooks`` to run after the answer; False when nobody will (no middleware,
    or a stream whose answer lasts as long as the page stays open): run them now."""
    waiting = scope.get(SCOPE_KEY)
    if waiting is None:
        return False
    waiting.extend(hooks)
    return True


class AfterResponse:
    """Run the hooks a request deferred once its answer has gone (or it failed)."""

    def __init__(self, app: ASGIApp, at_once: int = AT_ONCE) -> None:
        self.app = app
        self.at_once = at_once
        # Made on first use: a limiter belongs to the running event loop.
        self._limiter: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hooks: list[after_commit.Hook] = []
        scope[SCOPE_KEY] = hooks
        try:
            await self.app(scope, receive, send)
        finally:
            # The transaction behind them committed even when the answer then failed.
            if hooks:
                if self._limiter is None:
                    self._limiter = anyio.CapacityLimiter(self.at_once)
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(after_commit.run_hooks, hooks,
                                                   limiter=self._limiter)
