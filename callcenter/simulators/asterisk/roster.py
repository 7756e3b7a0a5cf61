"""Who the SIMULATED Asterisk has: queue members, units' lines, how callers press keys."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from callcenter.agents.models import Role
from callcenter.agents.state import PAUSE_REASONS
from callcenter.provinces.catalog import demo_duty_phone
from callcenter.seed import DEMO_USERS
from callcenter.simulators.asterisk.call_events import SimAgent

# The recordings' PBX (tests/fixtures/asterisk): static Local members, one queue each.
DEFAULT_AGENTS = {
    "violence": [SimAgent("Local/agent1@agents/n", "สมหญิง ใจดี"),
                 SimAgent("Local/agent2@agents/n", "Somchai Rakdee")],
    "trafficking": [SimAgent("Local/agent3@agents/n", "Malee Srisuk"),
                    SimAgent("Local/agent4@agents/n", "Anan Wongsa")],
    "pregnancy": [SimAgent("Local/agent5@agents/n", "Pranee Kaewmanee")],
    "welfare": [SimAgent("Local/agent6@agents/n", "Wichai Thongdee")],
    "operator": [SimAgent("Local/agent7@agents/n", "Kanya Boonmee")],
}


# The sign-in the README offers first: a newcomer who takes it presses "ready" and gets
# the next call, rather than finding the phone already ringing with the floor's traffic
# (the other seeded agents carry that).
STARTS_SIGNED_OUT = frozenset({"agent1"})


def seeded_agents() -> dict[str, list[SimAgent]]:
    """The demo's members: the seeded agents' PJSIP phones in the queues of their skills.

    Exactly what the console's sign-in adds (QueueAdd of `PJSIP/<endpoint>`, MemberName
    the login, penalty the skill's position), as astdb brings them back to a PBX that
    starts (`persistentmembers = yes`): dynamic, so the console can sign them out. Those
    in ``STARTS_SIGNED_OUT`` are not there until they sign in.
    """
    roster: dict[str, list[SimAgent]] = {}
    for user in DEMO_USERS:
        if (user.role is not Role.AGENT or not user.phone_interface
                or user.login in STARTS_SIGNED_OUT):
            continue
        agent = SimAgent(user.phone_interface, user.login, skills=user.queues, dynamic=True)
        for queue in user.queues:
            roster.setdefault(queue, []).append(agent)
    return roster


DEMO_AGENTS = seeded_agents()
# Dial targets of rapid-response units and what their line does, as recorded; the seed's
# made-up duty phones of the same provinces do the same (any other number answers).
UNIT_LINES = {"th50": "answer", "th96": "noanswer", "th10": "busy",
              demo_duty_phone("TH-50"): "answer", demo_duty_phone("TH-96"): "noanswer",
              demo_duty_phone("TH-10"): "busy"}
# Keypress scripts of simulated callers (language menu, then problem menu) and how often.
IVR_SCRIPTS: list[tuple[list[str], int]] = [
    (["1", "1"], 6), (["1", "2"], 2), (["1", "3"], 1), (["1", "4"], 2), (["1", "5"], 1),
    (["1", "6"], 1), (["1", "7"], 3), (["1", "0"], 2), (["2", "2"], 1), (["3", "2"], 1),
    (["9"], 1), (["8"], 1), (["6"], 1),
    # A third key answers the call-back offer when the IVR makes one (1: call me back).
    (["1", "7", "1"], 2), (["1", "4", "1"], 1),
]

# How often simulated agents pause for each of the console's reasons (weights).
PAUSE_WEIGHTS = {reason: {"break": 4, "wrap_up": 3, "meal": 2, "paperwork": 2}.get(reason, 1)
                 for reason in PAUSE_REASONS}


@dataclass
class SimMember:
    agent: SimAgent
    dynamic: bool = False
    paused: bool = False
    reason: str = ""
    penalty: int = 0
    status: int = 1
    in_call: bool = False
    login_time: int = field(default_factory=lambda: int(time.time()))
    last_pause: int = 0
