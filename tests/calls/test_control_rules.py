"""Which call controls work now, from the bridge's live state (pure)."""

from callcenter.calls import control_rules as rules

CALL = {"uniqueid": "9.1", "state": "talking", "channel": "PJSIP/trunk-telco-00000001",
        "answered_at": "2026-12-06T10:00:00+00:00", "on_hold": True, "holds": 2,
        "hold_seconds": 14}
AGENT = {"name": "agent1", "status": "in_call", "current_call": "9.1",
         "channel": "PJSIP/agent1-00000002"}


def test_talking_on_the_call_allows_hang_up_and_transfers_but_nothing_to_complete():
    s = rules.decide(call=CALL, agent=AGENT, uniqueid="9.1", consulting=False)
    assert s.on_call and s.agent_channel == "PJSIP/agent1-00000002"
    assert [c for c in rules.CONTROLS if s.allowed(c)] == [
        "hangup", "blind_transfer", "warm_transfer"]
    assert s.refusals["complete_transfer"] == "no_consultation"
    assert (s.on_hold, s.holds, s.hold_seconds) == (True, 2, 14)


def test_while_consulting_only_complete_and_cancel_work():
    s = rules.decide(call=CALL, agent=AGENT, uniqueid="9.1", consulting=True)
    assert [c for c in rules.CONTROLS if s.allowed(c)] == [
        "complete_transfer", "cancel_transfer"]
    assert s.refusals["hangup"] == "consulting"


def test_someone_elses_call_or_an_ended_one_offers_nothing():
    other = rules.decide(call=CALL, agent={**AGENT, "current_call": "7.1"}, uniqueid="9.1",
                         consulting=False)
    assert set(other.refusals.values()) == {"not_on_call"}
    ended = rules.decide(call={**CALL, "state": "ended"}, agent=AGENT, uniqueid="9.1",
                         consulting=False)
    assert set(ended.refusals.values()) == {"call_ended"}
    unknown = rules.decide(call=None, agent=None, uniqueid="9.1", consulting=False)
    assert not unknown.on_call and unknown.answered_at is None


def test_free_colleagues_are_the_available_others_once_each_by_name():
    agents = [{"name": "agent3", "status": "available"}, {"name": "agent1",
              "status": "available"}, {"name": "agent2", "status": "in_call"},
              {"name": "agent3", "status": "available", "node": "pbx2"}]
    assert [a["name"] for a in rules.free_colleagues(agents, own_name="agent1")] == ["agent3"]
