"""Every AMI action the project sends is one manager.conf lets the bridge's user run.

Asterisk 22 registers each action with the rights it needs and runs it for a user whose
`write` holds any one of them (manager.c; 0: any logged-in user). The table is Asterisk
22.10's registrations. A real Asterisk answered the bridge's old DBPut (astdb, `system`
only) with "Permission denied", which this check would have caught.
"""

import re
from pathlib import Path

from asterisk_config import CONF, parse

ROOT = Path(__file__).resolve().parents[2]
# Action → the write rights any one of which lets a user run it (empty: anyone).
ASTERISK_22_RIGHTS = {
    "Login": set(), "Logoff": set(), "Ping": set(), "QueueStatus": set(),
    "QueueSummary": set(),
    "QueueAdd": {"agent"}, "QueueRemove": {"agent"}, "QueuePause": {"agent"},
    "QueuePenalty": {"agent"},
    "Originate": {"originate"},
    "Redirect": {"call"}, "BlindTransfer": {"call"}, "Atxfer": {"call"},
    "CancelAtxfer": {"call"}, "Setvar": {"call"}, "ConfbridgeKick": {"call"},
    "Hangup": {"system", "call"}, "Status": {"system", "call", "reporting"},
    "CoreShowChannels": {"system", "reporting"}, "ConfbridgeList": {"reporting"},
    "DBPut": {"system"}, "DBGet": {"system", "reporting"},
}
_SENT = re.compile(r'\b(?:_make|Action)\("([A-Za-z]+)"')


def actions_sent() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "callcenter" / "ami").rglob("*.py"):
        found |= set(_SENT.findall(path.read_text(encoding="utf-8")))
    return found


def bridge_write_rights() -> set[str]:
    (user,) = [s for s in parse(CONF / "manager.conf") if s.name == "callcenter"]
    return {right.strip() for right in (user.get("write") or "").split(",")}


def test_the_project_sends_only_actions_whose_rights_are_known():
    assert actions_sent(), "no action found: the pattern no longer matches actions.py"
    assert actions_sent() <= set(ASTERISK_22_RIGHTS), actions_sent() - set(ASTERISK_22_RIGHTS)


def test_the_bridges_ami_user_may_run_every_action_the_project_sends():
    write = bridge_write_rights()
    refused = {name for name in actions_sent()
               if ASTERISK_22_RIGHTS[name] and not ASTERISK_22_RIGHTS[name] & write}
    assert not refused, refused


def test_the_bridges_ami_user_may_not_write_astdb_or_reconfigure_the_pbx():
    write = bridge_write_rights()
    assert not write & {"system", "command", "config"}
    assert not ASTERISK_22_RIGHTS["DBPut"] & write
