"""The simulated PBX knows the phones the console knows: the realtime rows, read when
asked, as a real Asterisk reads them through Realtime."""

import asyncio

import pytest

from callcenter.agents.models import Role
from callcenter.ami.framing import Framer, Message
from callcenter.db import session_scope
from callcenter.phones import service as phones
from callcenter.phones.policy import PhoneKind
from callcenter.seed import seed_all
from callcenter.simulators.asterisk import AmiSimulator
from callcenter.simulators.asterisk.phones import DatabasePhones
from tests.support import builders


@pytest.fixture
def phone_book(committing_sessionmaker):
    with session_scope(committing_sessionmaker) as session:
        seed_all(session, demo_users=True)
    return DatabasePhones(committing_sessionmaker)


class Ami:
    """A bare AMI client: one action, its answer and the list that follows."""

    def __init__(self, reader, writer) -> None:
        self.reader, self.writer, self.framer = reader, writer, Framer()
        self.pending: list[Message] = []

    async def next(self) -> Message:
        while not self.pending:
            data = await asyncio.wait_for(self.reader.read(65536), 5)
            assert data, "the simulator closed the connection"
            messages, problems = self.framer.feed(data)
            assert not problems
            self.pending += messages
        return self.pending.pop(0)

    async def act(self, action: str, **fields: str) -> list[Message]:
        """The messages answering ``action`` (with its ActionID), to the end of its list."""
        aid = f"t-{action}"
        lines = [f"Action: {action}", f"ActionID: {aid}",
                 *(f"{k}: {v}" for k, v in fields.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = []
        while True:
            message = await self.next()
            if message.action_id != aid:
                continue
            answer.append(message)
            # A plain answer ends it; a list ends with its EventList: Complete event.
            if message.get("EventList") == "Complete" or (
                    message.get("Response") and message.get("EventList") != "start"):
                return answer


async def connected(sim) -> Ami:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    await reader.readline()  # the banner
    ami = Ami(reader, writer)
    await ami.act("Login", Username="callcenter", Secret="hotline1300")
    return ami


async def test_pjsip_show_endpoints_lists_the_realtime_phones_and_new_ones_at_once(
        phone_book, committing_sessionmaker):
    sim = AmiSimulator(phones=phone_book, queues=("violence",))
    await sim.start()
    ami = await connected(sim)
    try:
        listed = await ami.act("PJSIPShowEndpoints")
        names = {m.get("ObjectName") for m in listed if m.event == "EndpointList"}
        assert names == {"agent1", "agent2", "agent3", "agent4", "supervisor"}
        assert listed[-1].event == "EndpointListComplete" and listed[-1].get("ListItems") == "5"
        transports = {m.get("ObjectName"): m.get("Transport") for m in listed
                      if m.event == "EndpointList"}
        assert transports["agent2"] == "transport-wss"

        with session_scope(committing_sessionmaker) as session:
            agent = builders.user(session, Role.AGENT)
            phones.provision(session, agent, kind=PhoneKind.DESK, endpoint="agent.new")
        listed = await ami.act("PJSIPShowEndpoints")
        assert "agent.new" in {m.get("ObjectName") for m in listed}
    finally:
        ami.writer.close()
        await sim.stop()


async def test_a_phone_the_database_does_not_have_joins_the_queue_invalid_and_never_rings(
        phone_book):
    sim = AmiSimulator(phones=phone_book, agents={}, queues=("violence",))
    await sim.start()
    ami = await connected(sim)
    try:
        for interface in ("PJSIP/agent1", "PJSIP/agent.nobody"):
            [answer] = await ami.act("QueueAdd", Queue="violence", Interface=interface,
                                     Paused="false")
            assert answer.get("Response") == "Success"
        assert sim.members[("violence", "PJSIP/agent1")].status == 1
        assert sim.members[("violence", "PJSIP/agent.nobody")].status == 4
        assert not sim.can_ring("violence", "PJSIP/agent.nobody")
        for _ in range(5):
            call = sim.new_call(queue="violence", talk=1)
            assert call.agent is None or call.agent.interface == "PJSIP/agent1"
            if call.agent:
                sim.release(call.agent.interface)
    finally:
        ami.writer.close()
        await sim.stop()
