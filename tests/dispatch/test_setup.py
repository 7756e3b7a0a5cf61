"""Setting the system up: timings that would send twice are refused, the worker explains
its timings, every seeded ladder ends with the provincial supervisor, and presence and
delivery health read what they should."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from callcenter.db import utcnow
from callcenter.dispatch import board, ladder, presence, service, stats
from callcenter.dispatch.config import load_dispatch_settings
from callcenter.dispatch.delivery import outbox
from callcenter.provinces import service as provinces
from callcenter.provinces.models import AlertChannel, ContactRole, ResponseUnit
from callcenter.settings import SettingsError
from callcenter.topics import unit_presence_key
from tests.support import builders


@pytest.mark.parametrize(("variable", "value"), [("provider_timeout_seconds", 20),
                                                 ("voice_reply_timeout_seconds", 30)])
def test_a_lease_not_above_a_provider_timeout_is_refused_naming_the_variables(variable, value):
    with pytest.raises(SettingsError) as refused:
        load_dispatch_settings(_env_file=None, alert_lease_seconds=20, **{variable: value})
    message = str(refused.value)
    assert "CALLCENTER_ALERT_LEASE_SECONDS (20)" in message
    assert f"CALLCENTER_{variable.upper()} ({value})" in message


@pytest.mark.parametrize(("value", "said"), [("immediate", "not valid JSON"),
                                             ('["urgent"]', "Input should be")])
def test_a_bad_urgency_list_is_refused_naming_the_variable(monkeypatch, value, said):
    monkeypatch.setenv("CALLCENTER_PHONE_WITH_CONSOLE_URGENCIES", value)
    with pytest.raises(SettingsError) as refused:
        load_dispatch_settings(_env_file=None)
    assert str(refused.value).startswith("CALLCENTER_PHONE_WITH_CONSOLE_URGENCIES")
    assert said in str(refused.value)


def test_the_worker_refuses_to_start_on_such_timings(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CALLCENTER_SECRET_KEY": "k" * 40,
           "CALLCENTER_REDIS_URL": "redis://127.0.0.1:1/0",
           "CALLCENTER_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
           "CALLCENTER_ALERT_LEASE_SECONDS": "4"}
    result = subprocess.run([sys.executable, "-m", "callcenter.worker"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "CALLCENTER_ALERT_LEASE_SECONDS (4) must be above" in result.stderr


def test_worker_help_gives_the_timing_rationale():
    result = subprocess.run([sys.executable, "-m", "callcenter.worker", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--worker-ttl SECONDS" in text and "--maintenance-interval SECONDS" in text
    assert "13.5 minutes" in text and "about 1.5 minutes" in text


@pytest.mark.parametrize("option", ["--worker-ttl", "--maintenance-interval"])
def test_worker_timings_must_be_whole_seconds_above_zero(option):
    result = subprocess.run([sys.executable, "-m", "callcenter.worker", option, "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"argument {option}: '0' is not a whole number of seconds above 0" in result.stderr


def test_every_seeded_ladder_ends_with_the_provincial_supervisor(seeded_session):
    assert ladder.problems(seeded_session) == []
    reachable = builders.settings(voice_node="pbx1")
    assert ladder.problems(seeded_session, reachable) == []
    unit = seeded_session.scalars(select(ResponseUnit).where(
        ResponseUnit.code == "RRU-TH-50")).one()
    assert [c.role for c in unit.contacts] == [
        ContactRole.DUTY_CONSOLE, ContactRole.DUTY_PHONE, ContactRole.PROVINCIAL_SUPERVISOR]


def test_seeding_again_adds_the_supervisor_to_an_older_unit_once(seeded_session):
    unit = seeded_session.scalars(select(ResponseUnit).where(
        ResponseUnit.code == "RRU-TH-10")).one()
    unit.contacts = [c for c in unit.contacts if c.role is not ContactRole.PROVINCIAL_SUPERVISOR]
    seeded_session.flush()
    assert ladder.problems(seeded_session) == ["RRU-TH-10"]
    provinces.sync_units(seeded_session)
    provinces.sync_units(seeded_session)
    assert ladder.problems(seeded_session) == []
    roles = [c.role for c in unit.contacts]
    assert roles.count(ContactRole.PROVINCIAL_SUPERVISOR) == 1


def test_a_ladder_whose_supervisor_cannot_be_reached_is_reported(db_session):
    world = builders.world(db_session, [(AlertChannel.CONSOLE, ""), (AlertChannel.SMS, "+66")])
    world.unit.contacts[-1].role = ContactRole.PROVINCIAL_SUPERVISOR
    db_session.flush()
    assert world.unit.code not in ladder.problems(db_session, builders.settings())
    assert world.unit.code in ladder.problems(db_session,
                                              builders.settings(sms_gateway_url=None))


def test_presence_counts_live_streams_and_forgets_the_silent_ones(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    unit_id = 987_654
    assert presence.present(client, unit_id) == 0
    assert presence.touch(client, unit_id, "tab-1") == 1
    assert presence.touch(client, unit_id, "tab-2", ttl=0.2) == 2
    assert presence.present(client, unit_id) == 2
    time.sleep(0.3)  # tab-2 stopped refreshing
    assert presence.present(client, unit_id) == 1
    client.zrem(unit_presence_key(unit_id), "tab-1")
    assert presence.present(client, unit_id) == 0
    client.delete(unit_presence_key(unit_id))
    client.close()


def test_delivery_health_counts_what_is_owed_failing_and_alarmed(db_session):
    config = builders.settings()
    world = builders.world(db_session, [(AlertChannel.SMS, "+66811")])
    since = utcnow() - timedelta(minutes=1)
    before = stats.delivery_health(db_session, now=utcnow(), since=since)
    dispatch = service.create(db_session, case_id=world.case_id, unit_id=world.unit.id,
                              actor_id=world.agent.id, settings=config)
    (alert_id, _), = outbox.owed(db_session, dispatch.id, now=dispatch.created_at)
    claim = outbox.claim(db_session, alert_id, now=dispatch.created_at, settings=config)
    outbox.record_failure(db_session, claim, error="HTTP 500", transient=True,
                          now=dispatch.created_at, settings=config)
    now = dispatch.created_at + timedelta(minutes=2)
    health = stats.delivery_health(db_session, now=now, since=since)
    assert health.alerts_owed == before.alerts_owed + 1
    assert health.failed_attempts == before.failed_attempts + 1
    assert health.awaiting_unit == before.awaiting_unit + 1
    assert health.oldest_owed_seconds >= 100  # due again 2 s after the failure
    shown = board.detail(db_session, dispatch.id, now=now, settings=config)
    assert shown is not None and shown.row.intervals == {}  # no step reached yet

