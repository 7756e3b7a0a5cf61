"""The call's conference as a real Asterisk 22.10 runs it with asterisk_conf/ deployed
(pure): `pjsip-conference-guest-kicked` is a caller (a silent caller: urgent, then the
general queue) answered by agent1; the console's dual Redirect puts both into the room
`hotline-<caller's Uniqueid>`, 1669 is originated into it as a guest, listed, kicked
(ConfbridgeKick), and the agent hangs up, leaving the caller with the room's music."""

from callcenter.ami import actions
from callcenter.ami import call_features as cf

from .support import FIXTURES, ami_bytes, run_tracker

NAME = "pjsip/pjsip-conference-guest-kicked"
CALL = "1796591114.32"
CALLER, AGENT, GUEST = ("PJSIP/trunk-telco-00000014", "PJSIP/agent1-00000015",
                        "PJSIP/trunk-telco-00000016")


def sent() -> bytes:
    return (FIXTURES / f"{NAME}.ami.sent").read_bytes()


def test_the_rooms_redirect_and_kick_are_the_actions_asterisk_accepted():
    redirect = actions.redirect(CALLER, context=cf.CONFERENCE_CONTEXT,
                                exten=cf.conference_exten("caller", CALL),
                                extra_channel=AGENT,
                                extra_exten=cf.conference_exten("agent", CALL))
    kick = actions.confbridge_kick(cf.room_of(CALL), GUEST)
    assert redirect.to_bytes("rec-3") in sent() and kick.to_bytes("rec-6") in sent()
    answers = ami_bytes(NAME)
    assert b"ActionID: rec-3\r\nMessage: Dual Redirect successful\r\n" in answers
    assert b"ActionID: rec-6\r\nMessage: User kicked\r\n" in answers


def test_everyone_of_the_room_is_tied_to_the_call_in_the_role_they_joined_as():
    (record,) = run_tracker(NAME).records.values()
    assert record.conference == cf.room_of(CALL)
    roles = {p.channel: p.role for p in record.participants}
    assert roles == {CALLER: "caller", AGENT: "agent", GUEST: "guest"}


def test_the_kicked_guest_and_the_agent_leave_and_the_caller_stays():
    (record,) = run_tracker(NAME).records.values()
    left = {p.channel: p.left_at for p in record.participants}
    assert left[CALLER] is None
    assert left[GUEST] is not None and left[AGENT] is not None
    assert left[GUEST] < left[AGENT]
    assert record.outcome == "in_progress"  # the recording ends with the caller in the room
