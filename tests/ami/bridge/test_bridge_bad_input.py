"""Garbage on the wire never crashes the bridge nor loses the call around it."""

import asyncio
import contextlib
import json
import logging

from sqlalchemy import select

from callcenter.calls.models import Call, CallOutcome
from callcenter.simulators.asterisk.call_events import SimAgent, SimCall, call_steps, encode
from callcenter.topics import stats_key
from tests.ami.conftest import NODE, node_bridge, wait_for


def call_bytes(caller_name: bytes) -> bytes:
    call = SimCall(seq=7, epoch=1795345559, caller="0812345678", queue="violence",
                   shape="answered", agent=SimAgent("Local/agent1@agents/n", "สมหญิง ใจดี"))
    out = b""
    for _, headers in call_steps(call):
        raw = encode(headers)
        if headers["Event"] == "NewCallerid":
            raw = raw.replace(b"CallerIDName: <unknown>", b"CallerIDName: " + caller_name)
        out += raw
    return out


async def test_garbage_oversized_tis620_unknown_and_truncated_input(aredis,
                                                                    committing_sessionmaker):
    junk = (
        b"this line is not a header\r\nEvent: Hangup\r\n\r\n"  # garbage, then a stray event
        + b"Event: VarSet\r\nValue: " + b"x" * (1024 * 1024 + 10) + b"\r\n\r\n"  # 1 MB
        + b"Event: SomethingNobodyKnows\r\nX: 1\r\n\r\n"
        + b"Event: QueueCallerLeave\r\nUniqueid: 1.999\r\nQueue: violence\r\n\r\n"
    )
    payload = junk + call_bytes("สมชาย".encode("tis-620")) + b"Event: Hangup\r\nChann"
    connections = []

    async def serve(reader, writer):
        connections.append(writer)
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")  # the Login
        writer.write(b"Response: Success\r\nActionID: x\r\nMessage: Authentication accepted"
                     b"\r\n\r\n")
        if len(connections) == 1:
            for i in range(0, len(payload), 4096):  # many reads, splits anywhere
                writer.write(payload[i:i + 4096])
                await writer.drain()
            writer.close()  # mid-message

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bridge = node_bridge(port, redis=aredis, sessions=committing_sessionmaker,
                         action_timeout=0.3)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.counters["disconnects"] >= 1, timeout=15)
        await bridge.drain()
        with committing_sessionmaker() as s:
            rows = list(s.scalars(select(Call)))
        assert len(rows) == 1
        assert rows[0].outcome is CallOutcome.ANSWERED and rows[0].caller_name == "สมชาย"
        for kind in ("garbage_line", "oversized", "not_utf8", "truncated"):
            assert bridge.counters[f"problem.{kind}"] >= 1, kind
        assert bridge.counters["unknown_event.SomethingNobodyKnows"] == 1
        assert bridge.counters["handler_errors"] == 0
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        for w in connections:
            w.transport.abort()
        server.close()
        with contextlib.suppress(Exception):
            await server.wait_closed()


async def test_values_too_big_for_the_row_are_cut_and_the_call_still_recorded(
        aredis, committing_sessionmaker):
    long_channel = "Local/1300@from-pstn-" + "a" * 300 + ";2"
    calls = []
    for seq, caller in ((8, "0" * 100_000), (9, "0812345679")):
        call = SimCall(seq=seq, epoch=1795345559, caller=caller, queue="violence",
                       shape="answered", agent=SimAgent("Local/agent1@agents/n", "A1"))
        for _, headers in call_steps(call):
            headers = dict(headers)
            if seq == 8 and headers.get("Channel") == call.channel:
                headers["Channel"] = long_channel
            if headers.get("Variable") == "IVR_CHOICE":
                headers["Value"] = "1" * 50
            calls.append(encode(headers))
            if headers.get("Variable") == "IVR_QUEUE":
                calls.append(encode({**headers, "Variable": "IVR_PRIORITY",
                                     "Value": "9" * 30}))

    async def serve(reader, writer):
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"Response: Success\r\nActionID: x\r\n\r\n" + b"".join(calls))
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis,
                         sessions=committing_sessionmaker, action_timeout=0.3)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.events_seen >= len(calls))
        await bridge.drain()
        with committing_sessionmaker() as s:
            rows = {r.uniqueid: r for r in s.scalars(select(Call))}
        assert len(rows) == 2 and all(r.outcome is CallOutcome.ANSWERED for r in rows.values())
        cut = rows["1795345559.33"]
        assert cut.caller_number == "0" * 40 and len(cut.channel) == 128
        assert cut.ivr_choice == "1" * 16 and cut.priority is None
        assert bridge.sink.writer.rejected == 0
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        server.close()


def without_uniqueid(seq: int, caller: str, blank: bytes | None) -> bytes:
    """A whole call whose every message lost its Uniqueid (None) or has `blank` as it."""
    call = SimCall(seq=seq, epoch=1795345559, caller=caller, queue="violence",
                   shape="answered", agent=SimAgent("Local/agent1@agents/n", "A1"))
    out = b""
    for _, headers in call_steps(call):
        headers = {k: v for k, v in headers.items() if k != "Uniqueid"}
        if blank is not None:
            headers["Uniqueid"] = blank.decode()
        out += encode(headers)
    return out


async def test_messages_without_a_uniqueid_open_no_call_and_are_counted(
        aredis, committing_sessionmaker, caplog):
    # Before: the first became a call keyed "" that the others (and later runs) joined.
    good = SimCall(seq=12, epoch=1795345559, caller="0812345612", queue="violence",
                   shape="answered", agent=SimAgent("Local/agent2@agents/n", "A2"))
    payload = (without_uniqueid(10, "0899990010", None)
               + without_uniqueid(11, "0899990011", b"")
               + b"".join(encode(h) for _, h in call_steps(good)))

    async def serve(reader, writer):
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"Response: Success\r\nActionID: x\r\n\r\n" + payload)
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis,
                         sessions=committing_sessionmaker, action_timeout=0.3)
    caplog.set_level(logging.DEBUG)
    task = asyncio.create_task(bridge.run())
    try:
        await wait_for(lambda: bridge.tracker.find_call(good.uniqueid) is not None
                       and bridge.tracker.find_call(good.uniqueid).ended_at is not None)
        await bridge.drain()
        with committing_sessionmaker() as s:
            rows = list(s.scalars(select(Call)))
        assert [r.uniqueid for r in rows] == [good.uniqueid]
        assert rows[0].outcome is CallOutcome.ANSWERED
        assert bridge.tracker.counters["no_uniqueid.Newchannel"] == 4  # two Local halves each
        assert bridge.tracker.without_id >= 10
        await wait_for_async(lambda: stats_of(aredis), bridge.tracker.without_id)
        logged = [r.getMessage() for r in caplog.records]
        assert any("Newchannel without a Uniqueid" in line for line in logged)
        assert not any("089999" in line for line in logged)
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        server.close()


async def stats_of(aredis) -> int:
    return int(await aredis.hget(stats_key(NODE), "no_uniqueid") or 0)


async def wait_for_async(read, expected: int, timeout: float = 5.0) -> None:
    """Until `read()` (a coroutine) gives `expected`: the stats are added once a second."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while (value := await read()) != expected:
        assert loop.time() < end, (value, expected)
        await asyncio.sleep(0.05)


async def link_fault_of(aredis, bridge, predicate) -> dict:
    """The link state once `predicate(state)` holds (the bridge keeps retrying)."""
    await wait_for(lambda: predicate(bridge.link.state))
    return json.loads(await aredis.get(f"bridge.{NODE}.link"))


async def test_a_peer_that_is_not_asterisk_is_named_in_the_link_fault(aredis):
    async def serve(reader, writer):
        writer.write(b"HTTP/1.1 400 Bad Request\r\nServer: \x00\xffsomething-else\r\n\r\n")
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None,
                         banner_timeout=2)
    task = asyncio.create_task(bridge.run())
    try:
        link = await link_fault_of(aredis, bridge, lambda s: s["fault"])
        assert link["state"] == "reconnecting"
        assert link["fault"] == "not an Asterisk manager: HTTP/1.1 400 Bad Request"
        assert bridge.counters["not_asterisk"] >= 1
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        server.close()


async def test_garbage_without_a_line_end_is_named_clipped_and_escaped(aredis):
    async def serve(reader, writer):
        writer.write(b"\x16\x03\x01" + b"z" * 300)  # a TLS hello, say: no CRLF at all
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None,
                         banner_timeout=2)
    task = asyncio.create_task(bridge.run())
    try:
        link = await link_fault_of(aredis, bridge, lambda s: s["fault"])
        assert link["fault"] == "not an Asterisk manager: \\x16\\x03\\x01" + "z" * 37 + "…"
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        server.close()


async def test_a_login_never_answered_is_named_in_the_link_fault(aredis):
    async def serve(reader, writer):
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        await writer.drain()
        await reader.read()  # the Login is read and never answered

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    bridge = node_bridge(server.sockets[0].getsockname()[1], redis=aredis, sessions=None,
                         action_timeout=0.3)
    task = asyncio.create_task(bridge.run())
    try:
        link = await link_fault_of(aredis, bridge, lambda s: s["fault"])
        assert (link["state"], link["fault"]) == ("reconnecting", "login unanswered")
        assert bridge.counters["login_unanswered"] >= 1
    finally:
        await bridge.stop()
        await asyncio.wait_for(task, 5)
        server.close()
