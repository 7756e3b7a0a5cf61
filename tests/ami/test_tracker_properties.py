"""Any interleaving of valid events for N calls ends with N records and nothing live."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.ami.effects import UpsertCall
from callcenter.ami.tracker import Tracker

from .builders import inbound_call

T0 = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)

call_shapes = st.lists(
    st.tuples(st.booleans(), st.integers(1, 3), st.booleans()), min_size=1, max_size=8
)


@settings(max_examples=150, deadline=None)
@given(shapes=call_shapes, data=st.data())
def test_any_interleaving_of_n_calls_ends_with_n_records_and_no_live_state(shapes, data):
    streams = []
    for n, (abandon, agent, complete_late) in enumerate(shapes, start=1):
        events = inbound_call(n, agent=agent, abandon=abandon)
        if complete_late and not abandon:
            # Asterisk may emit AgentComplete after the Hangup (different threads).
            events[-2], events[-1] = events[-1], events[-2]
        streams.append(events)
    tracker = Tracker("prop")
    records = {}
    cursor = [0] * len(streams)
    step = 0
    while any(c < len(s) for c, s in zip(cursor, streams, strict=True)):
        ready = [i for i, s in enumerate(streams) if cursor[i] < len(s)]
        i = data.draw(st.sampled_from(ready))
        for effect in tracker.handle(streams[i][cursor[i]], T0 + timedelta(seconds=step)):
            if isinstance(effect, UpsertCall):
                records[effect.record.uniqueid] = effect.record
        cursor[i] += 1
        step += 1
    assert len(records) == len(shapes)
    for (abandon, _, _), record in zip(shapes, sorted(records.values(),
                                                      key=lambda r: r.started_at), strict=True):
        assert record.outcome == ("abandoned" if abandon else "answered")
        assert record.ended_at is not None
    assert tracker.calls == {}
    assert all(not q.waiting for q in tracker.queues.values())
    assert all(a.current_call is None and a.ringing_call is None
               for a in tracker.agents.values())
