"""The AMI session without a socket: recorded bytes in, cut anywhere; the recorded actions out."""

import random

import pytest

from callcenter.ami.actions import Action, ping
from callcenter.ami.framing import END, Framer, Message
from callcenter.ami.noise import skip_untracked
from callcenter.ami.session import AmiSession, SessionClosed, State

from .support import AMI_FILES, FIXTURES, ami_bytes

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def recorded_actions(name: str) -> list[tuple[str, Action]]:
    """(ActionID, action) of every action the recording client sent, headers as sent."""
    sent = []
    for raw in (FIXTURES / f"{name}.ami.sent").read_bytes().split(END):
        if not raw:
            continue
        headers = [tuple(line.decode().split(": ", 1)) for line in raw.split(b"\r\n")]
        fields = dict(headers[:2])
        sent.append((fields["ActionID"], Action(fields["Action"], tuple(headers[2:]))))
    return sent


def cuts(data: bytes, seed: int) -> list[bytes]:
    """The bytes cut at arbitrary places (inside CRLFs and Thai letters too)."""
    rng = random.Random(seed)
    chunks, at = [], 0
    while at < len(data):
        size = rng.choice((1, 2, 3, rng.randint(4, 200), rng.randint(200, 5000)))
        chunks.append(data[at:at + size])
        at += size
    return chunks


def logged_in(session: AmiSession) -> AmiSession:
    session.send_login("callcenter", "hotline1300", "L1")
    session.receive_data(BANNER + b"Response: Success\r\nActionID: L1\r\n"
                         b"Message: Authentication accepted\r\n\r\n")
    return session


@pytest.mark.parametrize("name", AMI_FILES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_recording_gives_the_same_messages_and_replies_however_its_bytes_are_cut(name, seed):
    data = ami_bytes(name)
    (login_id, login), *rest = recorded_actions(name)
    session = AmiSession()
    session.send_login(login.header("Username"), login.header("Secret"), login_id)
    for action_id, action in rest:
        session.send_action(action, action_id)
    # What goes out is what the recording client sent, byte for byte.
    assert session.data_to_send() == (FIXTURES / f"{name}.ami.sent").read_bytes()
    assert session.data_to_send() == b""

    events: list[Message] = []
    replies = {}
    for chunk in cuts(data, seed):
        session.receive_data(chunk)
        events += session.events_received()
        replies.update(session.replies_completed())
    assert session.problems_received() == []
    assert session.banner is not None and session.banner.startswith("Asterisk Call Manager/")
    assert session.state is State.OPEN and session.logged_in

    # The same messages as framing the whole recording at once, but the Login's reply.
    whole, _ = Framer(skip=skip_untracked).feed(data)
    first_reply = next(i for i, m in enumerate(whole) if "Event" not in m.headers)
    assert session.login_reply.headers == whole[first_reply].headers
    assert [m.headers for m in events] == [m.headers for i, m in enumerate(whole)
                                           if i != first_reply]
    # Each action answered in the recording has its whole reply, its list items with it.
    for action_id, reply in replies.items():
        assert reply.complete and reply.response.action_id == action_id
        assert all(item.action_id == action_id for item in reply.items)
        assert not any(item.get("EventList") == "Complete" for item in reply.items)
        listed = [m for m in whole if m.action_id == action_id and "Event" in m.headers
                  and m.get("EventList") != "Complete" and m.event != "OriginateResponse"]
        assert [m.headers for m in reply.items] == [m.headers for m in listed]


def test_a_list_reply_is_handed_out_only_once_its_eventlist_is_complete():
    data = ami_bytes("snapshot")
    actions = dict(recorded_actions("snapshot"))
    session = AmiSession()
    session.send_action(actions["rec-2"], "rec-2")  # QueueStatus
    complete = data.index(b"Event: QueueStatusComplete\r\n")
    session.receive_data(data[:complete])
    assert session.replies_completed() == []
    session.receive_data(data[complete:])
    ((action_id, reply),) = session.replies_completed()
    assert action_id == "rec-2" and reply.success and reply.action.name == "QueueStatus"
    assert {m.event for m in reply.items} >= {"QueueParams", "QueueMember"}


def test_the_first_reply_after_the_banner_is_the_logins_whatever_its_action_id():
    session = AmiSession()
    assert session.state is State.BANNER
    session.receive_data(BANNER[:10])
    assert session.state is State.BANNER and session.banner is None
    session.receive_data(BANNER[10:])
    assert session.state is State.READY and session.banner == "Asterisk Call Manager/11.0.0"
    session.send_login("callcenter", "wrong", "L1")
    assert session.state is State.LOGGING_IN
    session.receive_data(b"Response: Error\r\nActionID: other\r\n"
                         b"Message: Authentication failed\r\n\r\n")
    assert session.state is State.OPEN and not session.logged_in
    assert session.login_reply.get("Message") == "Authentication failed"
    assert session.events_received() == [] and session.replies_completed() == []


def test_a_peer_that_is_not_an_asterisk_manager_is_told_apart_by_its_first_line():
    session = AmiSession()
    session.receive_data(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    assert session.banner is None
    assert session.not_asterisk == "HTTP/1.1 400 Bad Request"


def test_a_pong_completes_its_ping_and_a_pong_that_comes_too_late_is_unmatched():
    session = logged_in(AmiSession())
    session.send_action(ping(), "P1")
    assert session.data_to_send().endswith(b"Action: Ping\r\nActionID: P1\r\n\r\n")
    pong = b"Response: Success\r\nActionID: %s\r\nPing: Pong\r\nTimestamp: 1795345690.1\r\n\r\n"
    session.receive_data(pong % b"P1")
    ((action_id, reply),) = session.replies_completed()
    assert action_id == "P1" and reply.success and reply.response.get("Ping") == "Pong"
    # The driver stopped waiting for the second one: its Pong matches nothing.
    session.send_action(ping(), "P2")
    session.forget("P2")
    session.receive_data(pong % b"P2")
    assert session.replies_completed() == []
    assert session.take_unmatched_replies() == 1 and session.take_unmatched_replies() == 0
    # Replies are handed out with the events too, in wire order.
    assert [m.action_id for m in session.events_received()] == ["P1", "P2"]


def test_a_message_cut_by_the_close_is_reported_and_nothing_more_can_be_sent():
    session = logged_in(AmiSession())
    session.send_action(ping(), "P1")
    session.receive_data(b"Event: Newchannel\r\nChannel: PJSIP/tr")
    session.receive_eof()
    assert [p.kind for p in session.problems_received()] == ["truncated"]
    assert session.state is State.CLOSED and session.replies_completed() == []
    with pytest.raises(SessionClosed):
        session.send_action(ping(), "P2")
