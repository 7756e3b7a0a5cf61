"""The page-wide notice stream's hub keeps every notice: two reminders arriving together
are two toasts, where two states of one queue are one (the newest)."""

from __future__ import annotations

from agent_console.sse import Client
from callcenter import topics


def test_notices_are_kept_one_by_one_while_states_keep_only_the_newest():
    client = Client(accepts=lambda topic: True)
    mine = topics.notices_topic(7)
    client.offer(mine, '{"kind": "follow_up_due", "task_id": 1}')
    client.offer(mine, '{"kind": "follow_up_due", "task_id": 2}')
    client.offer(topics.queue_topic("violence"), '{"waiting": 1}')
    client.offer(topics.queue_topic("violence"), '{"waiting": 2}')
    assert client.take() == [
        (topics.queue_topic("violence"), '{"waiting": 2}'),
        (mine, '{"kind": "follow_up_due", "task_id": 1}'),
        (mine, '{"kind": "follow_up_due", "task_id": 2}'),
    ]
    assert client.take() == []


def test_only_user_notice_topics_count_as_notices():
    assert topics.is_notices(topics.notices_topic(3))
    assert not topics.is_notices(topics.unit_alerts_topic(3))
    assert not topics.is_notices(topics.queue_topic("user.notices"))
