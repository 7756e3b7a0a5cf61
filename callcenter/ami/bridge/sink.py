"""Carry out the tracker's effects: call rows to the database, live state to Redis.

Publishing is immediate (pub/sub message plus a snapshot hash a new page reads at once).
Call rows go through a writer task that coalesces by uniqueid and retries while the
database is away, so a slow or restarting database never stalls the AMI read path and
never loses a row.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from callcenter import topics
from callcenter.agents import history
from callcenter.ami.effects import (
    AgentStateChanged,
    CallRecord,
    Effect,
    MonitoringRecord,
    Publish,
    UpsertCall,
    UpsertMonitoring,
)
from callcenter.calls import legs as call_legs
from callcenter.calls import monitoring
from callcenter.calls import service as calls

log = logging.getLogger(__name__)

KINDS = (topics.CALL, topics.QUEUE, topics.AGENT)  # the kinds with a live hash
# An agent's new state after which the wrap-up rule may owe a pause (resumed) or a lift.
WRAP_UP_STATES = ("available", "paused")
DIRECTORY_TTL = 60.0  # seconds a user directory (interface/login → user id) is trusted


def transient(exc: BaseException) -> bool:
    """The database is away or busy (retry everything), rather than refusing one row."""
    return isinstance(exc, TRANSIENT) or bool(getattr(exc, "connection_invalidated", False))


TRANSIENT = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
             sa_exc.TimeoutError, OSError)


class RecordWriter:
    """Coalescing, retrying writer of call records (one DB statement per batch).

    A batch that fails twice for a reason other than the database being away is split
    until the rows the database refuses on their own are found; those are set aside
    (counted in `rejected`, logged by uniqueid only) so that one bad value never stalls
    every other call's row.
    """

    def __init__(self, node: str, sessions: sessionmaker[Session] | None,
                 on_written: Callable[[int], None] | None = None) -> None:
        self.node = node
        self.sessions = sessions
        self.pending: dict[str, CallRecord] = {}
        self.pending_states: list[AgentStateChanged] = []
        self.pending_monitoring: dict[str, MonitoringRecord] = {}
        self.monitoring_written = 0
        self.written = 0
        self.states_written = 0
        self.rejected = 0
        self.in_flight = 0  # records of the batch being written now
        self._wake = asyncio.Event()
        self._on_written = on_written
        # Told (on the event loop) after each batch of call rows is in the database.
        self.on_calls_written: Callable[[int], None] | None = None
        # Told (in the writer's thread) after each commit: the users whose call ended or
        # whose queue state changed, for the after-call work rule (calls.wrap_up_jobs).
        self.on_agents_touched: Callable[[set[int]], None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.coalesce_seconds = 0.2
        self._users: history.Directory | None = None
        self._users_at = -DIRECTORY_TTL

    def add(self, records: Sequence[CallRecord],
            states: Sequence[AgentStateChanged] = (),
            monitors: Sequence[MonitoringRecord] = ()) -> None:
        for record in records:
            self.pending[record.uniqueid] = record
        self.pending_states.extend(states)
        for monitor in monitors:
            self.pending_monitoring[monitor.spy_uniqueid] = monitor
        if self.pending or self.pending_states or self.pending_monitoring:
            self._idle.clear()
            self._wake.set()

    @property
    def unwritten(self) -> int:
        return (len(self.pending) + len(self.pending_states) + len(self.pending_monitoring)
                + self.in_flight)

    async def run(self) -> None:
        delay = 0.2
        failures = 0
        while True:
            await self._wake.wait()
            # A call changes several times a second while it starts; waiting a moment lets
            # those changes collapse into one row write. Live state is published at once.
            await asyncio.sleep(self.coalesce_seconds)
            self._wake.clear()
            while self.pending or self.pending_states or self.pending_monitoring:
                batch, self.pending = self.pending, {}
                states, self.pending_states = self.pending_states, []
                monitors, self.pending_monitoring = self.pending_monitoring, {}
                self.in_flight = len(batch) + len(states) + len(monitors)
                try:
                    write = self._write_apart if failures >= 2 else self._write
                    await asyncio.to_thread(write, list(batch.values()), states)
                    if batch and self.on_calls_written is not None:
                        self.on_calls_written(len(batch))
                    if monitors:
                        # After the calls: a run names its call by the call's row.
                        await asyncio.to_thread(self._write_monitoring,
                                                list(monitors.values()))
                    delay, failures = 0.2, 0
                except Exception as exc:
                    # Not transient: the next try splits the batch to find the bad rows.
                    failures = 1 if transient(exc) else failures + 1
                    # The type only: database errors quote the row's values (phone numbers).
                    log.error("call records not written (%s); retrying in %.1fs",
                              type(exc).__name__, delay)
                    # Newer records that arrived meanwhile win over the failed batch.
                    self.pending = {**batch, **self.pending}
                    self.pending_states = states + self.pending_states
                    self.pending_monitoring = {**monitors, **self.pending_monitoring}
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                finally:
                    self.in_flight = 0
            self._idle.set()

    def _directory(self, session: Session) -> history.Directory:
        """Users by interface and login, read again at most once a minute."""
        now = time.monotonic()
        if self._users is None or now - self._users_at > DIRECTORY_TTL:
            self._users, self._users_at = history.directory(session), now
        return self._users

    def _write(self, records: list[CallRecord], states: list[AgentStateChanged]) -> None:
        if self.sessions is None:
            self.written += len(records)
            self.states_written += len(states)
            return
        with self.sessions() as session:
            users = self._directory(session)
            for record in records:
                if record.agent_interface and record.agent_user_id is None:
                    record.agent_user_id = users.user_id(record.agent_interface, None,
                                                         record.agent_name)
            calls.record_many(session, node=self.node, records=records)
            call_legs.record_many(
                session, node=self.node, records=records,
                user_of=lambda leg: users.user_id(leg.agent_interface, None, leg.agent_name))
            history.record_changes(session, node=self.node, changes=states, users=users)
            session.commit()
        self.written += len(records)
        self.states_written += len(states)
        self._touched(records, states, users)
        if self._on_written is not None:
            self._on_written(len(records))

    def _touched(self, records: list[CallRecord], states: list[AgentStateChanged],
                 users: history.Directory) -> None:
        if self.on_agents_touched is None:
            return
        touched = {r.agent_user_id for r in records
                   if r.ended_at is not None and r.agent_user_id is not None}
        touched |= {u for c in states if c.state in WRAP_UP_STATES and (
            u := users.user_id(c.interface, c.state_interface, c.name)) is not None}
        if touched:
            try:
                self.on_agents_touched(touched)
            except Exception as exc:  # the worker's sweep catches up; rows are written
                log.warning("after-call check not asked (%s)", type(exc).__name__)

    def _write_monitoring(self, records: list[MonitoringRecord]) -> None:
        if self.sessions is None:
            self.monitoring_written += len(records)
            return
        with self.sessions() as session:
            users = self._directory(session)
            monitoring.record_many(session, node=self.node, records=records,
                                   user_of_phone=lambda phone: users.user_id(phone))
            session.commit()
        self.monitoring_written += len(records)

    def _write_apart(self, records: list[CallRecord],
                     states: list[AgentStateChanged]) -> None:
        """Write what the database takes; set aside each row it refuses on its own."""
        if states:
            try:
                self._write([], states)
            except Exception as exc:
                if transient(exc):
                    raise
                self.rejected += len(states)
                log.error("%d agent state rows set aside: the database refuses them (%s)",
                          len(states), type(exc).__name__)
        try:
            self._write(records, [])
            return
        except Exception as exc:
            if transient(exc):
                raise
            if len(records) == 1:
                record = records[0]
                if record.agent_user_id is not None:
                    # A user deleted since the directory was read: write it without.
                    self._users = None
                    record.agent_user_id = None
                    self._write_apart(records, [])
                    return
                self.rejected += 1
                log.error("call record %s set aside: the database refuses it (%s)",
                          record.uniqueid, type(exc).__name__)
                return
        half = len(records) // 2
        self._write_apart(records[:half], [])
        self._write_apart(records[half:], [])

    async def flush(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._idle.wait(), timeout)


class Sink:
    """Hands call rows to the writer and live state to a publisher task.

    The publisher sends everything that piled up during the previous Redis round trip in
    one pipeline, keeping only the latest full state of each topic: the handler never
    waits for Redis, and a burst costs one round trip, not one per event.
    """

    def __init__(self, node: str, redis: Any | None, writer: RecordWriter) -> None:
        self.node = node
        self.redis = redis  # redis.asyncio.Redis
        self.writer = writer
        self.published = 0
        # Called after each pipeline with the arrival times of the messages it covered.
        self.on_published: Callable[[list[float]], None] | None = None
        self._outbox: dict[str, Publish] = {}
        self._replace = False
        self._arrivals: list[float] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        # Set when a publish failed: the bridge then sends the whole state again.
        self.needs_full = False
        writer.on_calls_written = self._calls_written

    def _calls_written(self, count: int) -> None:
        """Say that call rows reached the database: today's figures (read there) changed
        after the live updates that ended those calls were already published."""
        self._outbox[topics.records_written_topic(self.node)] = Publish(
            topics.records_written_topic(self.node), {"node": self.node, "calls": count})
        self._idle.clear()
        self._wake.set()

    async def apply(self, effects: Sequence[Effect], *, full: bool = False,
                    arrivals: Sequence[float] = ()) -> None:
        """Take one batch; with `full`, the snapshot is replaced rather than updated."""
        records: list[CallRecord] = []
        states: list[AgentStateChanged] = []
        monitors: list[MonitoringRecord] = []
        if full:
            # The full state supersedes every live update; an ended call or a logged-out
            # agent is not in it, so that last message must still go out.
            self._outbox = {t: p for t, p in self._outbox.items() if not p.live}
            self._replace = True
        for effect in effects:
            if isinstance(effect, UpsertCall):
                records.append(effect.record)
            elif isinstance(effect, AgentStateChanged):
                states.append(effect)
            elif isinstance(effect, UpsertMonitoring):
                monitors.append(effect.record)
            else:
                self._outbox.pop(effect.topic, None)  # keep the order of the latest
                self._outbox[effect.topic] = effect
        if records or states or monitors:
            self.writer.add(records, states, monitors)
        self._arrivals.extend(arrivals)
        if self._outbox or self._replace or self._arrivals:
            self._idle.clear()
            self._wake.set()

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            publishes, self._outbox = list(self._outbox.values()), {}
            replace, self._replace = self._replace, False
            arrivals, self._arrivals = self._arrivals, []
            await self._publish(publishes, replace)
            if self.on_published is not None and arrivals:
                self.on_published(arrivals)
            if not self._outbox and not self._replace:
                self._idle.set()

    async def flush(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._idle.wait(), timeout)

    @property
    def unpublished(self) -> int:
        return len(self._outbox)

    async def _publish(self, publishes: list[Publish], full: bool) -> None:
        if self.redis is not None and (publishes or full):
            try:
                # MULTI/EXEC only to replace the snapshot: a reader must never see it empty.
                # Plain updates need no transaction, and skip its per-command replies.
                pipe = self.redis.pipeline(transaction=full)
                if full:
                    for kind in KINDS:
                        pipe.delete(topics.live_key(self.node, kind))
                # One HSET and one HDEL per kind for the whole batch (a topic is in a
                # batch once), then the messages: half the commands of one per update.
                sets: dict[str, dict[str, str]] = {}
                gone: dict[str, list[str]] = {}
                bodies = []
                for p in publishes:
                    kind, ident = topics.kind_and_id(p.topic)
                    body = json.dumps(p.payload, ensure_ascii=False, default=str)
                    bodies.append(body)
                    if kind in KINDS:
                        if p.live:
                            sets.setdefault(kind, {})[ident] = body
                        else:
                            gone.setdefault(kind, []).append(ident)
                for kind, fields in sets.items():
                    pipe.hset(topics.live_key(self.node, kind), mapping=fields)
                for kind, idents in gone.items():
                    pipe.hdel(topics.live_key(self.node, kind), *idents)
                for p, body in zip(publishes, bodies, strict=True):
                    pipe.publish(p.topic, body)
                await pipe.execute()
            except Exception as exc:
                # The snapshot is healed by a full republish (the bridge asks for one when
                # idle too); final messages (ended, logged out) are kept for the next try.
                log.error("publish to redis failed (%d updates): %s", len(publishes),
                          type(exc).__name__)
                self.needs_full = True
                for p in publishes:
                    if not p.live:
                        self._outbox.setdefault(p.topic, p)
                await asyncio.sleep(0.5)  # Redis is away: do not spin
                return
        self.published += len(publishes)

    async def add_stats(self, counts: dict[str, int]) -> bool:
        """HINCRBY the bridge's counters; False when Redis did not take them."""
        if self.redis is None:
            return True
        try:
            pipe = self.redis.pipeline(transaction=False)
            for name, value in counts.items():
                pipe.hincrby(topics.stats_key(self.node), name, value)
            await pipe.execute()
            return True
        except Exception:
            log.warning("bridge counters not written to redis")
            return False

    async def link(self, state: dict[str, Any], *, ttl: int = 15,
                   publish: bool = True) -> None:
        """Write the link state with a fresh heartbeat; it expires after `ttl` seconds."""
        if self.redis is None:
            return
        body = json.dumps({**state, "heartbeat": round(time.time(), 3)})
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(topics.link_key(self.node), body, ex=ttl)
            if publish:
                pipe.publish(topics.link_topic(self.node), body)
            await pipe.execute()
        except Exception as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # Cancelled mid-write, and the client answered with an error of its own:
                # the cancellation still stands. Swallowed, the heartbeat would beat on,
                # and a bridge told to stop would keep its link key alive for ever.
                raise asyncio.CancelledError from exc
            log.warning("link state not written to redis: %s", type(exc).__name__)
