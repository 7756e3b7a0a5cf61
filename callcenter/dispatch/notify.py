"""Full-state updates to Redis after a commit: the dispatch board, the wallboard alarm,
and a declined dispatch back to the agent who sent it.

Topics: ``dispatch.<id>.updated`` (the whole dispatch), ``alarms.updated`` (every open
alarm), ``user.<id>.notices`` (the agent's own notices). A snapshot of each is kept in
Redis so a page that connects late starts from the current state. Redis keeps no
append-only file, so ``resync_alarms`` (run by the relay on every pass) rebuilds the
alarm set from the database when Redis lost it or missed a change.
"""

from __future__ import annotations

import json
from typing import Any

import redis as redis_lib
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callcenter import topics
from callcenter.cases.models import Case
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from callcenter.provinces.models import ResponseUnit

# A closed dispatch's snapshot is only for late pages; it need not live for ever.
SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600


def state(session: Session, dispatch_id: int) -> dict[str, Any] | None:
    """The dispatch as the board shows it: ids, steps, no person's data."""
    row = session.execute(
        select(Dispatch, Case.number, ResponseUnit.code, ResponseUnit.province_code)
        .join(Case, Case.id == Dispatch.case_id)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .where(Dispatch.id == dispatch_id)
    ).first()
    if row is None:
        return None
    d, case_number, unit_code, province_code = row
    escalations, version = session.execute(
        select(func.count().filter(DispatchEvent.status == DispatchStatus.ESCALATED),
               func.max(DispatchEvent.id))
        .where(DispatchEvent.dispatch_id == d.id)
    ).one()

    def iso(value):
        return value.isoformat() if value else None

    return {
        "dispatch_id": d.id, "case_id": d.case_id, "case_number": case_number,
        "unit_id": d.unit_id, "unit_code": unit_code, "province_code": province_code,
        "status": d.status.value, "urgency": d.urgency.value,
        "created_by_id": d.created_by_id, "escalations": escalations,
        # The newest timeline event: steps are serialised by the row lock, so a higher
        # version is a later state.
        "version": version or 0,
        "decline_reason": d.decline_reason, "cancel_reason": d.cancel_reason,
        "outcome": d.outcome,
        **{f"{step}_at": iso(getattr(d, f"{step}_at")) for step in (
            "created", "alerted", "acknowledged", "en_route", "on_scene", "completed",
            "declined", "escalated", "cancelled")},
    }


# Two processes may publish the same dispatch at once, each with what it read; the
# older state must not overwrite the newer one, so the check and the writes are atomic.
STORE_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
if current and tonumber(cjson.decode(current)['version']) > tonumber(ARGV[1]) then
  return -1
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[5])
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[2])
  return 1
end
return redis.call('HDEL', KEYS[2], ARGV[4])
"""


def _store(redis: redis_lib.Redis, current: dict[str, Any]) -> tuple[int, str]:
    """Keep the state as the snapshot (and in the alarm set) unless a newer one is there."""
    body = json.dumps(current, ensure_ascii=False)
    # The alarm lasts while nobody has taken the dispatch: escalated and not yet answered.
    alarmed = current["status"] == DispatchStatus.ESCALATED.value
    stored = redis.eval(STORE_IF_NEWER, 2, topics.dispatch_snapshot_key(current["dispatch_id"]),
                        topics.ALARMS_SNAPSHOT_KEY, current["version"], body,
                        "1" if alarmed else "0", str(current["dispatch_id"]),
                        SNAPSHOT_TTL_SECONDS)
    return int(stored), body


def _publish_alarms(redis: redis_lib.Redis) -> None:
    alarms = sorted(open_alarms(redis), key=lambda a: a["dispatch_id"])
    redis.publish(topics.ALARMS_TOPIC, json.dumps({"alarms": alarms}, ensure_ascii=False))


def publish(redis: redis_lib.Redis, current: dict[str, Any]) -> None:
    dispatch_id = current["dispatch_id"]
    stored, body = _store(redis, current)
    if stored == -1:
        return  # a newer state was published already
    redis.publish(topics.dispatch_topic(dispatch_id), body)
    if current["status"] == DispatchStatus.ESCALATED.value or stored:
        _publish_alarms(redis)
    if current["status"] == DispatchStatus.DECLINED.value:
        redis.publish(topics.notices_topic(current["created_by_id"]), json.dumps(
            {"kind": "dispatch_declined", "dispatch_id": dispatch_id,
             "case_id": current["case_id"], "case_number": current["case_number"],
             "reason": current["decline_reason"]}, ensure_ascii=False))


def open_alarms(redis: redis_lib.Redis) -> list[dict[str, Any]]:
    return [json.loads(v) for v in redis.hgetall(topics.ALARMS_SNAPSHOT_KEY).values()]


def resync_alarms(redis: redis_lib.Redis, session: Session) -> bool:
    """Make Redis's alarm set match the database's escalated dispatches; publish the set
    (and each changed dispatch's state) if it differed. True when something was fixed.

    After a Redis restart the set is empty while dispatches are still escalated; a
    publish lost to a Redis outage can leave an alarm that was answered meanwhile.
    """
    wanted = set(session.scalars(
        select(Dispatch.id).where(Dispatch.status == DispatchStatus.ESCALATED)))
    stored = {int(k) for k in redis.hkeys(topics.ALARMS_SNAPSHOT_KEY)}
    changed = sorted(wanted ^ stored)
    for dispatch_id in changed:
        current = state(session, dispatch_id)
        if current is None:  # gone from the database: only Redis still remembered it
            redis.hdel(topics.ALARMS_SNAPSHOT_KEY, str(dispatch_id))
            continue
        stored_now, body = _store(redis, current)
        if stored_now != -1:
            redis.publish(topics.dispatch_topic(dispatch_id), body)
    if changed:
        _publish_alarms(redis)
    return bool(changed)
