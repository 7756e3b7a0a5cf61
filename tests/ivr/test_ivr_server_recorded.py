"""Recorded FastAGI conversations replayed line by line: real Asterisk lines never crash us."""

import asyncio

import pytest

from tests.ivr.agi_peer import RECORDED, Running, recorded


async def replay(running: Running, name: str) -> list[str]:
    """Send the recorded bytes: the environment, then one recorded answer per command.

    Our menus are not the throwaway IVR's, so the answers do not fit our commands; the
    point is that real Asterisk lines (HANGUP, 511, result=-1, (timeout)) never crash us.
    """
    env, lines = recorded(name)
    reader, writer = await asyncio.open_connection(running.host, running.port)
    writer.write(env)
    sent: list[str] = []
    replies = iter(lines)
    try:
        while True:
            command = await asyncio.wait_for(reader.readline(), 5)
            if not command:
                break
            sent.append(command.decode().rstrip("\n"))
            for line in replies:
                writer.write(line.encode() + b"\n")
                if line != "HANGUP":
                    break
            else:
                break  # the recording is over: close like Asterisk would
            await writer.drain()
    finally:
        writer.close()
    return sent


@pytest.mark.parametrize("name", [*RECORDED, "fastagi-dispatch-ack"])
async def test_recorded_conversation_replay_never_crashes_the_server(start, name):
    running = await start()
    sent = await replay(running, name)
    assert sent[0].startswith("GET VARIABLE")
    await asyncio.sleep(0.05)
    assert running.server.active == 0
    assert "ivr.session_crashed" not in running.server.outcomes


async def test_recorded_hangup_replay_records_the_hangup(start):
    running = await start()
    sent = await replay(running, "fastagi-hangup")
    # welcome (th), then the recorded GET DATA's "result=-1" arrives: the caller is gone.
    assert "SET VARIABLE IVR_CHOICE hangup" in sent
    assert not any(c.startswith("STREAM FILE") for c in sent[sent.index(
        "SET VARIABLE IVR_CHOICE hangup"):])
