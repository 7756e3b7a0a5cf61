"""The AMI bridge of one Asterisk node: connect, log in, resync, track, ping, reconnect.

The read path only frames bytes and queues messages; one handler task feeds them, in
order, to the reply collector and to the pure tracker, and hands the effects to the sink.
Actions always time out; after a reconnect nothing that changes the PBX is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from callcenter.ami import actions
from callcenter.ami.actions import Action, Reply
from callcenter.ami.bridge.config import (
    ActionTimeout,
    BridgeError,
    LinkDown,
    LoginFailed,
    LoginUnanswered,
    NodeConfig,
    NotAsteriskManager,
    Timing,
    describe,
)
from callcenter.ami.bridge.connection import AmiManager, FramedProtocol
from callcenter.ami.bridge.link import Link, report_stats_forever
from callcenter.ami.bridge.resync_runner import RESYNC_FAULT, ResyncRunner
from callcenter.ami.bridge.sink import Sink
from callcenter.ami.effects import Effect
from callcenter.ami.events import FullyBooted, Reload, Shutdown, to_event
from callcenter.ami.framing import Message, Problem
from callcenter.ami.tracker import Tracker

log = logging.getLogger(__name__)


__all__ = ["RESYNC_FAULT", "ActionTimeout", "Bridge", "BridgeError", "LinkDown",
           "LoginFailed", "NodeConfig", "Timing", "describe"]


class Bridge:
    def __init__(self, node: NodeConfig, sink: Sink, *, tracker: Tracker | None = None,
                 timing: Timing | None = None) -> None:
        self.node = node
        self.sink = sink
        self.tracker = tracker or Tracker(node.name, batch=True)
        self.timing = timing or Timing()
        self.counters: Counter[str] = Counter()
        self.manager = AmiManager(host=node.host, port=node.port)
        self.protocol: FramedProtocol | None = None
        self.logged_in = False
        self.link = Link(node.name, sink, ttl=self.timing.link_ttl,
                         refresh=self.timing.link_refresh)
        self.resync_runner = ResyncRunner(self)
        self.up = asyncio.Event()
        self._busy = False
        self._inbox: deque[tuple[Any, datetime, float]] = deque()
        self._wakeup = asyncio.Event()
        self._paused = False
        self._futures: dict[str, asyncio.Future[Reply]] = {}
        self._lost: asyncio.Future[None] | None = None
        self._ids = 0
        self._session_no = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self._stopped = asyncio.Event()
        self._restart_fault: str | None = None

    # ------------------------------------------------------------------ public
    async def run(self) -> None:
        """Run until `stop()`: the session loop, the handler and the record writer."""
        self._spawn(self._handle_forever(), "handler")
        self._spawn(self.sink.writer.run(), "writer")
        self._spawn(self.sink.run(), "publisher")
        self._spawn(report_stats_forever(self), "stats")
        self._spawn(self.link.beat_forever(), "heartbeat")
        self._spawn(self._heal_forever(), "heal")
        try:
            await self._sessions()
        finally:
            self._stopped.set()

    async def _sessions(self) -> None:
        await self.link.set("reconnecting")
        delay = self.timing.backoff_first
        while not self._stopping:
            fault: str | None = None
            try:
                await self._session()
                delay = self.timing.backoff_first
            except LoginFailed as exc:
                self.counters["login_failed"] += 1
                log.error("AMI login refused on node %s: %s", self.node.name, exc)
                await self.link.set("down", fault=f"login failed: {exc}")
                await self._sleep(self.timing.login_failed_retry)
                continue
            except NotAsteriskManager as exc:
                self.counters["not_asterisk"] += 1
                fault = f"not an Asterisk manager: {exc}"
                log.error("AMI node %s: %s", self.node.name, fault)
            except LoginUnanswered:
                self.counters["login_unanswered"] += 1
                fault = "login unanswered"
                log.error("AMI node %s: login unanswered", self.node.name)
            except (OSError, ConnectionError, TimeoutError, LinkDown, ActionTimeout) as exc:
                self.counters["connect_failed"] += 1
                log.warning("AMI node %s unreachable (%s)", self.node.name,
                            type(exc).__name__)
            finally:
                self._drop_session()
            if self._stopping:
                break
            # After a Shutdown the fault says so, and `since` stays when it began; a peer
            # that is not Asterisk, or does not answer the Login, is said too (else nothing
            # would tell a wrong port from a PBX that is simply down).
            await self.link.set("reconnecting", fault=self._restart_fault or fault)
            # Jitter keeps several bridges from reconnecting to a restarted PBX in step.
            await self._sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, self.timing.backoff_max)
        await self.link.set("down")

    async def stop(self, timeout: float = 10.0) -> None:
        """Close the link, let the session loop end, handle what was read, then stop."""
        self._stopping = True
        if self.protocol is not None:
            self.protocol.close()
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)
        try:
            await asyncio.wait_for(self._stopped.wait(), 10)
        except TimeoutError:
            log.error("bridge %s session loop did not stop", self.node.name)
        try:
            await self.drain(timeout)
        except TimeoutError:
            # The database or Redis is away: say what is lost, and stop all the same.
            log.error("bridge %s stopped with %d call records or agent states not written "
                      "and %d updates not published", self.node.name,
                      self.sink.writer.unwritten, self.sink.unpublished)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.link.set("down")

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every queued message is handled and every record written."""
        deadline = time.monotonic() + timeout
        while (self._inbox or self._busy) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await self.sink.flush(max(0.1, deadline - time.monotonic()))
        await self.sink.writer.flush(max(0.1, deadline - time.monotonic()))
        # Written rows are announced (records.<node>.written): publish that too.
        await self.sink.flush(max(0.1, deadline - time.monotonic()))

    async def send(self, action: Action, *, timeout: float | None = None,
                   action_id: str | None = None) -> Reply:
        """Send one action and wait for its whole reply; never resent after a disconnect."""
        if not self.logged_in or self.protocol is None:
            raise LinkDown(action.name)
        action_id = action_id or self._next_id()
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._futures[action_id] = future
        protocol = self.protocol
        try:
            protocol.send_action(action, action_id)
            return await asyncio.wait_for(future, timeout or self.timing.action_timeout)
        except TimeoutError:
            self.counters[f"timeout.{action.name}"] += 1
            raise ActionTimeout(action.name) from None
        except ConnectionError:
            raise LinkDown(action.name) from None
        finally:
            self._futures.pop(action_id, None)
            # A reply that comes after this is unmatched, not handed to nobody.
            protocol.session.forget(action_id)

    async def call_tracker(self, fn: Callable[[Tracker], Any], *, full: bool = False) -> None:
        """Run `fn` on the tracker in order with the events already queued.

        With `full`, its effects are the whole live state and replace the snapshot.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._push([(("fn", fn, done, full), datetime.now(UTC), time.perf_counter())])
        await done

    @property
    def events_seen(self) -> int:
        """Events read so far: handled ones plus those dropped unread as noise."""
        live = self.protocol.session.framer.skipped if self.protocol is not None else 0
        return self.counters["events"] + self.counters["skipped"] + live

    def next_action_id(self) -> str:
        return self._next_id()

    # ------------------------------------------------------------------ session
    async def _session(self) -> None:
        self._session_no += 1
        # Messages of the last session go first, so none is taken for this Login's reply.
        deadline = time.monotonic() + 5
        while self._inbox and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        protocol = await self.manager.open(self.timing.connect_timeout)
        self.protocol = protocol
        loop = asyncio.get_running_loop()
        self._lost = loop.create_future()
        protocol.on_messages = self._on_messages
        protocol.on_replies = self._on_replies
        protocol.on_problems = self._on_problems
        protocol.on_lost = self._on_lost
        # Asterisk still starting closes at once, before the banner: "not up yet".
        await asyncio.wait_for(asyncio.shield(protocol.banner), self.timing.banner_timeout)
        protocol.login(self.node.username, self.node.secret, self._next_id())
        try:
            reply = await self._await_or_lost(protocol.login_reply, self.timing.action_timeout)
        except TimeoutError:
            raise LoginUnanswered from None
        if reply.response != "Success":
            raise LoginFailed(reply.get("Message") or reply.response)
        self.logged_in = True
        self._restart_fault = None
        self.counters["logins"] += 1
        log.info("AMI node %s logged in (session %d)", self.node.name, self._session_no)
        first: asyncio.Future[bool] = loop.create_future()
        self.resync_runner.request()
        runner = self._spawn(self.resync_runner.forever(first), "resync")
        pinger = self._spawn(self._ping_forever(), "pinger")
        try:
            try:
                resynced = await self._await_or_lost(first, 2 * self.timing.action_timeout + 1)
            except TimeoutError:
                resynced = False
            if self._restart_fault is None:  # no Shutdown meanwhile
                await self.link.set("up", fault=None if resynced else RESYNC_FAULT)
                self.up.set()
            await self._lost
        finally:
            pinger.cancel()
            runner.cancel()

    async def _await_or_lost(self, future: asyncio.Future[Any], timeout: float) -> Any:
        assert self._lost is not None
        done, _ = await asyncio.wait({future, self._lost}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if future in done:
            return future.result()
        if self._lost in done:
            raise LinkDown("closed")
        raise TimeoutError("no reply")

    def request_resync(self) -> None:
        """Resynchronise soon (FullyBooted, Reload); requests made meanwhile coalesce."""
        self.resync_runner.request()

    async def _heal_forever(self) -> None:
        """A failed publish left the snapshot stale: republish it even when idle."""
        while True:
            await asyncio.sleep(self.timing.heal_interval)
            if self.sink.needs_full and not self._inbox and not self._busy:
                # The handler sees `needs_full` after this (empty) batch and republishes.
                await self.call_tracker(lambda t: [])

    async def _ping_forever(self) -> None:
        missed = 0
        while True:
            await asyncio.sleep(self.timing.ping_interval)
            try:
                await self.send(actions.ping(), timeout=self.timing.pong_timeout)
                missed = 0
            except ActionTimeout:
                missed += 1
                self.counters["pong_missed"] += 1
                log.warning("no Pong from node %s (%d missed)", self.node.name, missed)
                if missed >= self.timing.missed_pongs and self.protocol is not None:
                    # A half-open TCP link never reports itself: cut it and reconnect.
                    self.protocol.abort()
                    return
            except LinkDown:
                return

    def _drop_session(self) -> None:
        if self.logged_in:
            # In order with the messages of the session that ended.
            self._push([(("fn", lambda t: t.link_lost(), None, False), datetime.now(UTC),
                         time.perf_counter())])
        self.logged_in = False
        self.up.clear()
        for future in list(self._futures.values()):
            if not future.done():
                future.set_exception(LinkDown("link lost before the reply"))
        if self.protocol is not None:
            session = self.protocol.session
            self.counters["skipped"] += session.framer.skipped
            self.counters["reply_unmatched"] += session.take_unmatched_replies()
            for name, count in session.unknown_events.items():
                self.counters[f"unknown_event.{name.decode('ascii', 'replace')}"] += count
            self.protocol.on_messages = None
            self.protocol.on_replies = None
            self.protocol.abort()
            self.protocol = None

    # ------------------------------------------------------------------ read path
    def _on_messages(self, messages: list[Message], received_at: datetime,
                     arrived: float) -> None:
        if self.protocol is not None:
            self.counters["reply_unmatched"] += self.protocol.session.take_unmatched_replies()
        self._push([(m, received_at, arrived) for m in messages])

    def _on_replies(self, replies: list[tuple[str, Reply]]) -> None:
        for action_id, reply in replies:
            future = self._futures.get(action_id)
            if future is not None and not future.done():
                future.set_result(reply)

    def _push(self, items: list[tuple[Any, datetime, float]]) -> None:
        self._inbox.extend(items)
        self._wakeup.set()
        if not self._paused and len(self._inbox) > self.timing.inbox_high \
                and self.protocol is not None and self.protocol.transport is not None:
            self._paused = True
            self.protocol.transport.pause_reading()
            self.counters["read_paused"] += 1

    def _on_problems(self, problems: list[Problem]) -> None:
        for p in problems:
            self.counters[f"problem.{p.kind}"] += 1
            log.warning("AMI node %s: %s (%s)", self.node.name, p.kind, p.detail)

    def _on_lost(self, exc: Exception | None) -> None:
        self.counters["disconnects"] += 1
        # Waiting actions fail now rather than at their timeout; none is ever resent.
        for future in list(self._futures.values()):
            if not future.done():
                future.set_exception(LinkDown("link lost before the reply"))
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)

    # ------------------------------------------------------------------ handler
    async def _handle_forever(self) -> None:
        while True:
            if not self._inbox:
                self._busy = False
                self._wakeup.clear()
                await self._wakeup.wait()
            self._busy = True
            effects: list[Effect] = []
            full = False
            arrivals: list[float] = []
            for _ in range(min(self.timing.batch, len(self._inbox))):
                item, received_at, arrived = self._inbox.popleft()
                try:
                    if isinstance(item, tuple):
                        _, fn, done, replaces = item
                        result = fn(self.tracker)
                        if result is not None:
                            effects += result
                            full = full or replaces
                        if done is not None and not done.done():
                            done.set_result(None)
                    else:
                        effects += self._handle_message(item, received_at)
                        arrivals.append(arrived)
                except Exception as exc:
                    self.counters["handler_errors"] += 1
                    name = item.event if isinstance(item, Message) else "call"
                    # Type and place only: an exception's text may quote a caller's data.
                    log.error("AMI handler failed on %s: %s", name, describe(exc))
            if self._paused and len(self._inbox) < self.timing.inbox_high // 2 \
                    and self.protocol is not None and self.protocol.transport is not None:
                self._paused = False
                self.protocol.transport.resume_reading()
            effects += self.tracker.take_effects()
            if self.sink.needs_full:
                # Some updates never reached Redis: replace the snapshot as a whole.
                self.sink.needs_full = False
                effects += self.tracker.full_state()
                full = True
            await self.sink.apply(effects, full=full, arrivals=arrivals)
            # Let the read path and the publisher run between batches.
            await asyncio.sleep(0)

    def _handle_message(self, msg: Message, received_at: datetime) -> list[Effect]:
        headers = msg.headers
        # The session matched replies to their actions as they were read; here they are
        # seen in order with the events, which is what the resync's timing rests on.
        # OriginateResponse is an event with a Response header: test Event first.
        if "Event" not in headers:
            self.resync_runner.note(msg)
            return []
        self.counters["events"] += 1
        if "ActionID" in headers:
            self.resync_runner.note(msg)
        event = to_event(msg)
        if event is None:
            return []
        kind = type(event)
        if kind is Reload or (kind is FullyBooted and not self.resync_runner.before_reply()):
            # Booting is over, or queues were reloaded: what was listed may be stale.
            self.request_resync()
        elif kind is Shutdown:
            self._on_shutdown(event)  # type: ignore[arg-type]
        return self.tracker.handle(event, received_at)

    def _on_shutdown(self, event: Shutdown) -> None:
        self.counters["shutdowns"] += 1
        self._restart_fault = "asterisk restarting" if event.restart else "asterisk stopped"
        log.warning("AMI node %s: Asterisk is shutting down (restart: %s)", self.node.name,
                    event.restart)
        self._spawn(self.link.set("reconnecting", fault=self._restart_fault), "link")

    # ------------------------------------------------------------------ helpers
    def _next_id(self) -> str:
        self._ids += 1
        return f"{self.node.name}-{self._session_no}-{self._ids}"

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=f"ami-{self.node.name}-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("bridge task %s died: %s", task.get_name(), describe(task.exception()))

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < end:
            await asyncio.sleep(min(0.05, end - time.monotonic()))
