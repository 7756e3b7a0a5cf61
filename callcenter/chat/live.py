"""Telling open chat pages that a conversation has news, after the commit that made it.

The payload is the conversation's id only: the page fetches what it may see again, so
the bus never carries a person's words. Redis away only delays the page until its next
look (a page reloaded or the next event): the rows are committed, nothing is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import redis as redis_lib

from callcenter import topics

log = logging.getLogger(__name__)


def publish(client: redis_lib.Redis, conversation_ids: Iterable[int]) -> None:
    try:
        for conversation_id in set(conversation_ids):
            client.publish(topics.chat_topic(conversation_id),
                           json.dumps({"conversation": conversation_id}))
    except redis_lib.RedisError as exc:
        log.warning("chat.publish_skipped error=%s", type(exc).__name__)
