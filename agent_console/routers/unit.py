"""The rapid-response unit's console: its open dispatches, one visit, its answers, live alerts.

Mobile-first pages for a phone in the field. Every answer is a plain form POST (303 back
to the dispatch) that htmx upgrades by swapping the ``visit`` block; each is committed,
then ``enqueue.after_commit`` publishes the new state. A lifecycle refusal re-renders the
page with the reason in the page's language. ``/unit/events`` is the process's SSE hub
narrowed to the viewer's own unit (see ``UnitStream``); while it is open it keeps the
unit's presence entry alive, which is what lets the console channel alert the unit (with
nobody present the alert goes to the next contact at once). Another unit's dispatch
answers 404.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from markupsafe import escape
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from agent_console import htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.dispatch_alerts import enqueue_after_commit
from agent_console.limits import Id, client_ip, limit_body
from agent_console.routers.wallboard import async_redis, stream_viewer
from agent_console.sse import Hub, format_event
from agent_console.templating import templates
from callcenter import topics
from callcenter.agents.models import Role
from callcenter.db import utcnow
from callcenter.dispatch import alert_tests, policy, presence
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.dispatch.models import DispatchStatus
from callcenter.dispatch.next_step import next_step
from callcenter.errors import DomainError, Forbidden, InvalidTransition, NotFound
from callcenter.provinces import centre_line, places
from callcenter.provinces import service as provinces
from callcenter.taxonomy import Urgency

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
UnitMember = Depends(require(Role.UNIT_MEMBER))
S = DispatchStatus
# Outcomes the hotline follows up on; stored as codes so the reports can count them.
OUTCOMES = ("helped_on_site", "taken_to_shelter", "taken_to_hospital", "handed_to_police",
            "safe_with_relative", "person_not_found", "refused_help", "other")
PROGRESS = {S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE}


def unit_of(viewer: Viewer) -> int:
    if viewer.unit_id is None:  # the schema forbids it; never guess a unit
        raise Forbidden("you are not a member of a rapid-response unit")
    return viewer.unit_id


def age_text(_, since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return _("unit.age.now")
    if minutes < 60:
        return _("unit.age.minutes", m=minutes)
    if minutes < 24 * 60:
        return _("unit.age.hours", h=minutes // 60, m=minutes % 60)
    return _("unit.age.days", d=minutes // (24 * 60), h=minutes // 60 % 24)


def ordered(items: list[dispatches.UnitDispatch]) -> list[dispatches.UnitDispatch]:
    """Most urgent first; within an urgency, the newest first (it has just arrived)."""
    order = list(Urgency)
    newest = sorted(items, key=lambda i: i.created_at, reverse=True)
    return sorted(newest, key=lambda i: order.index(i.urgency))


@router.get("/unit", response_class=HTMLResponse)
def unit_home(request: Request, viewer: Viewer = UnitMember, db: Session = DB) -> Response:
    items = ordered(dispatches.list_for_unit(db, unit_of(viewer)))
    context = page_context(request)
    now = datetime.now(request.app.state.settings.zone)
    context.update(items=items, now=now, age=lambda since: age_text(context["_"], since, now),
                   provinces=provinces.names(db, {i.province_code for i in items},
                                            str(context["lang"])),
                   awaiting=policy.AWAITING_UNIT,
                   tests=alert_tests.open_for_unit(db, unit_of(viewer), now=utcnow()))
    block = "list" if htmx.is_htmx(request) else None
    return templates.TemplateResponse(request, "unit/list.html", context, block_name=block)


def not_found(request: Request, dispatch_id: int) -> Response:
    """404 in the page's language, rendered while the viewer's session is still open."""
    context = page_context(request, status=404)
    message = context["_"]("unit.error.not_found", id=dispatch_id)
    if htmx.is_htmx(request):
        return HTMLResponse(f'<div class="toast error" role="alert">{escape(message)}</div>',
                            status_code=404,
                            headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"})
    context["message"] = message
    return templates.TemplateResponse(request, "error.html", context, status_code=404)


def _visit_page(request: Request, db: Session, viewer: Viewer, dispatch_id: int, *,
                error: str | None = None, form: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    context = page_context(request)
    try:
        detail = dispatches.get_for_unit(db, dispatch_id, unit_id=unit_of(viewer),
                                         actor_id=viewer.id, source_ip=client_ip(request))
    except NotFound:
        return not_found(request, dispatch_id)
    now = datetime.now(request.app.state.settings.zone)
    status = detail.dispatch.status
    context.update(
        d=detail, item=detail.dispatch, now=now,
        age=age_text(context["_"], detail.dispatch.created_at, now),
        province=provinces.names(db, {detail.dispatch.province_code},
                                 str(context["lang"])).get(detail.dispatch.province_code, ""),
        district=places.district(detail.dispatch.district_code),
        subdistrict=places.subdistrict(detail.subdistrict_code),
        steps=dispatches.timeline(db, dispatch_id), error=error, form=form or {},
        can={step.value: policy.can_move(status, step) for step in S},
        outcomes=OUTCOMES, awaiting=status in policy.AWAITING_UNIT,
        next=next_step(status, ack_minutes=get_dispatch_settings()
                       .ack_timeout(detail.dispatch.urgency) / 60),
        centre_phone=centre_line.number(db))
    return templates.TemplateResponse(request, "unit/dispatch.html", context,
                                      status_code=status_code)


@router.get("/unit/dispatches/{dispatch_id}", response_class=HTMLResponse)
def unit_dispatch(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
                  db: Session = DB) -> Response:
    """What the visit needs of the case (the view is audited); 404 for another unit's."""
    return _visit_page(request, db, viewer, dispatch_id)


@router.get("/units/dispatches/{dispatch_id}")
def alert_link(dispatch_id: Id) -> Response:
    """The link the SMS, LINE and e-mail alerts carry (``message.dispatch_link``)."""
    return RedirectResponse(f"/unit/dispatches/{dispatch_id}", status_code=303)


# --- the unit's answers -------------------------------------------------------------------


def problem_key(action: str, status: DispatchStatus) -> str:
    """The message that explains why this step is refused in this state."""
    if status is S.DECLINED:
        return "unit.error.declined"
    if status is S.COMPLETED:
        return "unit.error.completed"
    if status is S.CANCELLED:
        return "unit.error.cancelled"
    if action == "decline" and status in PROGRESS:
        return "unit.error.decline_after_ack"
    if action != "acknowledge" and status in policy.AWAITING_UNIT:
        return "unit.error.ack_first"
    return "unit.error.transition"


def _answer(request: Request, db: Session, viewer: Viewer, dispatch_id: int, action: str,
            step: Callable[[], object], form: dict[str, str] | None = None) -> Response:
    """Run one answer (the request then commits and publishes it), or show why it was refused."""
    _ = page_context(request)["_"]
    try:
        step()
    except (Forbidden, NotFound):
        # Another unit's dispatch: the same answer as one that does not exist.
        return not_found(request, dispatch_id)
    except InvalidTransition:
        current = dispatches.find(db, dispatch_id)
        status = current.status if current is not None else S.CREATED
        message = _(problem_key(action, status), status=_("unit.status." + status.value))
        return _visit_page(request, db, viewer, dispatch_id, error=message, form=form,
                           status_code=409)
    except DomainError as exc:
        if exc.field not in ("reason", "outcome"):
            raise
        return _visit_page(request, db, viewer, dispatch_id, error=_("unit.error." + exc.field),
                           form=form, status_code=400)
    enqueue_after_commit(request, db, dispatch_id)
    log.info("unit.answer action=%s dispatch_id=%s", action, dispatch_id)
    # htmx follows the redirect and swaps the page's ``visit`` block from it.
    return RedirectResponse(f"/unit/dispatches/{dispatch_id}", status_code=303)


def _who(viewer: Viewer) -> dict[str, int]:
    return {"unit_id": unit_of(viewer), "actor_id": viewer.id}


@router.post("/unit/dispatches/{dispatch_id}/acknowledge")
def acknowledge(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
                db: Session = DB) -> Response:
    return _answer(request, db, viewer, dispatch_id, "acknowledge",
                   lambda: dispatches.acknowledge(db, dispatch_id, **_who(viewer)))


@router.post("/unit/test-alerts/{test_id}/acknowledge")
def acknowledge_test(test_id: Id, request: Request, viewer: Viewer = UnitMember,
                     db: Session = DB) -> Response:
    """A test alert acknowledged like a real one; the admin's unit page shows who and when."""
    alert_tests.acknowledge(db, test_id, unit_id=unit_of(viewer), actor_id=viewer.id,
                            source_ip=client_ip(request), now=utcnow())
    return RedirectResponse("/unit", status_code=303)


@router.post("/unit/dispatches/{dispatch_id}/decline")
def decline(dispatch_id: Id, request: Request, reason: str = Form(default="", max_length=300),
            viewer: Viewer = UnitMember, db: Session = DB) -> Response:
    return _answer(request, db, viewer, dispatch_id, "decline",
                   lambda: dispatches.decline(db, dispatch_id, reason=reason, **_who(viewer)),
                   form={"reason": reason})


@router.post("/unit/dispatches/{dispatch_id}/en-route")
def en_route(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
             db: Session = DB) -> Response:
    return _answer(request, db, viewer, dispatch_id, "en_route",
                   lambda: dispatches.mark_en_route(db, dispatch_id, **_who(viewer)))


@router.post("/unit/dispatches/{dispatch_id}/on-scene")
def on_scene(dispatch_id: Id, request: Request, viewer: Viewer = UnitMember,
             db: Session = DB) -> Response:
    return _answer(request, db, viewer, dispatch_id, "on_scene",
                   lambda: dispatches.mark_on_scene(db, dispatch_id, **_who(viewer)))


@router.post("/unit/dispatches/{dispatch_id}/complete")
def complete(dispatch_id: Id, request: Request, outcome: str = Form(default="", max_length=80),
             field_report: str = Form(default="", max_length=10_000),
             viewer: Viewer = UnitMember, db: Session = DB) -> Response:
    form = {"outcome": outcome, "field_report": field_report}
    if outcome and outcome not in OUTCOMES:
        outcome = ""  # not one of ours: asked again, as if it were missing
    return _answer(request, db, viewer, dispatch_id, "complete",
                   lambda: dispatches.complete(db, dispatch_id, outcome=outcome,
                                               field_report=field_report, **_who(viewer)),
                   form=form)


# --- live alerts ----------------------------------------------------------------------------


# What the page needs to refresh itself; the rest of the board's state stays on the server.
FORWARDED = ("dispatch_id", "case_number", "status", "urgency", "version")


class UnitStream:
    """Narrows the hub to one unit: its own alerts, and updates of its own dispatches.

    The topic decides for alerts (``unit.<own id>.alerts``); a dispatch update is
    forwarded only when its full state names this unit. An alert whose idempotency key
    was already sent on this connection (a retried delivery) is not sent again.
    """

    SEEN = 500

    def __init__(self, unit_id: int) -> None:
        self.unit_id = unit_id
        self.alert_topic = topics.unit_alerts_topic(unit_id)
        self.seen: OrderedDict[str, None] = OrderedDict()

    def accepts(self, topic: str) -> bool:
        return topic == self.alert_topic or topics.is_dispatch_update(topic)

    def handle(self, name: str, body: str) -> list[bytes]:
        if name == topics.HUB:
            return [format_event(topics.HUB, body)]
        try:
            payload = json.loads(body)
        except ValueError:
            return []
        if not isinstance(payload, dict):
            return []
        if name == topics.UNIT:
            key = str(payload.get("idempotency_key") or "")
            if not key or key in self.seen:
                return []
            self.seen[key] = None
            while len(self.seen) > self.SEEN:
                self.seen.popitem(last=False)
            alert = {k: payload.get(k) for k in ("dispatch_id", "case_number", "province",
                                                 "district", "urgency", "idempotency_key",
                                                 "test", "test_alert_id")}
            return [format_event(topics.ALERT, json.dumps(alert, ensure_ascii=False))]
        if name == topics.DISPATCH and payload.get("unit_id") == self.unit_id:
            state = {k: payload.get(k) for k in FORWARDED}
            return [format_event(topics.DISPATCH, json.dumps(state, ensure_ascii=False))]
        return []


def parse_event(chunk: bytes) -> tuple[str, str] | None:
    text = chunk.decode("utf-8", "replace")
    if text.startswith(":"):
        return None
    name, data = "", []
    for line in text.splitlines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
    return (name, "\n".join(data)) if name else None


class Presence:
    """This stream's entry in the unit's presence set: made on connect, refreshed as the
    stream's chunks (at least the hub's 15 s keep-alive) go out, removed on close."""

    def __init__(self, client: AsyncRedis | None, unit_id: int) -> None:
        self.client, self.unit_id = client, unit_id
        self.token = secrets.token_hex(8)
        self.last = float("-inf")

    async def refresh(self) -> None:
        if self.client is None or time.monotonic() - self.last < presence.REFRESH_SECONDS:
            return
        try:
            await presence.touch_async(self.client, self.unit_id, self.token)
            self.last = time.monotonic()
        except RedisError as exc:  # the entry runs out; the ladder phones instead
            log.warning("unit.presence_failed unit_id=%s error=%s", self.unit_id,
                        type(exc).__name__)

    async def leave(self) -> None:
        if self.client is None:
            return
        # If this fails, the entry runs out by itself after presence.TTL_SECONDS.
        with contextlib.suppress(RedisError, RuntimeError):
            await presence.leave_async(self.client, self.unit_id, self.token)


async def unit_events(hub: Hub | None, unit_id: int,
                      disconnected: Callable[[], Awaitable[bool]],
                      client: AsyncRedis | None = None) -> AsyncIterator[bytes]:
    """The unit's SSE body: the page is the snapshot; a (re)connection says "look again"."""
    if hub is None:
        yield format_event(topics.HUB, json.dumps({"live": False}))
        return
    narrow = UnitStream(unit_id)
    here = Presence(client, unit_id)

    async def nothing() -> list[tuple[str, str]]:
        return []

    try:
        async for chunk in hub.stream(narrow.accepts, nothing):
            if await disconnected():
                break
            await here.refresh()
            parsed = parse_event(chunk)
            if parsed is None:
                yield chunk  # keep-alive
                continue
            for out in narrow.handle(*parsed):
                yield out
    finally:
        await here.leave()


@router.get("/unit/events")
async def events(request: Request) -> Response:
    viewer = await stream_viewer(request, (Role.UNIT_MEMBER,))
    client = async_redis(request) if request.app.state.hub is not None else None
    body = unit_events(request.app.state.hub, unit_of(viewer), request.is_disconnected, client)
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
