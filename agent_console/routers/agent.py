"""The agent page: own queue state, the live stream of the agent's calls, the screen-pop.

One SSE stream per tab (``/agent/events``) forwards the bridge's messages for this
agent: ``agent`` (own state, as Asterisk reports it), ``call`` (the calls ringing or
talking on the agent's phone), ``hub``/``bridge`` (link state for the banner). The
stream starts with a full snapshot, so a reconnecting tab is never out of date.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from redis import asyncio as aioredis
from sqlalchemy.orm import Session

from agent_console import access, chat_routing_view, htmx, liveness, pbx, screenpop
from agent_console.deps import DB, Viewer, language, page_context, require
from agent_console.limits import client_ip
from agent_console.own_calls import is_agents_call
from agent_console.sse import format_event, read_snapshot
from agent_console.templating import templates
from callcenter import audit, topics
from callcenter.agents import pause_reasons
from callcenter.agents import state as agent_state
from callcenter.agents.models import Role
from callcenter.calls import dispositions, handovers
from callcenter.calls import service as calls
from callcenter.db import utcnow
from callcenter.errors import NotFound
from callcenter.queues import links
from callcenter.queues import live as live_state

router = APIRouter(include_in_schema=False)
Worker = Depends(require(*access.CASE_ROLES))
AgentOnly = Depends(require(Role.AGENT))


@router.get("/agent", response_class=HTMLResponse)
def agent_page(request: Request, viewer: Viewer = Worker, db: Session = DB):
    if viewer.role is Role.AGENT:
        live, redis_ok = pbx.read_live(request, viewer)
    else:
        live, redis_ok = None, liveness.redis_ok(request.app)
    memberships = agent_state.queues_for(db, viewer) if viewer.role is Role.AGENT else []
    return templates.TemplateResponse(request, "agent.html", page_context(
        request, live=live, redis_ok=redis_ok, bridge_down=bridge_down(request),
        memberships=memberships, queue_label=queue_labeller(request, db),
        wrap_up=agent_state.WRAP_UP_SECONDS, **pick_lists_for(request, db)))


def pick_lists_for(request: Request, db: Session) -> dict[str, object]:
    """The pause reasons and dispositions agents may pick now (active, in the admins'
    order), and every code's label in the page's language, inactive ones too: a pause
    or a call marked before an item was switched off still shows its name."""
    english = language(request) == "en"

    def named(labels: dict[str, tuple[str, str]]) -> dict[str, str]:
        return {code: pair[english] for code, pair in labels.items()}

    return {"pause_reasons": pause_reasons.active(db),
            "reason_label": named(pause_reasons.labels(db)),
            "dispositions": dispositions.active(db),
            "disposition_label": named(dispositions.labels(db))}


def queue_labeller(request: Request, db: Session) -> Callable[[str], str]:
    """A queue's label in the page's language (its Asterisk name if it has none)."""
    labels = agent_state.queue_labels(db)
    english = language(request) == "en"
    return lambda name: labels[name][english] if name in labels else name


def bridge_down(request: Request) -> bool:
    """Whether a bridge that should report is not up: its link says so, or its link key
    expired (a killed bridge writes nothing), by the wallboard's rule (queues.links)."""
    try:
        client = request.app.state.redis
        configured = [node.name for node in request.app.state.settings.ami_nodes]
        nodes = live_state.known_nodes(client, configured)
        if not nodes:
            return False  # no Asterisk configured and none ever reported: nothing to miss
        return not links.summarize(live_state.read_links(client, nodes, now=utcnow())).live
    except Exception:
        return False  # Redis itself is away: the other banner says so


@router.post("/agent/state", response_class=HTMLResponse)
def change_state(
    request: Request,
    action: str = Form(max_length=20),
    reason: str = Form(default="", max_length=40),
    viewer: Viewer = AgentOnly,
    db: Session = DB,
) -> Response:
    """Sign in, pause, resume, sign out; the new state arrives by SSE as Asterisk reports it."""
    live, _ok = pbx.read_live(request, viewer)
    agent_state.change(db, pbx.commands(request), user=viewer, action=action,
                       node=pbx.node_for(request, live), live=live, reason=reason)
    chat_routing_view.after_state_change(request, db, user_id=viewer.id, action=action,
                                         now=utcnow())
    _ = page_context(request)["_"]
    if htmx.is_htmx(request):
        return HTMLResponse(
            f'<div class="toast" role="status">{_("agent.requested")}</div>',
            headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"})
    return htmx.redirect(request, "/agent")


@router.get("/agent/pop", response_class=HTMLResponse)
def pop(
    request: Request,
    node: str = "",
    uniqueid: str = "",
    viewer: Viewer = Worker,
    db: Session = DB,
) -> Response:
    """The screen-pop fragment of one call (swapped in when the call event arrives)."""
    if len(node) > 40 or len(uniqueid) > 64:
        raise NotFound("call not found")
    live = screenpop.live_call(request.app.state.redis, node, uniqueid)
    call = calls.get(db, node=node, uniqueid=uniqueid)
    if live is None and call is None:
        raise NotFound("call not found")
    # An agent sees a call only if it is theirs: named by the record, or ringing or
    # talking on their phone by the bridge's account. Uniqueids are guessable.
    if viewer.role is Role.AGENT and not is_agents_call(
            request, viewer, node=node, uniqueid=uniqueid,
            interfaces=((live or {}).get("agent_interface"),
                        call.agent_interface if call else None),
            user_ids=(call.agent_user_id if call else None,
                      *(handovers.receivers(db, call.id) if call else ()))):
        raise NotFound("call not found")
    if call is not None:
        audit.record(db, actor_id=viewer.id, action="call.view", entity_type="call",
                     entity_id=call.id, source_ip=client_ip(request))
    data = screenpop.build(db, role=viewer.role, call=call, live=live)
    return templates.TemplateResponse(request, "agent.html", page_context(
        request, pop=data, queue_label=queue_labeller(request, db),
        **pick_lists_for(request, db)), block_name="screenpop")


# Besides its own notices, an agent's tab hears agents, calls and the bridges' links.
AGENT_PAGE_TOPICS = topics.prefixes(topics.AGENT, topics.CALL, topics.BRIDGE)


def _filter_for(viewer: Viewer):
    """Topics this agent's tab hears: its own agent state, calls, link state, and its
    own notices (``user.<id>.notices``: a unit declined a dispatch this agent sent)."""
    notices = topics.notices_topic(viewer.id)

    def accepts(topic: str) -> bool:
        return topic.startswith(AGENT_PAGE_TOPICS) or topic == notices

    return accepts


def _mask(body: str, role: Role) -> str:
    if role in access.FULL_NUMBER_ROLES:
        return body
    payload = json.loads(body)
    payload["caller_number"] = access.mask_number(payload.get("caller_number"), role)
    # The caller ID name is as identifying as the number.
    if payload.get("caller_name"):
        payload["caller_name"] = None
    return json.dumps(payload, ensure_ascii=False)


class AgentStream:
    """Narrows the process-wide stream to one agent: their state and their calls only.

    A call is forwarded once the agent's own state names it (ringing or current) or its
    record names the agent's phone; calls seen before that are held (the latest state
    of each, bounded) so the screen-pop still gets them when the agent event follows.
    """

    HOLD = 200

    def __init__(self, viewer: Viewer, role: Role) -> None:
        self.user = viewer  # plain values: the stream outlives the request's database session
        self.role = role
        self.mine: set[str] = set()
        self.held: OrderedDict[str, str] = OrderedDict()

    def handle(self, name: str, body: str) -> list[bytes]:
        if name == topics.AGENT:
            payload = json.loads(body)
            if not agent_state.matches(payload, self.user):
                return []
            out = [format_event(topics.AGENT, body)]
            for key in (payload.get("ringing_call"), payload.get("current_call")):
                if key and key not in self.mine:
                    self.mine.add(key)
                    if key in self.held:
                        out.append(format_event(topics.CALL,
                                               _mask(self.held.pop(key), self.role)))
            return out
        if name == topics.CALL:
            payload = json.loads(body)
            key = str(payload.get("uniqueid"))
            if key in self.mine or agent_state.is_own_interface(
                    payload.get("agent_interface"), self.user):
                self.mine.add(key)
                if payload.get("state") == "ended":
                    self.mine.discard(key)
                return [format_event(topics.CALL, _mask(body, self.role))]
            self.held[key] = body
            self.held.move_to_end(key)
            while len(self.held) > self.HOLD:
                self.held.popitem(last=False)
            return []
        return [format_event(name, body)]


def _parse(chunk: bytes) -> tuple[str, str] | None:
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


@router.get("/agent/events")
async def events(request: Request, viewer: Viewer = Worker) -> Response:
    hub = request.app.state.hub
    accepts = _filter_for(viewer)
    narrow = AgentStream(viewer, viewer.role)

    async def snapshot() -> list[tuple[str, str]]:
        client = aioredis.Redis.from_url(request.app.state.settings.redis_url)
        try:
            items = await read_snapshot(client, (topics.AGENT, topics.CALL), accepts)
            async for key in client.scan_iter(match=topics.link_key("*"), count=100):
                body = await client.get(key)
                if body:
                    items.append((topics.link_topic(topics.link_node(key.decode())), body.decode()))
        except Exception:
            items = []
        finally:
            await client.aclose()
        # Agents first, so that their calls are known to be theirs when the calls follow.
        return sorted(items, key=lambda item: topics.event_name(item[0]) != topics.AGENT)

    async def body() -> AsyncIterator[bytes]:
        if hub is None:
            yield format_event(topics.HUB, json.dumps({"live": False}))
            return
        async for chunk in hub.stream(accepts, snapshot):
            if await request.is_disconnected():
                break
            parsed = _parse(chunk)
            if parsed is None:
                yield chunk
                continue
            for out in narrow.handle(*parsed):
                yield out

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
