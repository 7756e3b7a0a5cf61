"""The wallboard's stream over a real web process: snapshot, live changes, and a restart."""

import json
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from agent_console.__main__ import SHUTDOWN_GRACE_SECONDS
from callcenter.seed import DEMO_PASSWORD, seed_all
from tests.support.web_stack import (  # noqa: F401
    ROOT,
    WebProcess,
    events,
    free_port,
    private_redis_fixture,
    signed_in,
)

from .conftest import link, put_live

CALLER = "0899999999"


@pytest.fixture
def seeded(committing_sessionmaker) -> None:
    """The demo's queues, units and users (the supervisor signs in), committed."""
    with committing_sessionmaker() as session:
        seed_all(session, demo_users=True)
        session.commit()


def receive_live_change(client, redis, marker: str) -> list[str]:
    """Open the stream, check the snapshot, then wait for a change published now."""
    stop = threading.Event()
    body = json.dumps({"node": "wbtest", "name": "violence", "waiting": [], "marker": marker})

    def publish_until_seen() -> None:
        # The process's subscriber may still be connecting: say it again until heard.
        while not stop.wait(0.2):
            redis.publish("queue.violence.updated", body)

    names: list[str] = []
    with client.stream("GET", "/wallboard/stream", timeout=15) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        publisher = threading.Thread(target=publish_until_seen, daemon=True)
        try:
            for name, data in events(response.iter_lines()):
                names.append(name)
                assert CALLER not in data, "a caller's number reached the wall screen"
                if name == "queue" and marker in data:
                    break
                if name == "queue" and not names.count("started"):
                    assert json.loads(data)["name"] == "violence"  # the snapshot
                    names.append("started")
                    publisher.start()
        finally:
            stop.set()
    return names


def test_the_wallboard_stream_delivers_after_the_web_process_restarts(
        pg_url, seeded, private_redis):
    redis_url, redis_client = private_redis
    link(redis_client)
    put_live(redis_client, "queue", "violence", {"name": "violence", "waiting": [
        {"uniqueid": "5.1", "position": 1, "joined_at": "2026-11-23T10:00:00+00:00",
         "caller_number": CALLER, "priority": 1}]})
    put_live(redis_client, "call", "5.1", {"uniqueid": "5.1", "state": "queued",
                                           "caller_number": CALLER, "caller_name": "Somchai"})
    web = WebProcess(database_url=pg_url, redis_url=redis_url).start()
    try:
        client = signed_in(web.url, "supervisor", DEMO_PASSWORD)
        before = receive_live_change(client, redis_client, "before-restart")
        assert before[:2] == ["hub", "bridge"] and "alarms" in before and "call" in before
        web.stop()
        web.start()
        after = receive_live_change(client, redis_client, "after-restart")
        assert after[:2] == ["hub", "bridge"] and after[-1] == "queue"
    finally:
        web.stop()


def test_a_web_process_with_streams_open_stops_by_itself_when_told_to(
        pg_url, seeded, private_redis):
    """A restart (SIGTERM) must not wait for the wall screens to go away: their streams
    never end by themselves. The process ends them, completed, and exits cleanly, long
    before the grace it gives other requests."""
    redis_url, redis_client = private_redis
    link(redis_client)
    web = WebProcess(database_url=pg_url, redis_url=redis_url).start()
    try:
        client = signed_in(web.url, "supervisor", DEMO_PASSWORD)
        opened, ended = threading.Event(), threading.Event()

        def hold() -> None:
            try:
                with client.stream("GET", "/wallboard/stream", timeout=60) as response:
                    opened.set()
                    for _ in response.iter_lines():
                        pass
            except Exception:  # the server closed it: what this test wants
                pass
            ended.set()

        threading.Thread(target=hold, daemon=True).start()
        assert opened.wait(15)
        web.process.send_signal(signal.SIGTERM)
        # Not killed by the test: its streams end at once and it exits on its own.
        returncode = web.process.wait(SHUTDOWN_GRACE_SECONDS + 20)
        assert returncode == 0, web.log()[-2000:]
        assert ended.wait(5)
        assert "Traceback" not in web.log() and "ERROR" not in web.log()
    finally:
        web.stop()


def test_two_web_processes_deliver_the_same_update_to_their_own_clients(
        pg_url, seeded, private_redis):
    redis_url, redis_client = private_redis
    link(redis_client)
    webs = [WebProcess(database_url=pg_url, redis_url=redis_url).start() for _ in range(2)]
    body = json.dumps({"node": "wbtest", "name": "violence", "waiting": [], "marker": "both"})
    seen = {web.port: threading.Event() for web in webs}

    # Signed in one after the other: the second factor takes each time step once, and
    # enrolment happens on the first sign-in only.
    clients = {web.port: signed_in(web.url, "supervisor", DEMO_PASSWORD) for web in webs}

    def watch(web) -> None:
        client = clients[web.port]
        with client.stream("GET", "/wallboard/stream", timeout=15) as response:
            for name, data in events(response.iter_lines()):
                if name == "queue" and '"both"' in data:
                    seen[web.port].set()
                    return

    try:
        readers = [threading.Thread(target=watch, args=(web,), daemon=True) for web in webs]
        for reader in readers:
            reader.start()
        # One body, published until both processes' subscribers have passed it on.
        for _ in range(100):
            if all(event.is_set() for event in seen.values()):
                break
            redis_client.publish("queue.violence.updated", body)
            time.sleep(0.1)
        assert all(event.is_set() for event in seen.values())
    finally:
        for web in webs:
            web.stop()


def test_a_bridge_that_dies_is_reported_lost_when_its_link_key_expires(
        pg_url, seeded, private_redis):
    """A killed bridge publishes nothing: its key expires and the stream says so."""
    redis_url, redis_client = private_redis
    put_live(redis_client, "queue", "violence", {"name": "violence", "waiting": []})
    nodes = json.dumps([{"name": "pbx9", "host": "127.0.0.1", "port": 5038,
                         "username": "callcenter", "secret": "x"}])
    web = WebProcess(database_url=pg_url, redis_url=redis_url,
                     env={"CALLCENTER_AMI_NODES": nodes}).start()
    try:
        client = signed_in(web.url, "supervisor", DEMO_PASSWORD)
        states: dict[str, list[str]] = {}
        # The bridge's last refresh: a moment more to live, as if it was killed just now.
        link(redis_client, expire=1.5)
        with client.stream("GET", "/wallboard/stream", timeout=15) as response:
            for name, data in events(response.iter_lines()):
                if name != "bridge":
                    continue
                body = json.loads(data)
                states.setdefault(body["node"], []).append(body["state"])
                if states.get("wbtest", [])[-1:] == ["lost"]:
                    last = body
                    break
        # A configured node that never reported is lost from the first snapshot.
        assert states["pbx9"][0] == "lost"
        assert states["wbtest"][0] == "up"
        # Since its last heartbeat, which the web side saw while the key was there.
        assert last["since"] is not None and last["heartbeat"] is not None
    finally:
        web.stop()


def test_a_bridge_process_killed_outright_is_reported_lost(
        pg_url, seeded, private_redis):
    """SIGKILL: the bridge writes nothing more; its link key expires and the page says so."""
    redis_url, redis_client = private_redis
    sim_port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}
    sim = subprocess.Popen([sys.executable, "-m", "callcenter.simulators.asterisk", "--port",
                            str(sim_port), "--secret", "hotline1300", "--no-ivr",
                            "--calls-per-minute", "6"], **quiet)
    bridge = subprocess.Popen([sys.executable, "-m", "tests.agent_console.wallboard.bridge_process",
                               "--port", str(sim_port), "--redis", redis_url, "--ttl", "2"],
                              **quiet)
    web = WebProcess(database_url=pg_url, redis_url=redis_url).start()
    try:
        client = signed_in(web.url, "supervisor", DEMO_PASSWORD)
        for _ in range(200):  # the bridge logs in to the simulator
            body = redis_client.get("bridge.pbx1.link")
            if body and json.loads(body)["state"] == "up":
                break
            time.sleep(0.1)
        states, killed = [], None
        with client.stream("GET", "/wallboard/stream", timeout=15) as response:
            for name, data in events(response.iter_lines()):
                link = json.loads(data) if name == "bridge" else {}
                if link.get("node") != "pbx1":
                    continue
                states.append(link["state"])
                if link["state"] == "up" and killed is None:
                    bridge.send_signal(signal.SIGKILL)
                    bridge.wait(5)
                    killed = link
                elif killed is not None and link["state"] == "lost":
                    break
        assert states[0] == "up" and states[-1] == "lost"
        # Since its last heartbeat: at or after the one the page saw while it was up.
        assert link["heartbeat"] >= killed["heartbeat"]
        assert abs(datetime.fromisoformat(link["since"]).timestamp() - link["heartbeat"]) < 1e-3
    finally:
        for process in (bridge, sim):
            if process.poll() is None:
                process.kill()
                process.wait(5)
        web.stop()


def test_the_page_stream_pushes_the_drawn_board_again_after_a_change(
        pg_url, seeded, private_redis):
    """The page's stream (``view``) carries the board drawn by the server, no entity state."""
    redis_url, redis_client = private_redis
    link(redis_client)
    put_live(redis_client, "call", "5.1", {"uniqueid": "5.1", "state": "queued",
                                           "caller_number": CALLER, "caller_name": "Somchai"})
    web = WebProcess(database_url=pg_url, redis_url=redis_url).start()
    try:
        client = signed_in(web.url, "supervisor", DEMO_PASSWORD)
        seqs: list[int] = []
        with client.stream("GET", "/wallboard/stream?view=big&lang=en",
                           timeout=15) as response:
            assert response.status_code == 200
            for name, data in events(response.iter_lines()):
                assert name == "board"
                assert CALLER not in data and "Somchai" not in data
                assert 'id="wallboard" class="wallboard big' in data
                if 'data-seq="' in data:  # counted once the process's subscriber is up
                    seqs.append(int(data.split('data-seq="', 1)[1].split('"', 1)[0]))
                if len(seqs) > 1 and seqs[-1] > seqs[0]:
                    break
                # Said again after each board: the subscriber may still be connecting.
                redis_client.publish("queue.violence.updated", json.dumps(
                    {"node": "wbtest", "name": "violence", "waiting": []}))
        assert seqs[-1] > seqs[0]
    finally:
        web.stop()
