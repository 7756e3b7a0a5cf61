"""``IvrPorts`` against the foundation: queue state from Redis, rows through the services.

Services are synchronous, so database work runs in a thread (ARCHITECTURE rule 5); the
transaction is committed here, at the boundary. Each method raises on an infrastructure
failure; the server turns that into "unknown" and the caller carries on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

import callcenter.models  # noqa: F401  (every mapper, so flushes can resolve foreign keys)
from callcenter import topics
from callcenter.calls import callbacks
from callcenter.db import utcnow
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.config import DispatchSettings, get_dispatch_settings
from callcenter.dispatch.delivery import enqueue
from callcenter.errors import DomainError
from ivr import wait
from ivr.ports import CallbackRequest, DispatchAnswer

log = logging.getLogger(__name__)

# How long a finished booking is remembered for a late "withdraw it" from its flow.
BOOKING_MEMORY_SECONDS = 120.0


class FoundationPorts:
    def __init__(
        self,
        redis_client: Any,
        sessions: sessionmaker[Session] | None,
        *,
        nodes: Sequence[str] = (),
        sync_redis: Any = None,
        dispatch_settings: DispatchSettings | None = None,
    ) -> None:
        self.redis = redis_client  # a redis.asyncio.Redis, or None: waits are unknown
        self.sessions = sessions
        # The bridge keeps each node's queues in the hash live.<node>.queues (field = queue
        # name, value = the full state it publishes as queue.<name>.updated).
        self.nodes = tuple(nodes)
        # A redis.Redis for what follows a unit's answer (publishing the dispatch's state):
        # the dispatch code is synchronous and runs in the database thread.
        self.sync_redis = sync_redis
        self.dispatch_settings = dispatch_settings
        # Bookings in flight or just finished, by the identity of the flow's request: a
        # flow that got no answer in time withdraws exactly that booking.
        self._bookings: dict[int, asyncio.Future[int]] = {}
        self._withdrawals: set[asyncio.Future[bool]] = set()

    async def estimated_wait(self, queue: str) -> float | None:
        if self.redis is None:
            return None
        # A call reaches the IVR from one node, but the IVR cannot tell which: the longest
        # estimate across nodes is the careful one (one node in most deployments).
        estimates = []
        for node in self.nodes:
            raw = await self.redis.hget(topics.live_key(node, topics.QUEUE), queue)
            if raw is not None:
                estimate = wait.estimate_wait(json.loads(raw))
                if estimate is not None:
                    estimates.append(estimate)
        return max(estimates, default=None)

    async def store_callback(self, request: CallbackRequest) -> bool:
        # The thread goes on when the server stops waiting (its port timeout): the booking
        # is kept so that cancel_callback can wait for it and withdraw what it stored.
        booking = asyncio.ensure_future(asyncio.to_thread(self._store_callback, request))
        key = id(request)
        self._bookings[key] = booking
        booking.add_done_callback(lambda done: self._booked(key, done))
        await asyncio.shield(booking)
        return True

    async def cancel_callback(self, request: CallbackRequest) -> bool:
        booking = self._bookings.pop(id(request), None)
        if booking is None:
            return True  # never attempted here: nothing can commit later
        # Shielded, so that a server that stops waiting does not stop the withdrawal.
        withdrawal = asyncio.ensure_future(self._withdraw(booking, request.call_id))
        self._withdrawals.add(withdrawal)
        withdrawal.add_done_callback(self._withdrawals.discard)
        return await asyncio.shield(withdrawal)

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        return await asyncio.to_thread(self._record_dispatch_answer, answer)

    def _booked(self, key: int, booking: asyncio.Future[int]) -> None:
        if not booking.cancelled():
            booking.exception()  # retrieved here: whoever awaited it may have given up
        asyncio.get_running_loop().call_later(BOOKING_MEMORY_SECONDS, self._forget, key,
                                              booking)

    def _forget(self, key: int, booking: asyncio.Future[int]) -> None:
        if self._bookings.get(key) is booking:
            del self._bookings[key]

    async def _withdraw(self, booking: asyncio.Future[int], call_id: str) -> bool:
        try:
            callback_id = await booking
        except Exception:
            return True  # the booking failed: nothing was stored
        try:
            withdrawn = await asyncio.to_thread(self._withdraw_row, callback_id)
        except Exception as exc:
            log.warning("ivr.callback_withdraw_failed callback_id=%s error=%s", callback_id,
                        type(exc).__name__)
            return False
        log.info("ivr.callback_withdrawn call_id=%s callback_id=%s done=%s", call_id,
                 callback_id, withdrawn)
        return withdrawn

    # --- database work, in a thread ------------------------------------------------------

    def _session(self) -> Session:
        if self.sessions is None:
            raise RuntimeError("no database configured")
        return self.sessions()

    def _store_callback(self, request: CallbackRequest) -> int:
        with self._session() as session, session.begin():
            callback_id = callbacks.book(
                session, call_uniqueid=request.call_id,
                call_node=self.nodes[0] if len(self.nodes) == 1 else None,
                number=request.number, queue=request.queue, priority=request.priority,
                language=str(request.language),
                issue=str(request.issue) if request.issue else None, now=utcnow(),
            )
        log.info("ivr.callback_stored call_id=%s callback_id=%s queue=%s", request.call_id,
                 callback_id, request.queue)
        return callback_id

    def _withdraw_row(self, callback_id: int) -> bool:
        with self._session() as session, session.begin():
            return callbacks.withdraw(session, callback_id, now=utcnow())

    def _record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        if not answer.dispatch_id.isdigit() or answer.answer not in ("yes", "no"):
            return False  # no answer: the dispatch's escalation ladder takes it from here
        try:
            with self._session() as session, session.begin():
                dispatch = dispatches.record_voice_answer(
                    session, int(answer.dispatch_id), unit_code=answer.unit,
                    answer=answer.answer,
                )
                dispatch_id = dispatch.id if dispatch is not None else None
        except DomainError as exc:
            log.warning("ivr.dispatch_answer_refused dispatch_id=%s error=%s",
                        answer.dispatch_id, type(exc).__name__)
            return False
        if dispatch_id is None:
            return False
        log.info("ivr.dispatch_answer dispatch_id=%s answer=%s", answer.dispatch_id,
                 answer.answer)
        self._after_commit(dispatch_id)
        return True

    def _after_commit(self, dispatch_id: int) -> None:
        """Publish the answered dispatch (wallboard alarm, unit console, a decline notice
        to the agent) and reschedule what it is owed; the answer is recorded either way."""
        if self.sync_redis is None or self.sessions is None:
            log.warning("ivr.dispatch_not_published dispatch_id=%s reason=no_redis",
                        dispatch_id)
            return
        try:
            enqueue.after_commit(self.sync_redis, dispatch_id, sessions=self.sessions,
                                 settings=self.dispatch_settings or get_dispatch_settings())
        # Redis down: the relay's alarm resync corrects the wallboard later; the unit's and
        # agent's screens show it on their next load.
        except Exception as exc:
            log.warning("ivr.dispatch_not_published dispatch_id=%s error=%s", dispatch_id,
                        type(exc).__name__)
