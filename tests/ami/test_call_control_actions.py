"""The call controls' AMI actions, byte for byte as the recorded client sent them to a
real Asterisk 22, and Asterisk's refusals put in words (pure)."""

import pytest

from callcenter.ami import actions
from callcenter.ami import call_features as cf
from callcenter.ami.framing import Framer

from .support import FIXTURES, ami_bytes


def recorded_action(name: str, action: str) -> bytes:
    sent = (FIXTURES / f"{name}.ami.sent").read_bytes()
    (raw,) = [m + b"\r\n\r\n" for m in sent.split(b"\r\n\r\n")
              if m.startswith(f"Action: {action}\r\n".encode())]
    return raw


def test_blind_transfer_is_the_action_asterisk_accepted():
    action = actions.blind_transfer("PJSIP/agent1-00000001",
                                    context="hotline-queue", exten="trafficking")
    assert action.to_bytes("rec-2") == recorded_action("pjsip/pjsip-blind-transfer",
                                                       "BlindTransfer")
    assert not action.replayable  # a transfer must never run twice after a reconnect


def test_atxfer_is_the_action_asterisk_accepted():
    action = actions.atxfer("PJSIP/agent1-00000001", context="satest-rec", exten="2002")
    assert action.to_bytes("rec-2") == recorded_action("pjsip/pjsip-attended-transfer",
                                                       "Atxfer")


def test_a_dual_redirect_sends_each_channel_to_its_own_extension():
    action = actions.redirect("PJSIP/trunk-telco-00000000", context="satest-rec",
                              exten="conf-room-1796531225.0",
                              extra_channel="PJSIP/agent1-00000001")
    assert action.to_bytes("rec-2") == recorded_action("pjsip/pjsip-confbridge", "Redirect")
    split = actions.redirect("A", context="conference", exten="caller-1.0",
                             extra_channel="B", extra_exten="host-1.0")
    assert (split.header("Exten"), split.header("ExtraExten")) == ("caller-1.0", "host-1.0")
    # A single Redirect (the supervisor's move) says nothing of a second channel.
    single = actions.redirect("A", context="hotline-queue", exten="operator")
    assert [k for k, _ in single.headers] == ["Channel", "Context", "Exten", "Priority"]


def test_the_guests_originate_is_the_recorded_one_into_the_calls_room():
    recorded = recorded_action("pjsip/pjsip-confbridge", "Originate")
    action = actions.originate("PJSIP/0899999999@trunk-telco", context="satest-rec",
                               exten="conf-room-1796531225.0", caller_id='"1300" <1300>')
    assert action.to_bytes("rec-3") == recorded


def test_the_recorded_refusal_of_atxfer_reads_as_what_to_fix():
    framer = Framer()
    messages, _ = framer.feed(ami_bytes("pjsip/pjsip-atxfer-no-featurecode"))
    (refusal,) = [m for m in messages if m.action_id == "rec-2"]
    assert refusal.response == "Error"
    assert "features.conf" in cf.explain(refusal.get("Message"))
    assert cf.explain("something new") == "something new"  # unknown ones pass as said


def test_conference_names_and_extensions_come_from_the_calls_uniqueid():
    assert cf.room_of("1796531225.0") == "hotline-1796531225.0"
    assert cf.call_of_room("hotline-1796531225.0") == "1796531225.0"
    assert cf.call_of_room("room-1796531225.0") == ""
    assert [cf.conference_exten(r, "1.2") for r in ("caller", "agent", "guest")] == [
        "caller-1.2", "host-1.2", "guest-1.2"]
    with pytest.raises(cf.BadTarget):
        cf.conference_exten("spy", "1.2")


@pytest.mark.parametrize(("given", "dialled"), [
    ("191", "191"), ("1669", "1669"), ("1387", "1387"), ("081-234-5678", "0812345678"),
    ("+66 2 123 4567", "021234567")])
def test_numbers_a_guest_or_warm_transfer_may_dial(given, dialled):
    assert cf.outside_number(given) == dialled


@pytest.mark.parametrize("bad", ["", "1900", "12345", "0812345678;x", "agent2", "*2"])
def test_anything_else_is_refused_before_asterisk_is_asked(bad):
    with pytest.raises(cf.BadTarget):
        cf.outside_number(bad)


def test_a_blind_transfer_names_a_queue_or_a_phone():
    assert cf.blind_target(endpoint="agent2") == ("agent-phones", "agent2")
    for bad in ({}, {"queue": "a", "endpoint": "b"}, {"queue": "x,y"}, {"endpoint": ""}):
        with pytest.raises(cf.BadTarget):
            cf.blind_target(**bad)
