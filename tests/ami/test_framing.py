from datetime import UTC, datetime

from callcenter.ami.framing import MAX_MESSAGE_BYTES, Framer, parse_message

from .support import AMI_FILES, ami_bytes, timing

# Events + responses per transcript, as its README counts them.
EXPECTED_MESSAGES = {
    "answered": 211, "abandoned": 122, "queue-timeout": 201, "agent-states": 42,
    "snapshot": 579, "originate-ack": 61, "originate-noanswer": 31, "originate-busy": 31,
    "agent-hangup": 214, "agent-hangup-ami": 210, "ivr-invalid-then-valid": 221,
    "ivr-timeout": 215, "ivr-hangup": 64, "reconnect": 4, "reconnect-fresh": 9,
    "reconnect-killed": 3,
}


def test_every_transcript_frames_into_its_recorded_message_count_in_its_recorded_chunks():
    for name in AMI_FILES:
        data = ami_bytes(name)
        framer = Framer()
        messages, problems = [], []
        for _, offset, length in timing(name):
            got, bad = framer.feed(data[offset:offset + length])
            messages += got
            problems += bad
        assert problems == [], name
        assert len(messages) == EXPECTED_MESSAGES[name], name
        assert framer.banner == "Asterisk Call Manager/11.0.0"
        assert framer.pending_bytes == 0


def test_thai_name_split_between_two_reads_arrives_whole():
    raw = "Event: QueueMemberAdded\r\nMemberName: สมชาย ใจดี\r\n\r\n".encode()
    cut = raw.index("สม".encode()) + 1  # inside the first Thai character
    framer = Framer()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    first, _ = framer.feed(raw[:cut])
    second, problems = framer.feed(raw[cut:])
    assert first == [] and problems == []
    assert second[0].get("MemberName") == "สมชาย ใจดี"


def test_byte_at_a_time_gives_the_same_messages():
    data = ami_bytes("agent-states")
    framer = Framer()
    messages = []
    for i in range(len(data)):
        messages += framer.feed(data[i:i + 1])[0]
    assert len(messages) == EXPECTED_MESSAGES["agent-states"]
    added = next(m for m in messages if m.event == "QueueMemberAdded")
    assert added.get("MemberName") == "รัตนา ชัยโย"


def test_tis620_caller_name_falls_back_and_is_reported():
    raw = b"Event: NewCallerid\r\nCallerIDName: " + "สมชาย".encode("tis-620") + b"\r\n\r\n"
    framer = Framer(_expect_banner=False)
    messages, problems = framer.feed(raw)
    assert messages[0].get("CallerIDName") == "สมชาย"
    assert [p.kind for p in problems] == ["not_utf8"]


def test_one_megabyte_header_is_refused_and_the_next_message_is_read():
    framer = Framer(_expect_banner=False)
    huge = b"Event: VarSet\r\nValue: " + b"x" * (MAX_MESSAGE_BYTES + 10)
    messages, problems = [], []
    for i in range(0, len(huge), 65536):
        got, bad = framer.feed(huge[i:i + 65536])
        messages += got
        problems += bad
    got, bad = framer.feed(b"\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n")
    messages += got
    problems += bad
    assert [p.kind for p in problems] == ["oversized"]
    assert [m.event for m in messages] == ["FullyBooted"]
    assert framer.pending_bytes < 10


def test_oversized_message_inside_one_read_is_refused_too():
    framer = Framer(max_message_bytes=100, _expect_banner=False)
    data = b"Event: A\r\nX: " + b"y" * 200 + b"\r\n\r\nEvent: B\r\n\r\n"
    messages, problems = framer.feed(data)
    assert [m.event for m in messages] == ["B"]
    assert problems[0].kind == "oversized"


def test_repeated_headers_are_kept_as_a_list():
    msg = parse_message(b"Event: Status\r\nChanVariable: A=1\r\nChanVariable: B=2\r\nX: y")
    assert msg.get_all("ChanVariable") == ["A=1", "B=2"]
    assert msg.get("X") == "y"


def test_garbage_lines_are_reported_and_the_rest_of_the_message_kept():
    framer = Framer(_expect_banner=False)
    messages, problems = framer.feed(b"Event: Hangup\r\nthis is not a header\r\nCause: 16\r\n\r\n")
    assert messages[0].get("Cause") == "16"
    assert [p.kind for p in problems] == ["garbage_line"]


def test_empty_value_and_truncated_tail_are_handled():
    framer = Framer()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    messages, _ = framer.feed(b"Event: X\r\nAccountCode: \r\n\r\nEvent: Half\r\nCaus")
    assert messages[0].get("AccountCode") == ""
    assert framer.pending_bytes > 0
    framer.reset()
    assert framer.pending_bytes == 0 and framer.banner is None


def test_stream_without_banner_is_still_parsed():
    framer = Framer()
    messages, _ = framer.feed(b"Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n")
    assert [m.event for m in messages] == ["FullyBooted"]


def test_untracked_events_are_dropped_on_their_bytes_and_tracking_is_unchanged():
    from callcenter.ami.events import to_event
    from callcenter.ami.noise import skip_untracked
    from callcenter.ami.tracker import Tracker

    assert skip_untracked(b"Event: Newexten\r\nChannel: x")
    assert skip_untracked(b"Event: VarSet\r\nVariable: CALLER_KEYS\r\nValue: 1")
    assert not skip_untracked(b"Event: VarSet\r\nVariable: IVR_CHOICE\r\nValue: 1")
    assert not skip_untracked(b"Event: SuccessfulAuth\r\nEventTV: 2026-11-22T11:05:58.850+0000")
    assert not skip_untracked(b"Event: StatusComplete\r\nActionID: a-1")
    assert not skip_untracked(b"Response: Success\r\nActionID: a-1")
    data = ami_bytes("answered")
    results = []
    for skip in (None, skip_untracked):
        framer = Framer(skip=skip)
        messages, _ = framer.feed(data)
        tracker = Tracker("n")
        records = {}
        for m in messages:
            event = to_event(m)
            if event is not None:
                for effect in tracker.handle(event, datetime.now(UTC)):
                    if hasattr(effect, "record"):
                        records[effect.record.uniqueid] = effect.record.outcome
        results.append((records, framer.skipped))
    assert results[0][0] == results[1][0] == {"1795345559.1": "answered"}
    assert results[1][1] > 100  # most of a call's events are noise
