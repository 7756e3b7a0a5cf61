"""Chat routing's pure rules, with literal agents and conversations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.chat.routing_policy import (
    AgentSlot,
    Offer,
    Waiting,
    back_in_line,
    may_take_chats,
    next_for,
    offer_lapsed,
    plan,
    service_level,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
REST = timedelta(seconds=60)


def agent(user_id: int, *, status: str = "available", capacity: int = 3, holding: int = 0,
          languages: tuple[str, ...] = ("th",)) -> AgentSlot:
    return AgentSlot(user_id, status, frozenset(languages), capacity, holding)


def chat(cid: int, *, minutes_ago: int, topic: str = "welfare", language: str = "th",
         declined_by: int | None = None, offered_seconds_ago: int | None = None) -> Waiting:
    offered = T0 - timedelta(seconds=offered_seconds_ago) if offered_seconds_ago else None
    return Waiting(cid, topic, language, T0 - timedelta(minutes=minutes_ago), declined_by,
                   offered)


def test_an_agent_on_a_call_paused_or_signed_out_takes_no_chat():
    for status in ("in_call", "ringing", "paused", "logged_out", "unavailable"):
        assert not may_take_chats(agent(1, status=status))
    assert may_take_chats(agent(1))


def test_an_agent_at_capacity_or_with_capacity_zero_takes_no_chat():
    assert not may_take_chats(agent(1, holding=3))
    assert not may_take_chats(agent(1, capacity=0))
    assert may_take_chats(agent(1, holding=2))


def test_urgent_goes_first_then_the_longest_waiting():
    offers = plan([chat(1, minutes_ago=1), chat(2, minutes_ago=9),
                   chat(3, minutes_ago=0, topic="urgent")], [agent(7, capacity=2)],
                  now=T0, rest=REST)
    assert offers == [Offer(3, 7), Offer(2, 7)]


def test_each_offer_goes_to_the_least_loaded_agent_and_capacity_is_kept():
    offers = plan([chat(i, minutes_ago=10 - i) for i in range(1, 6)],
                  [agent(1, holding=2), agent(2, capacity=2)], now=T0, rest=REST)
    assert offers == [Offer(1, 2), Offer(2, 2), Offer(3, 1)]


def test_an_agent_is_offered_only_conversations_in_their_languages():
    offers = plan([chat(1, minutes_ago=5, language="en"), chat(2, minutes_ago=1)],
                  [agent(1), agent(2, languages=("en",))], now=T0, rest=REST)
    assert sorted(offers, key=lambda o: o.conversation_id) == [Offer(1, 2), Offer(2, 1)]


def test_the_decliner_is_not_offered_the_same_conversation_during_their_rest():
    waiting = [chat(1, minutes_ago=5, declined_by=1, offered_seconds_ago=40)]
    assert plan(waiting, [agent(1)], now=T0, rest=REST) == []
    assert plan(waiting, [agent(1), agent(2)], now=T0, rest=REST) == [Offer(1, 2)]
    later = [chat(1, minutes_ago=5, declined_by=1, offered_seconds_ago=61)]
    assert plan(later, [agent(1)], now=T0, rest=REST) == [Offer(1, 1)]


def test_take_next_pulls_the_first_in_line_in_the_agents_languages():
    waiting = [chat(1, minutes_ago=9, language="en"), chat(2, minutes_ago=3),
               chat(3, minutes_ago=5, declined_by=4)]
    assert next_for(waiting, frozenset({"th"})).id == 3
    assert next_for([chat(1, minutes_ago=1, language="en")], frozenset({"th"})) is None


def test_an_offer_lapses_at_its_timeout():
    assert not offer_lapsed(T0, now=T0 + timedelta(seconds=29), timeout=timedelta(seconds=30))
    assert offer_lapsed(T0, now=T0 + timedelta(seconds=30), timeout=timedelta(seconds=30))


def test_a_returned_conversation_goes_before_everyone_waiting():
    mine = T0 - timedelta(minutes=3)
    assert back_in_line(mine, first_in_line=T0, fallback=T0) == mine
    earlier = T0 - timedelta(minutes=10)
    assert back_in_line(mine, first_in_line=earlier,
                        fallback=T0) == earlier - timedelta(seconds=1)
    assert back_in_line(None, first_in_line=None, fallback=T0) == T0


def test_service_level_counts_accepted_in_time_and_those_past_the_threshold():
    sixty = timedelta(seconds=60)
    rows = [
        (T0 - timedelta(minutes=10), T0 - timedelta(minutes=10) + timedelta(seconds=30)),
        (T0 - timedelta(minutes=10), T0 - timedelta(minutes=8)),   # accepted late
        (T0 - timedelta(minutes=5), None),                        # still waiting, too late
        (T0 - timedelta(seconds=20), None),                       # still waiting, not counted
    ]
    level = service_level(rows, now=T0, threshold=sixty)
    assert (level.answered_in_time, level.counted) == (1, 3)
    assert service_level([], now=T0, threshold=sixty).share is None
