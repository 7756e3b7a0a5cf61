"""Asterisk's wrapuptime and the console's wrap-up are one duration."""

from asterisk_config import app_queue_settings

from callcenter.agents.state import WRAP_UP_SECONDS as AGENT_PAGE_SECONDS
from callcenter.calls import wrap_up
from callcenter.queues.catalog import QUEUES
from callcenter.queues.stats import WRAP_UP_SECONDS as WALLBOARD_SECONDS


def test_every_queue_rests_its_agents_as_long_as_the_console_says():
    settings = app_queue_settings()
    for queue in QUEUES:
        assert int(settings[queue.name].get("wrapuptime", "0")) == wrap_up.WRAP_UP_SECONDS, \
            queue.name
    assert AGENT_PAGE_SECONDS == WALLBOARD_SECONDS == wrap_up.WRAP_UP_SECONDS
