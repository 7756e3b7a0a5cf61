"""Scale-out: two PBX nodes, each with its own bridge process, two web processes and two
workers on one database and one Redis (see tests/scale/cluster.py).

Calls arrive on both nodes while dispatches are alerted and call backs placed: every call
is recorded once, on the node it happened on (the two simulators number their calls
alike, so the same Uniqueid exists on both nodes, as it can on two real Asterisks); every
dispatch is alerted once although two workers and two relays run; the wallboard of either
web process shows both nodes' queues; and with one bridge killed the other node's calls
are still recorded as they happened. bench/two_nodes.py measures the same floor.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter

import pytest

from callcenter.calls.models import CallbackRequest, CallbackStatus, CallDirection, CallOutcome
from callcenter.dispatch.models import AlertStatus
from callcenter.simulators.asterisk.call_events import SimCall
from tests.scale.cluster import (
    Cluster,
    alerts_of,
    calls_of,
    dispatch_by_sms,
    queue_nodes_on_wallboard,
    request_callback,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(110)]

QUEUES = ("violence", "trafficking", "pregnancy", "welfare", "operator")
OUTCOME = {"answered": CallOutcome.ANSWERED, "abandoned": CallOutcome.ABANDONED}
CALLS_PER_NODE = 30
DISPATCHES = 6
CALLBACKS = 4


@pytest.fixture
async def cluster(pg_url, committing_sessionmaker, tmp_path):
    tag = uuid.uuid4().hex[:6]
    floor = Cluster(pg_url, tmp_path, (f"pa{tag}", f"pb{tag}"))
    try:
        await floor.start(committing_sessionmaker)
        yield floor
    except BaseException:
        print(floor.logs())
        raise
    finally:
        await floor.stop()


async def play(cluster: Cluster, node: str, count: int) -> list[SimCall]:
    """``count`` callers on ``node``, arriving a little apart; returns them once all ended."""
    sim = cluster.sims[node]
    calls, players = [], []
    for _ in range(count):
        call = sim.new_call(shape=random.choice(("answered", "answered", "abandoned")),
                            queue=random.choice(QUEUES), wait=random.uniform(0.5, 3),
                            talk=random.uniform(2, 8))
        calls.append(call)
        players.append(asyncio.create_task(sim.play(call)))
        await asyncio.sleep(0.02)
    await asyncio.gather(*players)
    return calls


async def until(predicate, timeout: float = 40.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = await asyncio.to_thread(predicate)
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met in time")


def recorded(sessions, node: str, calls: list[SimCall]) -> dict[str, list]:
    """The inbound rows of ``node`` for these calls, by Uniqueid (a list: duplicates show)."""
    wanted = {c.uniqueid for c in calls}
    rows: dict[str, list] = {}
    for row in calls_of(sessions, (node,)):
        if row.direction is CallDirection.INBOUND and row.uniqueid in wanted:
            rows.setdefault(row.uniqueid, []).append(row)
    return rows


def all_ended(sessions, node: str, calls: list[SimCall]):
    rows = recorded(sessions, node, calls)
    done = len(rows) == len(calls) and all(
        r.outcome is not CallOutcome.IN_PROGRESS for found in rows.values() for r in found)
    return done and rows


def assert_recorded_once(rows: dict[str, list], calls: list[SimCall]) -> None:
    for call in calls:
        (row,) = rows[call.uniqueid]  # exactly one row per call and node
        assert row.outcome is OUTCOME[call.shape], (call.uniqueid, call.shape, row.outcome)
        assert row.queue_name == call.queue


async def test_two_nodes_record_each_call_once_alert_each_dispatch_once_and_survive_a_bridge(
        cluster, committing_sessionmaker):
    sessions = committing_sessionmaker
    first, second = cluster.nodes
    dispatch_ids = [await asyncio.to_thread(dispatch_by_sms, cluster, sessions,
                                            f"+6681{i:07d}") for i in range(DISPATCHES)]
    callback_ids = [await asyncio.to_thread(request_callback, sessions, f"0899{i:06d}",
                                            "violence") for i in range(CALLBACKS)]
    played = dict(zip(cluster.nodes, await asyncio.gather(
        *(play(cluster, node, CALLS_PER_NODE) for node in cluster.nodes)), strict=True))

    # Every call once, on its own node, as it ended (the Uniqueids repeat across nodes).
    assert {c.uniqueid for c in played[first]} & {c.uniqueid for c in played[second]}
    for node, calls in played.items():
        assert_recorded_once(await until(lambda n=node, c=calls: all_ended(sessions, n, c)),
                             calls)
    # No row of either node for a call the other node had and it did not.
    for node in cluster.nodes:
        inbound = Counter(r.uniqueid for r in calls_of(sessions, (node,))
                          if r.direction is CallDirection.INBOUND)
        assert set(inbound) == {c.uniqueid for c in played[node]}
        assert max(inbound.values()) == 1

    # Every dispatch alerted once: one alert, delivered, one request at the gateway.
    def delivered():
        found = alerts_of(sessions, dispatch_ids)
        return len(found) == DISPATCHES and all(
            a.status is AlertStatus.DELIVERED for a in found) and found
    alerts = await until(delivered)
    assert sorted(a.dispatch_id for a in alerts) == sorted(dispatch_ids)
    sms = Counter(r["key"] for r in cluster.providers.requests if r["path"].endswith("/sms"))
    assert sms == Counter({a.idempotency_key: 1 for a in alerts})

    # Every call back placed once, from a node with a free agent, recorded on that node.
    def called_back():
        with sessions() as session:
            rows = [session.get(CallbackRequest, i) for i in callback_ids]
        return all(r.status is CallbackStatus.DONE for r in rows) and rows
    requests = await until(called_back)
    for request in requests:
        assert request.attempts == 1
        assert request.dial_node in cluster.nodes
        (call,) = [r for r in calls_of(sessions, cluster.nodes)
                   if r.uniqueid == request.dial_action_id]
        assert (call.node, call.direction, call.callback_id) == (
            request.dial_node, CallDirection.OUTBOUND, request.id)

    # Either web process's wallboard shows the queues of both nodes.
    for web in cluster.webs:
        shown = await asyncio.to_thread(queue_nodes_on_wallboard, web, set(cluster.nodes))
        assert shown >= set(cluster.nodes)

    # One bridge dies outright: the other node's calls are still recorded as they happen.
    before = {(r.node, r.uniqueid, r.outcome) for r in calls_of(sessions, cluster.nodes)}
    await asyncio.to_thread(cluster.bridges[second].kill)
    later = await play(cluster, first, 10)
    rows = await until(lambda: all_ended(sessions, first, later))
    assert_recorded_once(rows, later)
    after = {(r.node, r.uniqueid, r.outcome) for r in calls_of(sessions, cluster.nodes)}
    assert before <= after
    assert {key for key in after - before if key[0] == second} == set()
    shown = await asyncio.to_thread(queue_nodes_on_wallboard, cluster.webs[1], {first})
    assert first in shown
