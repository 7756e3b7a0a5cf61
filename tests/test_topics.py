"""The bus contract: callcenter/topics.py and docs/events.md name the same things, and the
names are spelled as every running bridge, console, worker and IVR expects them."""

from __future__ import annotations

import fnmatch
import inspect
import re
from pathlib import Path

import pytest

from callcenter import topics

EVENTS_DOC = Path(__file__).resolve().parent.parent / "docs" / "events.md"
SECTIONS = {"Topics (pub/sub)": "topics", "Keys": "keys", "SSE events": "events"}


def _builders(suffix: str) -> dict[str, str]:
    """Each `*_topic` / `*_key` builder and `*_TOPIC` / `*_KEY` constant, as documented:
    a builder called with `<its parameter names>`."""
    out = {}
    for name, value in vars(topics).items():
        if name.endswith(suffix.upper()) and isinstance(value, str):
            out[name] = value
        elif (name.endswith(suffix) and inspect.isfunction(value)
              and value.__module__ == topics.__name__):
            params = inspect.signature(value).parameters
            out[name] = value(*(f"<{p}>" for p in params))
    return out


def _documented() -> dict[str, set[str]]:
    """The backticked names in the first column of each table of docs/events.md."""
    found: dict[str, set[str]] = {kind: set() for kind in SECTIONS.values()}
    section = None
    for line in EVENTS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = SECTIONS.get(line[3:].strip())
        elif section and line.startswith("| `"):
            found[section].update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return found


def test_docs_events_lists_every_topic_key_and_sse_event_of_topics_py_and_no_other():
    documented = _documented()
    assert documented["topics"] == set(_builders("_topic").values())
    assert documented["keys"] == set(_builders("_key").values())
    assert documented["events"] == set(topics.SSE_EVENTS)


def test_the_names_are_spelled_as_the_running_processes_spell_them():
    # Byte for byte: a bridge and a console of different releases must still talk.
    assert topics.call_topic("1700000000.42") == "call.1700000000.42.updated"
    assert topics.queue_topic("violence") == "queue.violence.updated"
    assert topics.agent_topic("PJSIP/1001") == "agent.PJSIP/1001.updated"
    assert topics.link_topic("pbx1") == "bridge.pbx1.link.updated"
    assert topics.dispatch_topic(7) == "dispatch.7.updated"
    assert topics.ALARMS_TOPIC == "alarms.updated"
    assert topics.notices_topic(3) == "user.3.notices"
    assert topics.unit_alerts_topic(5) == "unit.5.alerts"
    assert topics.live_key("pbx1", topics.CALL) == "live.pbx1.calls"
    assert topics.live_key("*", topics.AGENT) == "live.*.agents"
    assert topics.link_key("pbx1") == "bridge.pbx1.link"
    assert topics.stats_key("*") == "bridge.*.stats"
    assert topics.HEARTBEATS_KEY == "bridge.heartbeats"
    assert topics.command_requests_key("pbx1") == "bridge.pbx1.commands"
    assert topics.command_reply_key("ab12") == "bridge.reply.ab12"
    assert topics.dispatch_snapshot_key(7) == "snapshot:dispatch.7"
    assert topics.ALARMS_SNAPSHOT_KEY == "snapshot:alarms.dispatch"
    assert topics.unit_presence_key(5) == "presence:unit.5"
    assert topics.records_written_topic("pbx1") == "records.pbx1.written"
    assert topics.HUB_PATTERNS == ("call.*", "queue.*", "agent.*", "dispatch.*", "alarms.*",
                                   "bridge.*", "unit.*", "user.*", "records.*", "chat.*",
                                   "media.*")
    assert topics.chat_topic(9) == "chat.9.updated"
    assert topics.muted_topic("PJSIP/agent1") == "media.PJSIP/agent1.muted"


@pytest.mark.parametrize("topic", [
    topics.call_topic("1.2"), topics.queue_topic("q"), topics.agent_topic("SIP/1"),
    topics.link_topic("pbx1"), topics.dispatch_topic(1), topics.ALARMS_TOPIC,
    topics.notices_topic(1), topics.unit_alerts_topic(1), topics.chat_topic(1),
    topics.muted_topic("PJSIP/agent1"),
])
def test_every_topic_reaches_the_hub_and_is_sent_as_the_event_of_its_kind(topic):
    assert any(fnmatch.fnmatchcase(topic, pattern) for pattern in topics.HUB_PATTERNS)
    assert topics.event_name(topic) in topics.KINDS
    assert topics.event_name(topic) in topics.SSE_EVENTS


def test_a_live_topic_reads_back_as_the_hash_and_field_it_updates():
    for kind, build in topics.LIVE_TOPIC.items():
        assert topics.kind_and_id(build("a.b")) == (kind, "a.b")


def test_a_link_key_gives_back_its_node_even_with_dots_in_the_name():
    for node in ("pbx1", "pbx.bkk.1", ""):
        assert topics.link_node(topics.link_key(node)) == node


def test_only_a_dispatch_topic_is_a_dispatch_update():
    assert topics.is_dispatch_update(topics.dispatch_topic(42))
    assert not topics.is_dispatch_update("dispatch.x.updated")
    assert not topics.is_dispatch_update(topics.ALARMS_TOPIC)
    assert topics.prefixes(topics.DISPATCH) == ("dispatch.",)
