"""Pure rules of chat routing: who may be offered a conversation, which conversation goes
next and to whom, when an offer lapses, and the chat queues' service level. No session,
no clock, no I/O: the service (``routing.py``) reads the rows and the agents' live state
and hands them here as plain values.

Capacity works as in the contact-centre suites ("capacity" in Genesys and Twilio Flex):
an agent holds at most ``capacity`` conversations at once (offered or active), and a call
takes the whole of it, so an agent on a call, ringing, paused or signed out of the voice
queues is offered nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from callcenter.chat import policy

DEFAULT_CAPACITY = 3
MAX_CAPACITY = 20
# The bridge's agent status (callcenter.ami.queue_state.Agent.status) in which an agent is
# free for chats: signed in, not paused, no call ringing or connected. "unavailable" (no
# phone to ring) is left out too: such an agent is most likely not at their desk.
FREE_STATUS = "available"


@dataclass(frozen=True, slots=True)
class AgentSlot:
    """An agent as routing sees them at one moment."""

    user_id: int
    status: str
    languages: frozenset[str]
    capacity: int
    holding: int  # conversations offered to them or active with them

    @property
    def free(self) -> int:
        return max(self.capacity - self.holding, 0)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A conversation waiting in a chat queue."""

    id: int
    topic: str | None
    language: str
    waiting_since: datetime
    declined_by_id: int | None = None
    # When it was last offered (kept after a decline): the decliner's rest starts there.
    offered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    conversation_id: int
    agent_id: int


def may_take_chats(agent: AgentSlot) -> bool:
    """Free for one more conversation: on no call, not paused, signed in, below capacity."""
    return agent.status == FREE_STATUS and agent.capacity > 0 and agent.holding < agent.capacity


def serves(agent: AgentSlot, conversation: Waiting) -> bool:
    """An agent serves every topic in the languages they speak (users.languages, the same
    list that picks their voice queues); chat has no skill list of its own yet."""
    return conversation.language in agent.languages


def line_order(conversation: Waiting) -> tuple[int, datetime, int]:
    """Who is answered first: "in danger now" before anything, then the longest waiting."""
    return (0 if conversation.topic == policy.URGENT else 1, conversation.waiting_since,
            conversation.id)


def resting(agent_id: int, conversation: Waiting, *, now: datetime,
            rest: timedelta) -> bool:
    """The agent declined this conversation (or let it lapse) a moment ago."""
    if conversation.declined_by_id != agent_id:
        return False
    return conversation.offered_at is None or now - conversation.offered_at < rest


@dataclass
class _Load:
    agent: AgentSlot
    holding: int = field(default=0)


def plan(conversations: Iterable[Waiting], agents: Sequence[AgentSlot], *, now: datetime,
         rest: timedelta) -> list[Offer]:
    """The offers to make now: conversations in line order, each to the free agent who
    serves it holding the fewest (ties to the lowest id, so a test can say who).

    The agent who just declined a conversation is passed over while their rest lasts,
    even when nobody else is free: it waits for someone rather than coming straight back.
    """
    loads = [_Load(a, a.holding) for a in agents]
    offers: list[Offer] = []
    for conversation in sorted(conversations, key=line_order):
        candidates = [
            load for load in loads
            if load.agent.status == FREE_STATUS and load.holding < load.agent.capacity
            and serves(load.agent, conversation)
            and not resting(load.agent.user_id, conversation, now=now, rest=rest)]
        if not candidates:
            continue
        best = min(candidates, key=lambda load: (load.holding, load.agent.user_id))
        best.holding += 1
        offers.append(Offer(conversation.id, best.agent.user_id))
    return offers


def next_for(conversations: Iterable[Waiting], languages: frozenset[str]) -> Waiting | None:
    """The conversation an agent pulls by hand ("take next"): first in line of those in
    their languages; a decline does not hold back a deliberate pull."""
    theirs = [c for c in conversations if c.language in languages]
    return min(theirs, key=line_order) if theirs else None


def offer_lapsed(offered_at: datetime, *, now: datetime, timeout: timedelta) -> bool:
    return now - offered_at >= timeout


def back_in_line(original: datetime | None, *, first_in_line: datetime | None,
                 fallback: datetime) -> datetime:
    """The place a returned conversation takes (its agent signed out, a supervisor sent
    it back): its own first wait, and never behind anyone now waiting in any queue."""
    place = original or fallback
    if first_in_line is not None and first_in_line <= place:
        place = first_in_line - timedelta(seconds=1)
    return place


# Service level -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelCount:
    answered_in_time: int
    counted: int

    @property
    def share(self) -> float | None:
        return self.answered_in_time / self.counted if self.counted else None


def service_level(rows: Iterable[tuple[datetime, datetime | None]], *, now: datetime,
                  threshold: timedelta) -> LevelCount:
    """Of conversations that started waiting (``queued_at``, ``accepted_at``): the share
    accepted within ``threshold``. One still waiting counts once it is past the threshold
    (it can no longer be in time); before that it is not counted yet."""
    in_time = counted = 0
    for queued_at, accepted_at in rows:
        if accepted_at is not None:
            counted += 1
            in_time += accepted_at - queued_at <= threshold
        elif now - queued_at > threshold:
            counted += 1
    return LevelCount(in_time, counted)


def queue_language(queue_name: str) -> str:
    """``chat-<topic>-<language>`` → the language."""
    return queue_name.rsplit("-", 1)[-1]
