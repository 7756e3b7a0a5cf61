import json

import redis

from callcenter import topics
from callcenter.dispatch import notify


def state(version: int, status: str) -> dict:
    return {"dispatch_id": 5, "case_id": 1, "case_number": "1300-2569-000005",
            "created_by_id": 3, "status": status, "version": version, "decline_reason": None}


def test_an_older_state_published_late_does_not_undo_a_newer_one(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    notify.publish(client, state(4, "escalated"))
    assert [a["dispatch_id"] for a in notify.open_alarms(client)] == [5]
    notify.publish(client, state(5, "acknowledged"))
    notify.publish(client, state(4, "escalated"))  # a worker that read before the ack
    assert notify.open_alarms(client) == []
    snapshot = json.loads(client.get(topics.dispatch_snapshot_key(5)))
    assert snapshot["status"] == "acknowledged"
    client.close()
