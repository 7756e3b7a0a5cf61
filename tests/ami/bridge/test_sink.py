"""The record writer against a real PostgreSQL: one bad row never stalls the others."""

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select

from callcenter.ami.bridge.sink import RecordWriter
from callcenter.ami.effects import CallRecord
from callcenter.calls.models import Call
from tests.ami.conftest import wait_for

T0 = datetime.fromisoformat("2026-11-22T11:05:59+00:00")


def record(n: int, **extra) -> CallRecord:
    return CallRecord(uniqueid=f"1795345559.{n}", started_at=T0, caller_number=f"08{n:08d}",
                      **extra)


async def test_a_row_the_database_refuses_is_set_aside_and_the_rest_written(
        committing_sessionmaker, caplog):
    writer = RecordWriter("pbx1", committing_sessionmaker)
    writer.coalesce_seconds = 0.01
    task = asyncio.create_task(writer.run())
    # A naive time cannot be stored (UTCDateTime refuses it): no clipping can mend it.
    bad = replace(record(13), started_at=T0.replace(tzinfo=None))
    try:
        with caplog.at_level(logging.ERROR):
            writer.add([record(n) for n in range(1, 13)] + [bad]
                       + [record(n) for n in range(14, 30)])
            await wait_for(lambda: writer.rejected == 1 and not writer.unwritten)
        with committing_sessionmaker() as s:
            assert s.scalar(select(func.count()).select_from(Call)) == 28
        # Logged by id, never by value.
        assert "1795345559.13" in caplog.text and "0800000013" not in caplog.text
        # The writer goes on: the next batch is written whole.
        writer.add([record(40)])
        await writer.flush(5)
        assert writer.written == 29
    finally:
        task.cancel()


async def test_a_full_state_does_not_swallow_a_calls_last_message(aredis, published):
    from callcenter.ami.bridge.sink import Sink
    from callcenter.ami.effects import Publish
    from tests.ami.conftest import NODE

    sink = Sink(NODE, aredis, RecordWriter(NODE, None))
    ended = Publish("call.1.2.updated", {"node": NODE, "state": "ended"}, live=False)
    agent = Publish("agent.A.updated", {"node": NODE, "status": "available"})
    await sink.apply([ended, Publish("call.1.3.updated", {"node": NODE, "state": "ivr"})])
    await sink.apply([agent], full=True)  # before the publisher ran
    task = asyncio.create_task(sink.run())
    try:
        await sink.flush(5)
        await wait_for(lambda: published.topic("agent.A.updated"))
        assert published.topic("call.1.2.updated") == [ended.payload]
        assert published.topic("call.1.3.updated") == []  # superseded by the full state
        assert await aredis.hkeys(f"live.{NODE}.agents") == [b"A"]
    finally:
        task.cancel()


async def test_stopping_with_the_database_away_says_how_many_rows_are_lost(aredis, caplog):
    from sqlalchemy.orm import sessionmaker

    from callcenter.db import make_engine
    from callcenter.simulators.asterisk import AmiSimulator
    from tests.ami.conftest import node_bridge

    # Nothing listens on port 1: every write fails as with a database that is down.
    away = sessionmaker(make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    sim = AmiSimulator(speed=50)
    port = await sim.start()
    bridge = node_bridge(port, redis=aredis, sessions=away)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(bridge.up.wait(), 5)
        await sim.play(sim.new_call(shape="ivr_hangup", queue="violence"))
        await wait_for(lambda: bridge.events_seen > 5)
        with caplog.at_level(logging.ERROR):
            await bridge.stop(timeout=1.0)  # returns: does not raise
        await asyncio.wait_for(task, 5)
        assert "call records or agent states not written" in caplog.text
        assert bridge.sink.writer.unwritten >= 1
    finally:
        await sim.stop()


class _CancelledAsError:
    """A Redis client whose pipeline, cancelled mid-write, answers with an error of its
    own instead of the cancellation (as a client may when it drops the connection)."""

    def pipeline(self, transaction: bool = False):
        return self

    def set(self, *args, **kwargs) -> None:
        return None

    def publish(self, *args, **kwargs) -> None:
        return None

    async def execute(self) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise ConnectionError("connection closed while writing") from None


async def test_a_stopped_heartbeat_stops_even_when_the_client_turns_the_cancel_into_an_error():
    from callcenter.ami.bridge.link import Link
    from callcenter.ami.bridge.sink import Sink

    link = Link("pbx1", Sink("pbx1", _CancelledAsError(), RecordWriter("pbx1", None)),
                ttl=1, refresh=0.01)
    beating = asyncio.create_task(link.beat_forever())
    await asyncio.sleep(0.05)  # inside a write now
    beating.cancel()
    done, _ = await asyncio.wait({beating}, timeout=2)
    assert beating in done and beating.cancelled()
