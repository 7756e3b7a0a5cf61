"""The LINE wire format, pure: signatures, webhook bodies, outbound JSON, topics, pictures."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from callcenter.chat import line_protocol, media, policy
from callcenter.chat.line_protocol import ProtocolError

SECRET = "channel-secret"
BODY = json.dumps({"destination": "Ubot", "events": [
    {"type": "message", "mode": "active", "timestamp": 1765000000000,
     "source": {"type": "user", "userId": "U" + "a" * 32},
     "webhookEventId": "01HEVENT", "replyToken": "token-1",
     "deliveryContext": {"isRedelivery": True},
     "message": {"id": "5001", "type": "text", "text": "ช่วยด้วย"}},
]}, ensure_ascii=False).encode()


def test_a_body_signed_with_the_channel_secret_is_valid():
    assert line_protocol.signature_valid(SECRET, BODY, line_protocol.signature(SECRET, BODY))


def test_a_changed_body_a_wrong_secret_or_no_signature_is_not_valid():
    good = line_protocol.signature(SECRET, BODY)
    assert not line_protocol.signature_valid(SECRET, BODY + b" ", good)
    assert not line_protocol.signature_valid("other", BODY, good)
    assert not line_protocol.signature_valid(SECRET, BODY, None)
    assert not line_protocol.signature_valid(SECRET, BODY, "")


def test_without_a_configured_secret_nothing_is_ever_valid():
    assert not line_protocol.signature_valid(None, BODY, line_protocol.signature("", BODY))


def test_a_text_message_event_is_read_with_its_ids_and_redelivery_flag():
    [raw] = line_protocol.parse_body(BODY)
    event = line_protocol.read_event(raw)
    assert (event.event_id, event.type, event.message_type) == ("01HEVENT", "message", "text")
    assert event.user_id == "U" + "a" * 32 and event.reply_token == "token-1"
    assert event.text == "ช่วยด้วย" and event.message_id == "5001" and event.redelivery
    assert event.at == datetime.fromtimestamp(1765000000, UTC)


def test_the_user_id_and_the_text_never_show_in_an_events_repr():
    event = line_protocol.read_event(line_protocol.parse_body(BODY)[0])
    assert "U" + "a" * 32 not in repr(event) and "ช่วยด้วย" not in repr(event)


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"events": {}}', b'{"events": [1]}',
    b'{"events": [{"type": "follow"}]}',
    b'{"events": [{"type": "follow", "webhookEventId": ""}]}',
    json.dumps({"events": [{"type": "follow", "webhookEventId": "x" * 65}]}).encode(),
    json.dumps({"events": [{"type": 5, "webhookEventId": "e"}]}).encode(),
])
def test_a_body_not_of_lines_shape_is_refused_as_a_whole(body):
    with pytest.raises(ProtocolError):
        line_protocol.parse_body(body)


def test_an_event_of_an_unknown_type_is_still_read_by_id_and_type():
    [raw] = line_protocol.parse_body(b'{"events": [{"type": "beacon", "webhookEventId": "b1"}]}')
    event = line_protocol.read_event(raw)
    assert (event.event_id, event.type, event.user_id) == ("b1", "beacon", None)


def test_wrong_typed_fields_are_read_as_missing():
    event = line_protocol.read_event({
        "type": "message", "webhookEventId": "e", "source": {"type": "user", "userId": 7},
        "message": {"type": "location", "latitude": "13", "longitude": 500}})
    assert event.user_id is None and event.latitude is None and event.longitude is None


def test_the_greeting_menu_offers_the_ivr_topics_and_danger_as_quick_replies():
    quick = line_protocol.quick_reply(policy.menu_items("th"))
    labels = [item["action"]["label"] for item in quick["items"]]
    assert labels[0] == "ความรุนแรงในครอบครัว" and "อยู่ในอันตรายตอนนี้" in labels
    assert labels[-1] == "English"
    assert all(len(label) <= 20 for label in labels) and len(labels) <= 13
    data = [item["action"]["data"] for item in quick["items"]]
    assert "topic=urgent" in data and "topic=human_trafficking" in data


def test_reply_and_push_bodies_are_lines_shapes():
    message = line_protocol.text_message("สวัสดี", {"items": []})
    assert line_protocol.reply_body("t", [message]) == {
        "replyToken": "t", "messages": [{"type": "text", "text": "สวัสดี",
                                         "quickReply": {"items": []}}]}
    assert line_protocol.push_body("U1", [message])["to"] == "U1"


def test_a_topic_is_chosen_by_postback_or_by_typing_its_label():
    assert policy.topic_chosen(postback="topic=welfare", text=None) == "welfare"
    assert policy.topic_chosen(postback="topic=nonsense", text=None) is None
    assert policy.topic_chosen(postback=None, text=" I am in danger now ") == "urgent"
    assert policy.topic_chosen(postback=None, text="คนหาย") == "missing_persons"
    assert policy.topic_chosen(postback=None, text="สวัสดีค่ะ") is None
    assert policy.queue_name("urgent", "th") == "chat-urgent-th"


def test_a_reply_token_serves_only_a_first_attempt_still_in_time():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    later = now + timedelta(seconds=30)
    assert policy.reply_token_usable(token="t", expires_at=later, attempts_made=1, now=now)
    assert not policy.reply_token_usable(token="t", expires_at=later, attempts_made=2, now=now)
    assert not policy.reply_token_usable(token="t", expires_at=now, attempts_made=1, now=later)
    assert not policy.reply_token_usable(token=None, expires_at=later, attempts_made=1, now=now)


def test_retries_back_off_and_only_lines_outages_are_retried():
    assert [policy.retry_delay(n, base=2, cap=10) for n in (1, 2, 3, 4)] == [2, 4, 8, 10]
    assert policy.is_transient(500) and policy.is_transient(429)
    assert not policy.is_transient(400) and not policy.is_transient(403)


@pytest.mark.parametrize("head,expected", [
    (b"\xff\xd8\xff\xe0rest", "image/jpeg"), (b"\x89PNG\r\n\x1a\nrest", "image/png"),
    (b"GIF89a....", "image/gif"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
])
def test_pictures_are_known_by_their_magic_bytes(head, expected):
    assert media.image_type(head)[0] == expected


def test_bytes_that_are_not_a_picture_or_too_large_are_refused():
    assert media.refusal(b"MZ\x90\x00program", too_large=False, max_bytes=10) == "not an image"
    assert media.refusal(None, too_large=True, max_bytes=10 * 1024 * 1024) == \
        "larger than 10 MB"
    assert media.refusal(b"", too_large=False, max_bytes=10) == "empty"
    assert media.refusal(b"\x89PNG\r\n\x1a\n", too_large=False, max_bytes=10) is None
