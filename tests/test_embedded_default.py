"""With nothing configured: a SQLite file and an embedded Redis, as the demo uses."""

import psutil
import redis
from sqlalchemy import func, select

from callcenter import migrate
from callcenter.cases import service as cases
from callcenter.db import engine_for, session_scope
from callcenter.models import Province, User
from callcenter.redis import EmbeddedRedis
from callcenter.seed import seed_all
from callcenter.settings import load_settings


def test_the_embedded_database_is_migrated_seeded_and_numbers_cases(monkeypatch, tmp_path):
    monkeypatch.setenv("CALLCENTER_DATA_DIR", str(tmp_path))
    settings = load_settings()
    migrate.upgrade(settings.effective_database_url)
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(engine_for(settings), expire_on_commit=False)
    with session_scope(factory) as session:
        seed_all(session, demo_users=True)
    with session_scope(factory) as session:
        seed_all(session, demo_users=True)
        assert session.scalar(select(func.count(Province.code))) == 77
        actor = session.scalar(select(User.id).where(User.login == "agent1"))
        first = cases.open_case(session, created_by_id=actor)
        second = cases.open_case(session, created_by_id=actor)
        assert second.sequence == first.sequence + 1
    assert (tmp_path / "callcenter.sqlite3").exists()


def test_the_embedded_redis_serves_several_clients_and_stops_for_good(tmp_path):
    with EmbeddedRedis(tmp_path / "redis.db") as embedded:
        writer = redis.Redis.from_url(embedded.url)
        reader = redis.Redis.from_url(embedded.url)
        writer.set("call.1", "ringing")
        assert reader.get("call.1") == b"ringing"
        pid = writer.info("server")["process_id"]
        writer.close()
        reader.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_second_process_shares_the_embedded_redis_and_leaves_it_running(tmp_path):
    # Two processes started without CALLCENTER_REDIS_URL: the second uses the first's
    # server, and only the one that started it stops it.
    with EmbeddedRedis(tmp_path / "redis.db") as first:
        with EmbeddedRedis(tmp_path / "redis.db") as second:
            assert second.url == first.url
            pid = redis.Redis.from_url(second.url).info("server")["process_id"]
        client = redis.Redis.from_url(first.url)
        assert client.ping()
        client.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
