"""Supervisors listening in on calls: the bridge's monitoring records, and reading them.

The bridge hands over each ChanSpy run as it changes (`ami.effects.MonitoringRecord`);
a row is created at its start and closed at its end, and each of the two is audited
once, as the supervisor's (``call.<mode>.start`` / ``call.<mode>.end``), on the call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter import audit
from callcenter.calls.models import Call, CallMonitoring, MonitorMode


def spying_phone(channel: str) -> str:
    """The phone of a channel: PJSIP/supervisor of PJSIP/supervisor-0000000a."""
    return channel.rpartition("-")[0] or channel


def record_many(session: Session, *, node: str, records: Iterable[Any],
                user_of_phone: Any = None) -> int:
    """Create or close each run's row; the start and the end are audited once each."""
    count = 0
    for item in records:
        row = session.scalar(select(CallMonitoring).where(
            CallMonitoring.node == node, CallMonitoring.spy_uniqueid == item.spy_uniqueid))
        started = row is None
        if row is None:
            user_id = item.supervisor_user_id
            if user_id is None and user_of_phone is not None:
                user_id = user_of_phone(spying_phone(item.spy_channel))
            row = CallMonitoring(node=node, spy_uniqueid=item.spy_uniqueid,
                                 supervisor_user_id=user_id,
                                 mode=MonitorMode(item.mode) if item.mode else None,
                                 spy_channel=item.spy_channel[:128],
                                 agent_channel=item.agent_channel[:128],
                                 started_at=item.started_at)
            session.add(row)
        if row.call_id is None and item.call_uniqueid:
            row.call_id = session.scalar(select(Call.id).where(
                Call.node == node, Call.uniqueid == item.call_uniqueid))
        row.agent_channel = (item.agent_channel or row.agent_channel)[:128]
        ended = row.ended_at is None and item.ended_at is not None
        row.ended_at = row.ended_at or item.ended_at
        session.flush()
        if started:
            _audit(session, row, "start")
        if ended:
            _audit(session, row, "end")
        count += 1
    return count


def _audit(session: Session, row: CallMonitoring, step: str) -> None:
    mode = str(row.mode) if row.mode else "monitor"
    entity = ("call", row.call_id) if row.call_id else ("call_monitoring", row.id)
    audit.record(session, actor_id=row.supervisor_user_id, action=f"call.{mode}.{step}",
                 entity_type=entity[0], entity_id=entity[1])


def of_calls(session: Session, call_ids: Iterable[int]) -> dict[int, list[CallMonitoring]]:
    """The monitoring of each call, oldest first."""
    found: dict[int, list[CallMonitoring]] = {}
    ids = list(call_ids)
    if not ids:
        return found
    for row in session.scalars(select(CallMonitoring).where(CallMonitoring.call_id.in_(ids))
                               .order_by(CallMonitoring.started_at, CallMonitoring.id)):
        found.setdefault(row.call_id, []).append(row)
    return found
