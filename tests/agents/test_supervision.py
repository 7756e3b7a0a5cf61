"""Supervisor-action rules (callcenter.agents.supervision) against the real database.

The bridge's answers come from a small stand-in for the command client; the live state
is a dict, as the bridge's snapshot in Redis would give it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from callcenter.agents import supervision
from callcenter.audit import AuditEvent
from tests.support.builders import user_by_login

AGENT = "Local/agent1@agents/n"
LIVE = {
    ("pbx1", "agent", AGENT): {"interface": AGENT, "status": "in_call", "current_call": "9.2",
                               "channel": "PJSIP/agent1-0000002a",
                               "queues": {"violence": {}, "urgent": {}}},
    # In a call, but the bridge does not know its leg (adopted by a resync).
    ("pbx1", "agent", "PJSIP/agent10"): {"interface": "PJSIP/agent10", "status": "in_call",
                                         "channel": None, "queues": {"welfare": {}}},
    ("pbx1", "agent", "PJSIP/idle"): {"interface": "PJSIP/idle", "status": "available",
                                      "queues": {"welfare": {}}},
    ("pbx1", "call", "9.1"): {"uniqueid": "9.1", "state": "queued",
                              "channel": "PJSIP/trunk-00000009"},
    ("pbx1", "call", "9.2"): {"uniqueid": "9.2", "state": "up", "channel": "PJSIP/trunk-0a"},
}


def lookup(node, kind, ident):
    return LIVE.get((node, kind, ident))


class Bridge:
    """Answers every command with ``status``; remembers what it was sent."""

    def __init__(self, status: str = "ok", message: str = "") -> None:
        self.status, self.message, self.sent = status, message, []

    def send(self, node, command, **args):
        self.sent.append((node, command, args))
        return SimpleNamespace(ok=self.status == "ok", status=self.status, message=self.message)


def audited(session) -> list[tuple[str, str, str]]:
    """Every audit row as (action, object type, object id); each must name the supervisor
    (the only actor in these tests) as its actor."""
    rows = session.execute(
        select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity_type,
               AuditEvent.entity_id).order_by(AuditEvent.id)).all()
    supervisor_id = user_by_login(session, "supervisor").id
    assert [r.actor_id for r in rows] == [supervisor_id] * len(rows)
    return [(r.action, r.entity_type, r.entity_id) for r in rows]


@pytest.fixture
def supervisor(seeded_session):
    found = user_by_login(seeded_session, "supervisor")
    found.phone_interface = None
    return found


def act(session, bridge, supervisor, action, interface=AGENT, node="pbx1", **extra):
    return supervision.agent_action(session, bridge, lookup, actor=supervisor, action=action,
                                    interface=interface, node=node, **extra)


def test_refusals_before_the_pbx_are_audited_as_failed_and_send_nothing(
        seeded_session, supervisor):
    bridge = Bridge()
    gone = act(seeded_session, bridge, supervisor, "pause", interface="PJSIP/nobody")
    idle = act(seeded_session, bridge, supervisor, "barge", interface="PJSIP/idle",
               phone="PJSIP/sup1")
    no_phone = act(seeded_session, bridge, supervisor, "whisper")
    bad_node = act(seeded_session, bridge, supervisor, "unpause", node="../../x")
    assert [(o.ok, o.reason, o.status) for o in (gone, idle, no_phone, bad_node)] == [
        (False, "not_live", 409), (False, "not_live", 409), (False, "no_phone", 400),
        (False, "not_live", 409)]
    assert bridge.sent == []
    assert audited(seeded_session) == [
        ("agent.pause.failed", "agent", "PJSIP/nobody"),
        ("agent.barge.failed", "agent", "PJSIP/idle"),
        ("agent.whisper.failed", "agent", AGENT),
        ("agent.unpause.failed", "agent", AGENT)]


def test_listen_uses_the_supervisors_own_phone_and_is_audited(seeded_session, supervisor):
    supervisor.phone_interface = "PJSIP/sup1"
    bridge = Bridge()
    assert act(seeded_session, bridge, supervisor, "listen").ok
    assert bridge.sent == [("pbx1", "listen", {"supervisor_channel": "PJSIP/sup1",
                                               "target_channel": "PJSIP/agent1-0000002a",
                                               "supervisor_user_id": supervisor.id})]
    assert audited(seeded_session) == [("agent.listen", "agent", AGENT)]


def test_listen_never_falls_back_to_a_channel_prefix(seeded_session, supervisor):
    """Without the agent's exact leg nothing is sent: `PJSIP/agent10-` as a ChanSpy
    prefix would also join agent100's calls."""
    supervisor.phone_interface = "PJSIP/sup1"
    bridge = Bridge()
    outcome = act(seeded_session, bridge, supervisor, "listen", interface="PJSIP/agent10")
    assert (outcome.ok, outcome.reason) == (False, "not_live")
    assert bridge.sent == []
    assert audited(seeded_session) == [("agent.listen.failed", "agent", "PJSIP/agent10")]


def test_sign_out_leaves_every_queue_and_stops_at_the_first_refusal(
        seeded_session, supervisor):
    bridge = Bridge("error", "Member not dynamic")
    outcome = act(seeded_session, bridge, supervisor, "sign_out")
    # A fixed member of queues.conf: the supervisor is told only an administrator can.
    assert (outcome.reason, outcome.status, outcome.message) == (
        "static_member", 409, "Member not dynamic")
    assert [c[1:] for c in bridge.sent] == [
        ("queue_logout", {"queue": "urgent", "interface": AGENT})]
    assert audited(seeded_session) == [("agent.sign_out.failed", "agent", AGENT)]


def test_signing_out_an_agent_already_out_of_a_queue_is_done(seeded_session, supervisor):
    bridge = Bridge("error", "Unable to remove interface: Not there")
    assert act(seeded_session, bridge, supervisor, "sign_out").ok
    assert audited(seeded_session) == [("agent.sign_out", "agent", AGENT)]


def test_pausing_an_agent_whose_phone_is_in_no_queue_says_so(seeded_session, supervisor):
    outcome = act(seeded_session, Bridge("error", "Interface not found"), supervisor, "pause")
    assert (outcome.ok, outcome.reason, outcome.status) == (False, "not_signed_in", 409)


def test_a_pbx_that_does_not_answer_is_a_timeout(seeded_session, supervisor):
    outcome = act(seeded_session, Bridge("timeout"), supervisor, "pause", reason=" training ")
    assert (outcome.ok, outcome.reason, outcome.status) == (False, "pbx_timeout", 504)
    assert audited(seeded_session) == [("agent.pause.failed", "agent", AGENT)]


def test_moving_a_caller_needs_a_waiting_caller_and_an_active_queue(
        seeded_session, supervisor):
    bridge = Bridge()

    def move(uniqueid, queue):
        return supervision.move_caller(seeded_session, bridge, lookup, actor=supervisor,
                                       uniqueid=uniqueid, node="pbx1", queue=queue)

    assert move("9.1", "nowhere").reason == "unknown_queue"
    assert move("9.2", "urgent").reason == "not_live"  # already talking to an agent
    assert move("9.1", "urgent").ok
    assert bridge.sent == [("pbx1", "redirect", {"channel": "PJSIP/trunk-00000009",
                                                 "context": "hotline-queue",
                                                 "exten": "urgent"})]
    assert [a[0] for a in audited(seeded_session)] == [
        "call.move.failed", "call.move.failed", "call.move"]


def test_an_unknown_action_is_a_programming_error(seeded_session, supervisor):
    with pytest.raises(ValueError):
        act(seeded_session, Bridge(), supervisor, "hang_up_everyone")
