"""The rules that say whether a node's live state is live (pure)."""

from datetime import UTC, datetime, timedelta

from callcenter.queues import links

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def payload(state="up", *, since=NOW - timedelta(minutes=5), beat=NOW - timedelta(seconds=3)):
    return {"node": "pbx1", "state": state, "since": since.isoformat(), "fault": None,
            "heartbeat": beat.timestamp() if beat else None}


def test_an_up_link_with_a_fresh_heartbeat_is_live():
    link = links.node_link("pbx1", payload(), now=NOW)
    assert link.live and link.state == "up" and link.heartbeat == NOW - timedelta(seconds=3)
    assert links.summarize([link]).live


def test_a_missing_key_is_lost_since_the_heartbeat_last_seen():
    seen = NOW - timedelta(seconds=40)
    link = links.node_link("pbx1", None, now=NOW, last_heartbeat=seen)
    assert (link.state, link.since, link.live) == ("lost", seen, False)
    never = links.node_link("pbx2", None, now=NOW)
    assert (never.state, never.since) == ("lost", None)


def test_a_heartbeat_older_than_the_expiry_is_lost_even_if_the_key_is_still_there():
    old = NOW - timedelta(seconds=links.STALE_AFTER_SECONDS + 1)
    link = links.node_link("pbx1", payload(beat=old), now=NOW)
    assert (link.state, link.since) == ("lost", old)


def test_a_link_without_a_heartbeat_is_taken_at_its_word():
    assert links.node_link("pbx1", payload(beat=None), now=NOW).live
    down = links.node_link("pbx1", payload("reconnecting"), now=NOW)
    assert (down.state, down.since) == ("reconnecting", NOW - timedelta(minutes=5))


def test_the_board_is_live_only_when_every_node_is_and_says_since_the_earliest():
    up = links.node_link("pbx1", payload(), now=NOW)
    lost = links.node_link("pbx2", None, now=NOW, last_heartbeat=NOW - timedelta(minutes=1))
    down = links.node_link("pbx3", payload("down", since=NOW - timedelta(minutes=3)), now=NOW)
    summary = links.summarize([lost, up, down])
    assert not summary.live and summary.since == NOW - timedelta(minutes=3)
    assert summary.down == ("pbx2", "pbx3") and summary.live_nodes == {"pbx1"}
    assert not links.summarize([]).live, "no bridge at all is not live"


def test_heartbeats_are_read_as_epoch_seconds_or_iso_and_garbage_is_ignored():
    assert links.heartbeat_time("1795000000.5") == datetime.fromtimestamp(1795000000.5, UTC)
    assert links.heartbeat_time(NOW.isoformat()) == NOW
    assert links.heartbeat_time("soon") is None and links.heartbeat_time(True) is None
    assert links.node_link("pbx1", {"state": "weird"}, now=NOW).state == "down"


def test_the_page_looks_again_when_the_oldest_live_heartbeat_goes_stale():
    beat = NOW - timedelta(seconds=5)
    found = links.summarize([links.node_link("pbx1", payload(beat=beat), now=NOW)])
    assert links.seconds_to_stale(found, NOW) == links.STALE_AFTER_SECONDS - 5
    lost = links.summarize([links.node_link("pbx1", None, now=NOW)])
    assert links.seconds_to_stale(lost, NOW) is None
