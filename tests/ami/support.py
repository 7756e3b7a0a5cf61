"""Recorded Asterisk transcripts, read from tests/fixtures/asterisk (the project's own copies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from callcenter.ami.effects import Effect, Publish, UpsertCall
from callcenter.ami.events import to_event
from callcenter.ami.framing import Framer, Message, parse_message
from callcenter.ami.tracker import Tracker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "asterisk"
AMI_FILES = sorted(p.stem for p in FIXTURES.glob("*.ami"))


def ami_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.ami").read_bytes()


def timing(name: str) -> list[tuple[float, int, int]]:
    """(seconds since connect, byte offset, length) of every TCP read the client did."""
    rows = []
    for line in (FIXTURES / f"{name}.ami.timing").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        seconds, offset, length = line.split()
        rows.append((float(seconds), int(offset), int(length)))
    return rows


def sent_actions(name: str) -> list[Message]:
    data = (FIXTURES / f"{name}.ami.sent").read_bytes()
    return [m for raw in data.split(b"\r\n\r\n") if raw and (m := parse_message(raw))]


@dataclass
class Arrival:
    message: Message
    received_at: datetime


def arrivals(name: str) -> list[Arrival]:
    """Messages in the order and chunking recorded, stamped with a wall time.

    The wall time of the connection comes from the EventTV of the client's own
    SuccessfulAuth, so receive times are those of the recording day.
    """
    data = ami_bytes(name)
    framer = Framer()
    stamped: list[tuple[float, Message]] = []
    for seconds, offset, length in timing(name):
        messages, _ = framer.feed(data[offset:offset + length])
        stamped += [(seconds, m) for m in messages]
    base = None
    for seconds, m in stamped:
        if m.event == "SuccessfulAuth" and m.get("EventTV"):
            tv = datetime.strptime(m.get("EventTV"), "%Y-%m-%dT%H:%M:%S.%f%z")
            base = tv - timedelta(seconds=seconds)
            break
    # The PJSIP recordings have no SuccessfulAuth (the deployed AMI user does not read
    # `security`): their first `Timestamp` header gives the day instead.
    for seconds, m in stamped if base is None else ():
        if m.get("Timestamp"):
            base = datetime.fromtimestamp(float(m.get("Timestamp")), UTC) \
                - timedelta(seconds=seconds)
            break
    assert base is not None, name
    return [Arrival(m, base + timedelta(seconds=s)) for s, m in stamped]


@dataclass
class Outcome:
    tracker: Tracker
    records: dict[str, object]
    effects: list[Effect]

    def publishes(self, prefix: str) -> list[Publish]:
        return [e for e in self.effects if isinstance(e, Publish) and e.topic.startswith(prefix)]


def run_tracker(name: str, tracker: Tracker | None = None, before=None) -> Outcome:
    """Feed a whole transcript through the tracker; `before(tracker, arrival)` may act."""
    tracker = tracker or Tracker("test")
    effects: list[Effect] = []
    records = {}
    for arrival in arrivals(name):
        if before is not None:
            effects += before(tracker, arrival)
        event = to_event(arrival.message)
        if event is not None:
            effects += tracker.handle(event, arrival.received_at)
    for e in effects:
        if isinstance(e, UpsertCall):
            records[e.record.uniqueid] = e.record
    return Outcome(tracker, records, effects)
