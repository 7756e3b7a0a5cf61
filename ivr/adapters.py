"""``IvrPorts`` against the foundation: queue state from Redis, rows through SQLAlchemy.

Services are synchronous, so database work runs in a thread (ARCHITECTURE rule 5). Each
method raises on failure; the server turns that into "unknown" and the caller carries on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import callcenter.models  # noqa: F401  (every mapper, so flushes can resolve foreign keys)
from callcenter.calls.models import Call
from callcenter.calls.models import CallbackRequest as CallbackRow
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from ivr import wait
from ivr.ports import CallbackRequest, DispatchAnswer

log = logging.getLogger(__name__)

# Where the bridge keeps the last full state of each queue (the payload it publishes as
# ``queue.<name>.updated``). Agreed with the bridge; see docs/ivr.md.
QUEUE_SNAPSHOT_KEY = "snapshot:queue.{name}"


class FoundationPorts:
    def __init__(self, redis_client: Any, sessions: sessionmaker[Session]) -> None:
        self.redis = redis_client  # a redis.asyncio.Redis, or None: waits are unknown
        self.sessions = sessions

    async def estimated_wait(self, queue: str) -> float | None:
        if self.redis is None:
            return None
        raw = await self.redis.get(QUEUE_SNAPSHOT_KEY.format(name=queue))
        if raw is None:
            return None
        return wait.estimate_wait(json.loads(raw))

    async def store_callback(self, request: CallbackRequest) -> bool:
        return await asyncio.to_thread(self._store_callback, request)

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        return await asyncio.to_thread(self._record_dispatch_answer, answer)

    # --- database work, in a thread ------------------------------------------------------

    def _store_callback(self, request: CallbackRequest) -> bool:
        with self.sessions() as session, session.begin():
            call_id = session.scalar(select(Call.id).where(Call.uniqueid == request.call_id))
            session.add(CallbackRow(
                call_id=call_id,
                number=request.number,
                queue_name=request.queue,
                priority=request.priority,
            ))
        log.info("ivr.callback_stored call_id=%s queue=%s", request.call_id, request.queue)
        return True

    def _record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        if not answer.dispatch_id.isdigit():
            return False
        status = {"yes": DispatchStatus.ACKNOWLEDGED, "no": DispatchStatus.DECLINED}.get(
            answer.answer
        )
        now = datetime.now(UTC)
        with self.sessions() as session, session.begin():
            dispatch = session.get(Dispatch, int(answer.dispatch_id))
            if dispatch is None:
                return False
            note = f"voice alert answer: {answer.answer} (unit {answer.unit})"
            if status is DispatchStatus.ACKNOWLEDGED and dispatch.acknowledged_at is None:
                dispatch.status = status
                dispatch.acknowledged_at = now
            elif status is DispatchStatus.DECLINED and dispatch.declined_at is None:
                dispatch.status = status
                dispatch.declined_at = now
                dispatch.decline_reason = "declined on the voice alert"
            # "none" is recorded on the timeline only; escalation is the worker's job.
            session.add(DispatchEvent(
                dispatch_id=dispatch.id,
                status=status or dispatch.status,
                at=now,
                note=note,
            ))
        log.info("ivr.dispatch_answer dispatch_id=%s answer=%s", answer.dispatch_id, answer.answer)
        return True
