"""Wallboard numbers from the bridge's live state and today's call records.

Pure: no clock, no Redis, no database. Inputs are the full-state payloads the bridge
publishes (``queue.<name>.updated``, ``agent.<id>.updated``, ``call.<id>.updated``) and
today's call records as dicts (the bridge's ``CallRecord`` fields or the ``calls`` rows);
``now`` is passed in. This is the one place of the wallboard's rules: the server draws
every figure, band and alarm from here, and ``seconds_to_next_change`` tells the page when
time alone (no event) will change what it shows.

Service level, the one definition used on the wallboard and in the reports:
inbound calls answered within their queue's threshold ÷ (inbound calls answered + inbound
calls abandoned after more than ``SHORT_ABANDON_SECONDS`` in the queue). Callers who hang
up within those seconds count on neither side; queue timeouts are not abandons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from callcenter.queues import catalog
from callcenter.queues.catalog import BY_NAME, QUEUES

SHORT_ABANDON_SECONDS = 5
DEFAULT_THRESHOLD_SECONDS = 20
# A queue's own figures (``QueueSettings``, kept in the queues table and edited by admins)
# replace these; they serve queues the table does not know and the pure tests.
SERVICE_LEVEL_TARGET = float(catalog.SERVICE_LEVEL_TARGET)
SERVICE_LEVEL_ALARM_MIN_CALLS = catalog.SERVICE_LEVEL_MIN_CALLS
LONG_WAIT_SECONDS = catalog.WAIT_ALARM_SECONDS
# asterisk_conf/queues.conf: wrapuptime = 10 (no new call is offered meanwhile).
WRAP_UP_SECONDS = 10
# The pause reason of after-call work (agents.pause_reasons: locked, always there).
WRAP_UP_REASON = "wrap_up"

# Colour bands of time in state: (amber from, red from) seconds; None: never.
BANDS: dict[str, tuple[int | None, int | None]] = {
    "available": (None, None),
    "ringing": (15, 30),
    "talking": (600, 1200),
    "wrap_up": (30, 60),
    "paused": (900, 1800),
    # Signed in, but Asterisk says the phone cannot ring (device invalid or unavailable).
    "unavailable": (0, 120),
    "signed_out": (None, None),
}
# Device states (the bridge's ``device_state`` per membership) of a phone that cannot ring.
DEAD_DEVICES = frozenset({"invalid", "unavailable"})

DEFINITION = {
    "en": (
        "Service level = calls answered within the queue's threshold ÷ (calls answered + "
        f"calls abandoned after more than {SHORT_ABANDON_SECONDS} s in the queue), "
        "today (Asia/Bangkok). Callers who hang up sooner and queue timeouts are left out."
    ),
    "th": (
        "ระดับการให้บริการ = สายที่รับภายในเวลาที่กำหนดของคิว ÷ (สายที่รับ + สายที่ผู้โทรวางหลังรอเกิน "
        f"{SHORT_ABANDON_SECONDS} วินาที) ของวันนี้ ไม่นับสายที่วางเร็วกว่านั้นและสายที่หมดเวลารอ"
    ),
}


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """A queue's targets and colour thresholds, as an admin set them (queues table).

    Service level: amber below ``warn`` %, red (an alarm) below ``target`` %, but only
    once ``min_calls`` calls count today: with fewer, one late call swings the
    percentage too far to mean anything. Longest wait: amber when a caller has waited
    longer than ``wait_warn`` seconds, red (an alarm per caller) longer than ``wait_alarm``.
    """

    label_th: str
    label_en: str
    threshold: int = DEFAULT_THRESHOLD_SECONDS  # seconds: answered within counts
    target: int = catalog.SERVICE_LEVEL_TARGET
    warn: int = catalog.SERVICE_LEVEL_WARN
    min_calls: int = catalog.SERVICE_LEVEL_MIN_CALLS
    wait_warn: int = catalog.WAIT_WARN_SECONDS
    wait_alarm: int = catalog.WAIT_ALARM_SECONDS


def default_settings(name: str) -> QueueSettings:
    """The catalog's figures for a queue (its name as label when the catalog lacks it)."""
    spec = BY_NAME.get(name)
    if spec is None:
        return QueueSettings(name, name)
    return QueueSettings(spec.label_th, spec.label_en, spec.service_level_seconds)


def settings_of(name: str, settings: Mapping[str, QueueSettings] | None) -> QueueSettings:
    found = settings.get(name) if settings else None
    return found if found is not None else default_settings(name)


def parse_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def threshold_of(queue: str | None, thresholds: Mapping[str, int] | None = None) -> int:
    if queue and thresholds and queue in thresholds:
        return thresholds[queue]
    spec = BY_NAME.get(queue or "")
    return spec.service_level_seconds if spec else DEFAULT_THRESHOLD_SECONDS


def thresholds_of(settings: Mapping[str, QueueSettings] | None) -> dict[str, int]:
    """Each queue's answer threshold in seconds, as ``tally_calls`` takes them."""
    return {name: s.threshold for name, s in (settings or {}).items()}


@dataclass(slots=True)
class Tally:
    """One queue's finished calls of the day."""

    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0  # after more than SHORT_ABANDON_SECONDS
    short_abandoned: int = 0
    timed_out: int = 0
    wait_total: int = 0  # seconds, answered calls
    talk_total: int = 0  # seconds, answered calls with a known talk time
    talk_count: int = 0

    def add(self, call: Mapping[str, Any], threshold: int) -> None:
        outcome = str(call.get("outcome") or "")
        wait = call.get("wait_seconds")
        if call.get("answered_at") is not None and outcome != "in_progress":
            self.answered += 1
            self.wait_total += wait or 0
            if (wait or 0) <= threshold:
                self.answered_within += 1
            if call.get("talk_seconds") is not None:
                self.talk_total += call["talk_seconds"]
                self.talk_count += 1
        elif outcome == "abandoned":
            if wait is not None and wait <= SHORT_ABANDON_SECONDS:
                self.short_abandoned += 1
            else:
                self.abandoned += 1
        elif outcome == "queue_timeout":
            self.timed_out += 1

    def merge(self, other: Tally) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def service_level(self) -> float | None:
        base = self.answered + self.abandoned
        return round(100.0 * self.answered_within / base, 1) if base else None

    @property
    def average_wait(self) -> float | None:
        return round(self.wait_total / self.answered, 1) if self.answered else None

    @property
    def average_handle(self) -> float | None:
        """Average talk time of answered calls plus the fixed wrap-up."""
        if not self.talk_count:
            return None
        return round(self.talk_total / self.talk_count + WRAP_UP_SECONDS, 1)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


def tally_calls(
    calls: Iterable[Mapping[str, Any]], thresholds: Mapping[str, int] | None = None
) -> dict[str, Tally]:
    """Per queue, the day's finished inbound calls that reached a queue."""
    out: dict[str, Tally] = {}
    for call in calls:
        queue = call.get("queue_name")
        if not queue or str(call.get("direction") or "inbound") != "inbound":
            continue
        if str(call.get("outcome") or "in_progress") == "in_progress":
            continue
        out.setdefault(queue, Tally()).add(call, threshold_of(queue, thresholds))
    return out


@dataclass(slots=True)
class AgentView:
    interface: str
    name: str
    state: str  # available | ringing | talking | wrap_up | paused | unavailable | signed_out
    reason: str | None
    since: datetime | None
    seconds: int | None
    band: str  # ok | warn | alarm
    queues: tuple[str, ...]
    # Queues the agent is paused in, with the reason (a pause may cover some queues only).
    paused_in: dict[str, str | None] = field(default_factory=dict)
    node: str = ""
    # In a call: the caller on hold (the bridge, from Asterisk's Hold/Unhold), the
    # agent's browser phone muted (the console: agents.muting).
    on_hold: bool = False
    muted: bool = False


def band(state: str, seconds: int | None) -> str:
    amber, red = BANDS.get(state, (None, None))
    if seconds is None:
        return "ok"
    if red is not None and seconds >= red:
        return "alarm"
    if amber is not None and seconds >= amber:
        return "warn"
    return "ok"


def agent_view(payload: Mapping[str, Any], now: datetime,
               last_call_end: datetime | None = None) -> AgentView:
    """An agent's wallboard state; wrap-up is the WRAP_UP_SECONDS after their last call."""
    status = payload.get("status") or "logged_out"
    since = parse_time(payload.get("changed_at"))
    state = {"in_call": "talking", "ringing": "ringing", "paused": "paused",
             "available": "available", "unavailable": "unavailable"}.get(status, "signed_out")
    memberships = payload.get("queues") or {}
    if state == "available" and memberships and all(
            m.get("device_state") in DEAD_DEVICES for m in memberships.values()):
        state = "unavailable"
    paused_in = {name: m.get("paused_reason") for name, m in memberships.items()
                 if m.get("paused")}
    reason = payload.get("paused_reason") if paused_in else None
    if state == "available" and last_call_end is not None \
            and 0 <= (now - last_call_end).total_seconds() < WRAP_UP_SECONDS:
        state, since = "wrap_up", last_call_end
    elif state == "paused" and reason == WRAP_UP_REASON:
        # Paused by the console until the call has a disposition or a case (a queue that
        # requires wrap-up), or by the agent for a longer one: after-call work either way.
        state = "wrap_up"
    seconds = max(0, int((now - since).total_seconds())) if since else None
    return AgentView(
        interface=str(payload.get("interface")), name=str(payload.get("name") or ""),
        state=state, reason=reason, since=since, seconds=seconds, band=band(state, seconds),
        queues=tuple(sorted(memberships)), paused_in=paused_in,
        node=str(payload.get("node") or ""),
    )


@dataclass(slots=True)
class WaitingCaller:
    uniqueid: str
    queue: str
    position: int | None
    priority: int | None
    seconds: int
    ivr_choice: str | None
    language: str | None
    silent: bool
    node: str = ""
    issue_area: str | None = None  # what the IVR choice stands for (taxonomy.IssueArea)


@dataclass(slots=True)
class QueueView:
    name: str
    label_th: str
    label_en: str
    threshold: int
    waiting: int = 0
    longest_wait: int | None = None
    signed_in: int = 0
    available: int = 0
    talking: int = 0
    ringing: int = 0
    paused: int = 0
    pause_reasons: dict[str, int] = field(default_factory=dict)
    wrap_up: int = 0
    unavailable: int = 0
    today: Tally = field(default_factory=Tally)
    settings: QueueSettings | None = None  # None: the catalog's defaults

    @property
    def rules(self) -> QueueSettings:
        return self.settings or default_settings(self.name)

    @property
    def service_level(self) -> float | None:
        return self.today.service_level

    @property
    def counted(self) -> int:
        """Today's calls the service level counts (answered + abandoned after waiting)."""
        return self.today.answered + self.today.abandoned

    @property
    def below_target(self) -> bool:
        return self.service_level_band == "alarm"

    @property
    def judged(self) -> bool:
        """Whether enough calls count today (``min_calls``) for the service level to flag."""
        return self.service_level is not None and self.counted >= self.rules.min_calls

    @property
    def service_level_band(self) -> str:
        """ok | warn | alarm; always ok while not ``judged``."""
        sl, rules = self.service_level, self.rules
        if sl is None or not self.judged:
            return "ok"
        if sl < rules.target:
            return "alarm"
        return "warn" if sl < rules.warn else "ok"

    @property
    def wait_band(self) -> str:
        """ok | warn | alarm of the queue's longest wait."""
        return wait_band(self.longest_wait, self.rules)


def wait_band(seconds: int | None, rules: QueueSettings) -> str:
    # Both limits are "longer than": a caller at exactly the limit is not yet late.
    if seconds is None:
        return "ok"
    if seconds > rules.wait_alarm:
        return "alarm"
    return "warn" if seconds > rules.wait_warn else "ok"


@dataclass(frozen=True, slots=True)
class Alarm:
    kind: str  # long_wait | service_level | dispatch
    subject: str  # queue name, call uniqueid or dispatch id
    value: float | int | None = None


@dataclass(slots=True)
class Board:
    queues: list[QueueView]
    agents: list[AgentView]
    waiting: list[WaitingCaller]
    alarms: list[Alarm]
    total: Tally


def build(
    *,
    queues: Iterable[Mapping[str, Any]],
    agents: Iterable[Mapping[str, Any]],
    calls: Iterable[Mapping[str, Any]] = (),
    today: Mapping[str, Tally] | None = None,
    last_call_end: Mapping[str, datetime] | None = None,
    dispatch_alarms: Iterable[Mapping[str, Any]] = (),
    thresholds: Mapping[str, int] | None = None,
    settings: Mapping[str, QueueSettings] | None = None,
    muted: Iterable[str] = (),
    now: datetime,
) -> Board:
    """The whole wallboard at ``now``, by each queue's ``settings`` (catalog defaults for
    a queue without); ``thresholds`` overrides the answer seconds alone; ``muted``: the
    interfaces of agents muted in their current call."""
    agents = list(agents)
    today = today or {}
    last_call_end = last_call_end or {}
    live_calls = {str(c.get("uniqueid")): c for c in calls}
    views: dict[str, QueueView] = {}

    def view(name: str) -> QueueView:
        if name not in views:
            rules = settings_of(name, settings)
            if thresholds and name in thresholds:
                rules = replace(rules, threshold=thresholds[name])
            views[name] = QueueView(name, rules.label_th, rules.label_en, rules.threshold,
                                    settings=rules)
        return views[name]

    agent_views = sorted(
        (agent_view(a, now, last_call_end.get(str(a.get("interface")))) for a in agents),
        key=lambda a: (a.name, a.interface))
    on_call = {str(a.get("interface")): str(a.get("current_call") or "") for a in agents}
    silenced = set(muted)
    for agent in agent_views:
        if agent.state == "talking":
            agent.on_hold = bool(live_calls.get(on_call.get(agent.interface, ""), {})
                                 .get("on_hold"))
            agent.muted = agent.interface in silenced
    for agent in agent_views:
        if agent.state == "signed_out":
            continue
        for name in agent.queues:
            q = view(name)
            q.signed_in += 1
            if name in agent.paused_in and agent.state in ("available", "paused"):
                q.paused += 1
                reason = agent.paused_in[name] or "-"
                q.pause_reasons[reason] = q.pause_reasons.get(reason, 0) + 1
            elif agent.state != "paused":
                setattr(q, agent.state, getattr(q, agent.state) + 1)

    waiting: list[WaitingCaller] = []
    for payload in queues:
        q = view(str(payload["name"]))
        for entry in payload.get("waiting") or ():
            joined = parse_time(entry.get("joined_at"))
            seconds = max(0, int((now - joined).total_seconds())) if joined else 0
            call = live_calls.get(str(entry.get("uniqueid")), {})
            waiting.append(WaitingCaller(
                uniqueid=str(entry.get("uniqueid")), queue=q.name,
                position=entry.get("position"),
                priority=entry.get("priority") if entry.get("priority") is not None
                else call.get("priority"),
                seconds=seconds, ivr_choice=call.get("ivr_choice"),
                language=call.get("ivr_language"), silent=bool(call.get("silent")),
                node=str(payload.get("node") or ""), issue_area=call.get("issue_area")))
            q.waiting += 1
            q.longest_wait = max(q.longest_wait or 0, seconds)

    total = Tally()
    for name, tally in today.items():
        view(name).today = tally
        total.merge(tally)

    order = {spec.name: i for i, spec in enumerate(QUEUES)}
    queue_views = sorted(views.values(), key=lambda q: (order.get(q.name, len(order)), q.name))
    waiting.sort(key=lambda w: (-(w.priority or 0), -w.seconds))

    alarms = [Alarm("long_wait", w.uniqueid, w.seconds) for w in waiting
              if wait_band(w.seconds, views[w.queue].rules) == "alarm"]
    alarms += [Alarm("service_level", q.name, q.service_level) for q in queue_views
               if q.below_target]
    alarms += [Alarm("dispatch", str(d.get("dispatch_id")), d.get("escalations"))
               for d in dispatch_alarms]
    return Board(queue_views, agent_views, waiting, alarms, total)


def pause_summary(board: Board) -> Counter[str]:
    """Paused agents by reason, over the whole board (each agent once)."""
    return Counter(a.reason or "-" for a in board.agents if a.state == "paused")


def _until(seconds: int | None, at: int | None) -> int | None:
    """Seconds until an elapsed count that is ``seconds`` now reaches ``at`` (None: never)."""
    if seconds is None or at is None or seconds >= at:
        return None
    return at - seconds


def seconds_to_next_change(board: Board) -> int | None:
    """Seconds until the passing of time alone changes a band, a state or an alarm.

    Times in state and waits grow by themselves; a board drawn now is still right
    until an agent crosses a band, a wrap-up ends, or a caller has waited longer than
    their queue's amber or red limit (``QueueSettings.wait_warn``, ``wait_alarm``: the
    alarm, the red row). None: nothing changes by itself.
    """
    due: list[int | None] = []
    for agent in board.agents:
        if agent.state == "signed_out":
            continue
        amber, red = BANDS.get(agent.state, (None, None))
        due += [_until(agent.seconds, amber), _until(agent.seconds, red)]
        if agent.state == "wrap_up":
            due.append(_until(agent.seconds, WRAP_UP_SECONDS))
    # A band holds from its limit + 1 on (a wait *longer* than the limit).
    rules = {q.name: q.rules for q in board.queues}
    for w in board.waiting:
        limits = rules.get(w.queue) or default_settings(w.queue)
        due += [_until(w.seconds, limits.wait_warn + 1), _until(w.seconds, limits.wait_alarm + 1)]
    found = [d for d in due if d is not None]
    return min(found) if found else None
