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

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import callcenter.models  # noqa: F401  (every mapper, so flushes can resolve foreign keys)
from callcenter.ami.sink import snapshot_key
from callcenter.calls.models import Call
from callcenter.calls.models import CallbackRequest as CallbackRow
from callcenter.dispatch import service as dispatches
from callcenter.errors import DomainError
from ivr import wait
from ivr.ports import CallbackRequest, DispatchAnswer

log = logging.getLogger(__name__)


class FoundationPorts:
    def __init__(
        self,
        redis_client: Any,
        sessions: sessionmaker[Session] | None,
        *,
        nodes: Sequence[str] = (),
    ) -> None:
        self.redis = redis_client  # a redis.asyncio.Redis, or None: waits are unknown
        self.sessions = sessions
        # The bridge keeps each node's queues in the hash live.<node>.queues (field = queue
        # name, value = the full state it publishes as queue.<name>.updated).
        self.nodes = tuple(nodes)

    async def estimated_wait(self, queue: str) -> float | None:
        if self.redis is None:
            return None
        # A call reaches the IVR from one node, but the IVR cannot tell which: the longest
        # estimate across nodes is the careful one (one node in most deployments).
        estimates = []
        for node in self.nodes:
            raw = await self.redis.hget(snapshot_key(node, "queue"), queue)
            if raw is not None:
                estimate = wait.estimate_wait(json.loads(raw))
                if estimate is not None:
                    estimates.append(estimate)
        return max(estimates, default=None)

    async def store_callback(self, request: CallbackRequest) -> bool:
        return await asyncio.to_thread(self._store_callback, request)

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        return await asyncio.to_thread(self._record_dispatch_answer, answer)

    # --- database work, in a thread ------------------------------------------------------

    def _session(self) -> Session:
        if self.sessions is None:
            raise RuntimeError("no database configured")
        return self.sessions()

    def _store_callback(self, request: CallbackRequest) -> bool:
        with self._session() as session, session.begin():
            call_id = session.scalar(
                select(Call.id).where(Call.uniqueid == request.call_id).limit(1)
            )
            session.add(CallbackRow(
                call_id=call_id,
                # The bridge may not have written the call yet: the job links it later.
                call_uniqueid=request.call_id or None,
                call_node=self.nodes[0] if len(self.nodes) == 1 else None,
                number=request.number,
                queue_name=request.queue,
                priority=request.priority,
                language=str(request.language),
                issue_area=str(request.issue) if request.issue else None,
            ))
        log.info("ivr.callback_stored call_id=%s queue=%s", request.call_id, request.queue)
        return True

    def _record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        if not answer.dispatch_id.isdigit() or answer.answer not in ("yes", "no"):
            return False  # no answer: the dispatch's escalation ladder takes it from here
        try:
            with self._session() as session, session.begin():
                dispatch = dispatches.record_voice_answer(
                    session, int(answer.dispatch_id), unit_code=answer.unit,
                    answer=answer.answer,
                )
        except DomainError as exc:
            log.warning("ivr.dispatch_answer_refused dispatch_id=%s error=%s",
                        answer.dispatch_id, type(exc).__name__)
            return False
        if dispatch is None:
            return False
        log.info("ivr.dispatch_answer dispatch_id=%s answer=%s", answer.dispatch_id,
                 answer.answer)
        return True
