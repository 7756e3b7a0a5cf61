"""A mute counts only for the call it was reported in, on the agent's own phone."""

from callcenter.agents import muting


def test_a_mute_counts_while_its_call_is_the_agents_current_call():
    agent = {"interface": "Local/agent1@agents/n", "state_interface": "PJSIP/agent1",
             "current_call": "8.1"}
    assert muting.muted(agent, {"agent1": "8.1"})
    assert not muting.muted({**agent, "current_call": "8.2"}, {"agent1": "8.1"})
    assert not muting.muted({**agent, "current_call": None}, {"agent1": "8.1"})


def test_another_agents_mute_is_not_this_ones():
    agent = {"interface": "PJSIP/agent2", "current_call": "8.1"}
    assert not muting.muted(agent, {"agent1": "8.1"})
