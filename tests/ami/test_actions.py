from callcenter.ami import actions
from callcenter.ami.framing import Framer

from .support import ami_bytes, sent_actions


def test_queue_add_matches_what_asterisk_accepted_in_the_recording():
    recorded = sent_actions("agent-states")[1]
    built = actions.queue_add("violence", "Local/agent8@agents/n", member_name="รัตนา ชัยโย",
                              state_interface="Local/agent8@agents")
    assert built.to_bytes("rec-2").decode() == (
        "Action: QueueAdd\r\nActionID: rec-2\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in recorded.headers.items()
                  if k not in ("Action", "ActionID"))
        + "\r\n")


def test_originate_is_async_with_repeated_variables_and_is_never_replayed():
    action = actions.originate("Local/th50@rru", context="dispatch", exten="s",
                               caller_id='"OSCC 1300" <1300>',
                               variables={"CASE_ID": "C-2568-000123", "RRU_UNIT": "TH-50"})
    text = action.to_bytes("x").decode()
    assert "Async: true\r\n" in text
    assert "Variable: CASE_ID=C-2568-000123\r\nVariable: RRU_UNIT=TH-50\r\n" in text
    assert not action.replayable
    assert actions.queue_status().replayable and actions.ping().replayable


def test_values_cannot_inject_headers():
    action = actions.queue_pause("Local/a@b", paused=True, reason="lunch\r\nAction: Hangup")
    assert action.to_bytes("1").count(b"\r\n") == 6


def test_chanspy_modes():
    whisper = actions.chan_spy("Local/sup1@supervisor", "Local/agent1@agents-00000001;1",
                               "whisper").to_bytes("1").decode()
    # u: the argument is one fully specified channel, not a prefix of names.
    assert "Application: ChanSpy\r\nData: Local/agent1@agents-00000001;1,qEwu\r\n" in whisper
    assert "Context" not in whisper


def test_replies_are_collected_by_action_id_with_their_event_lists():
    pending = actions.Pending()
    pending.expect("rec-2", actions.queue_status())
    pending.expect("rec-3", actions.queue_summary())
    pending.expect("rec-4", actions.core_show_channels())
    pending.expect("rec-5", actions.status())
    framer = Framer()
    messages, _ = framer.feed(ami_bytes("snapshot"))
    done = {}
    for m in messages:
        _, reply = pending.offer(m)
        if reply is not None:
            done[m.action_id] = reply
    assert len(done["rec-2"].items) == 13 and done["rec-2"].success
    assert len(done["rec-3"].items) == 5
    assert len(done["rec-4"].items) == 10 and len(done["rec-5"].items) == 10
    assert pending.replies == {}


def test_errors_end_a_reply_at_once():
    pending = actions.Pending()
    for i in range(2, 16):
        pending.expect(f"rec-{i}", actions.Action("QueueAdd"))
    framer = Framer()
    messages, _ = framer.feed(ami_bytes("agent-states"))
    errors = {}
    for m in messages:
        _, reply = pending.offer(m)
        if reply is not None and not reply.success:
            errors[m.action_id] = reply.error
    assert errors["rec-4"] == "Unable to add interface: Already there"
    assert errors["rec-14"] == "Member not dynamic"
    assert errors["rec-15"] == "Interface not found"
