"""The side effects a flow may ask for, behind one small interface.

Flows yield ``PortCall(method, argument)``; the server awaits ``getattr(ports, method)``.
Flows stay pure, tests use ``MemoryPorts``, production uses ``ivr.adapters.FoundationPorts``.
A port that fails or is slow must not strand a caller: the server treats an exception or a
timeout as "unknown" (``None``/``False``) and the flow carries on without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from callcenter.taxonomy import IssueArea, Language

ESTIMATED_WAIT = "estimated_wait"
STORE_CALLBACK = "store_callback"
CANCEL_CALLBACK = "cancel_callback"
RECORD_DISPATCH_ANSWER = "record_dispatch_answer"


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    """Keep the caller's place: call them back when an agent of ``queue`` is free."""

    call_id: str
    number: str  # personal data: stored, never logged
    queue: str
    priority: int
    language: Language
    issue: IssueArea | None


@dataclass(frozen=True, slots=True)
class DispatchAnswer:
    """A rapid-response unit's answer to a voice alert: ``yes``, ``no`` or ``none``."""

    dispatch_id: str
    unit: str
    answer: str
    call_id: str


class IvrPorts(Protocol):
    async def estimated_wait(self, queue: str) -> float | None:
        """Seconds a caller joining ``queue`` now can expect to wait; None if unknown."""
        ...

    async def store_callback(self, request: CallbackRequest) -> bool:
        """Store the request (once per call); False when it could not be stored."""
        ...

    async def cancel_callback(self, request: CallbackRequest) -> bool:
        """Withdraw ``request`` whose storing failed or timed out, even if it commits late.

        Must hold after the port's own timeout too: the caller is told "could not book".
        """
        ...

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        """Record the unit's answer on the dispatch; False when it could not."""
        ...


class NullPorts:
    """No infrastructure: waits unknown, nothing stored (callback offers never happen)."""

    async def estimated_wait(self, queue: str) -> float | None:
        return None

    async def store_callback(self, request: CallbackRequest) -> bool:
        return False

    async def cancel_callback(self, request: CallbackRequest) -> bool:
        return True

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        return False


@dataclass
class MemoryPorts:
    """Ports kept in memory, for tests, the benchmark and the demo simulator."""

    waits: dict[str, float] = field(default_factory=dict)
    callbacks: list[CallbackRequest] = field(default_factory=list)
    cancelled: list[CallbackRequest] = field(default_factory=list)
    answers: list[DispatchAnswer] = field(default_factory=list)

    async def estimated_wait(self, queue: str) -> float | None:
        return self.waits.get(queue)

    async def store_callback(self, request: CallbackRequest) -> bool:
        if not any(r.call_id == request.call_id for r in self.callbacks):
            self.callbacks.append(request)
        return True

    async def cancel_callback(self, request: CallbackRequest) -> bool:
        self.cancelled.append(request)
        if request in self.callbacks:
            self.callbacks.remove(request)
        return True

    async def record_dispatch_answer(self, answer: DispatchAnswer) -> bool:
        self.answers.append(answer)
        return True
