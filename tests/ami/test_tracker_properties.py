"""Any interleaving of valid events for N calls ends with N records and nothing live.

Shapes: answered, abandoned, queue timeout, IVR hang-up, rung without answer then
answered by another agent, transferred; AgentComplete after the Hangup (Asterisk's
threads), events delivered twice, and a whole call replayed after it ended.
"""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from callcenter.ami.effects import UpsertCall
from callcenter.ami.tracker import Tracker
from callcenter.calls import service as calls
from callcenter.calls.models import Call

from .builders import SHAPES, shaped_call

T0 = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)

call_specs = st.lists(
    st.tuples(st.sampled_from(sorted(SHAPES)), st.integers(1, 3), st.booleans(),
              st.booleans()),
    min_size=1, max_size=8,
)


def streams_of(specs, data):
    streams = []
    for n, (shape, agent, complete_late, replayed) in enumerate(specs, start=1):
        events = shaped_call(n, shape, agent=agent)
        if complete_late and getattr(events[-2], "name", "") == "AgentComplete":
            events[-2], events[-1] = events[-1], events[-2]
        # Some events delivered twice in a row (a re-sent read, a replayed transcript).
        doubled = data.draw(st.lists(st.booleans(), min_size=len(events),
                                     max_size=len(events)))
        events = [e for e, twice in zip(events, doubled, strict=True)
                  for e in ([e, e] if twice else [e])]
        streams.append(events + events if replayed else events)
    return streams


def interleave(streams, data):
    cursor = [0] * len(streams)
    while any(c < len(s) for c, s in zip(cursor, streams, strict=True)):
        ready = [i for i, s in enumerate(streams) if cursor[i] < len(s)]
        i = data.draw(st.sampled_from(ready))
        yield streams[i][cursor[i]]
        cursor[i] += 1


def assert_nothing_live(tracker):
    assert tracker.calls == {}
    assert all(not q.waiting for q in tracker.queues.values())
    assert all(a.current_call is None and a.ringing_call is None
               for a in tracker.agents.values())


@settings(max_examples=150, deadline=None)
@given(specs=call_specs, data=st.data())
def test_any_interleaving_of_n_calls_ends_with_n_records_and_no_live_state(specs, data):
    tracker = Tracker("prop")
    records = {}
    for step, e in enumerate(interleave(streams_of(specs, data), data)):
        for effect in tracker.handle(e, T0 + timedelta(seconds=step)):
            if isinstance(effect, UpsertCall):
                records[effect.record.uniqueid] = effect.record
    assert len(records) == len(specs)
    for (shape, *_), record in zip(specs, sorted(records.values(),
                                                 key=lambda r: r.started_at), strict=True):
        assert record.outcome == SHAPES[shape], (shape, record)
        assert record.ended_at is not None
    assert_nothing_live(tracker)


_nodes = itertools.count(1)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=call_specs, data=st.data(), batch=st.integers(1, 12))
def test_the_same_streams_written_to_postgresql_leave_one_finished_row_per_call(
        db_session, specs, data, batch):
    # As the bridge does it: effects taken per batch of events, upserted per batch.
    node = f"prop{next(_nodes)}"
    tracker = Tracker(node, batch=True)
    for step, e in enumerate(interleave(streams_of(specs, data), data), start=1):
        tracker.handle(e, T0 + timedelta(seconds=step))
        if step % batch == 0:
            flush(db_session, node, tracker)
    flush(db_session, node, tracker)
    rows = list(db_session.scalars(select(Call).filter_by(node=node)
                                   .order_by(Call.started_at)))
    assert db_session.scalar(select(func.count()).select_from(Call)
                             .filter_by(node=node)) == len(specs)
    assert [r.outcome.value for r in rows] == [SHAPES[shape] for shape, *_ in specs]
    assert all(r.ended_at is not None for r in rows)
    assert_nothing_live(tracker)


def flush(session, node, tracker):
    records = [e.record for e in tracker.take_effects() if isinstance(e, UpsertCall)]
    calls.record_many(session, node=node, records=records)
    session.flush()
