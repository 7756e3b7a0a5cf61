"""The browser phone on the agent's page: its panel, its registration data, the choice
between the browser and the desk phone.

The panel (``GET /agent/softphone``) is fetched by the agent page on load, so the page's
own route stays as it is. ``static/softphone.js`` then asks for the registration data
(``POST /agent/softphone/registration``): a POST with the page's CSRF header, so neither
another site nor a prefetch can read it, answered ``no-store`` (as every console answer)
and never logged (the access log keeps method, path, status and user id only). The rules
are in ``callcenter.phones.browser_phone``; docs/console.md, "The browser phone".

``POST /agent/softphone/mute`` is how the panel reports a mute or unmute of the agent's own
call (Asterisk never hears of it), so the supervisors' wallboard shows it
(``callcenter.agents.muting``).

With several Asterisk nodes the phone registers on the agent's node: the one whose bridge
reports the agent (its queues are there), else the first configured, as for the agent's
own state commands (``agent_console.pbx.node_for``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from agent_console import htmx, pbx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import client_ip, limit_body
from agent_console.templating import templates
from callcenter.agents import muting
from callcenter.agents.models import Role
from callcenter.errors import Conflict, InvalidInput
from callcenter.phones import browser_phone, service

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
AgentOnly = Depends(require(Role.AGENT))


def _node_and_url(request: Request, viewer: Viewer) -> tuple[str, str | None]:
    """The agent's Asterisk node and the WebSocket its browser phone registers at."""
    live, _read = pbx.read_live(request, viewer)
    node = pbx.node_for(request, live)
    settings = request.app.state.settings
    return node, browser_phone.wss_url_for(node, per_node=settings.sip_wss_urls,
                                           default=settings.sip_wss_url)


def _panel(request: Request, viewer: Viewer, db: Session) -> Response:
    phone = service.phone_of_user(db, viewer.id)
    _node, wss_url = _node_and_url(request, viewer)
    return templates.TemplateResponse(request, "agent/_softphone.html", page_context(
        request, phone=phone, wss_url=wss_url, choices=list(browser_phone.Choice)))


@router.get("/agent/softphone", response_class=HTMLResponse)
def softphone_panel(request: Request, viewer: Viewer = AgentOnly, db: Session = DB) -> Response:
    """The panel alone: the browser phone, or the desk phone's note, and the choice."""
    return _panel(request, viewer, db)


@router.post("/agent/softphone/registration")
def registration(request: Request, viewer: Viewer = AgentOnly, db: Session = DB) -> Response:
    """The signed-in agent's own WebRTC endpoint and its HA1, for SIP.js to register."""
    node, wss_url = _node_and_url(request, viewer)
    if not wss_url:
        raise Conflict(f"no browser phone is configured for node {node} "
                       "(CALLCENTER_SIP_WSS_URL or CALLCENTER_SIP_WSS_URLS)")
    found = browser_phone.registration_for(db, viewer.id)
    if found is None:
        raise Conflict("your phone is not a browser phone")
    # The SIP domain is the PBX's host name: Asterisk finds the endpoint by the user part.
    domain = urlsplit(wss_url).hostname
    return JSONResponse({"ws_url": wss_url, "node": node,
                         "uri": f"sip:{found.endpoint}@{domain}",
                         "username": found.endpoint, "realm": found.realm, "ha1": found.ha1},
                        headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post("/agent/softphone/choice")
def choose(request: Request, choice: str = Form(max_length=20), viewer: Viewer = AgentOnly,
           db: Session = DB) -> Response:
    """The agent's own choice: the browser phone or the desk phone (the same endpoint)."""
    try:
        picked = browser_phone.Choice(choice)
    except ValueError:
        raise InvalidInput("choose the browser phone or the desk phone",
                           field="choice") from None
    if browser_phone.choose(db, user_id=viewer.id, choice=picked,
                            source_ip=client_ip(request)) is None:
        raise Conflict("you have no phone yet: an administrator gives you one")
    if htmx.is_htmx(request):
        return _panel(request, viewer, db)
    return htmx.redirect(request, "/agent")


@router.post("/agent/softphone/mute")
def report_mute(request: Request, muted: bool = Form(), viewer: Viewer = AgentOnly) -> Response:
    """The agent muted or unmuted the browser phone in their own call (no other's).

    Answered 200 either way, with whether it was recorded: out of a call (the bridge
    reports none) or with Redis away there is nothing to show, and the panel, which
    reports on a best-effort basis, must not log an error in the agent's console.
    """
    live, _ok = pbx.read_live(request, viewer)
    call = (live or {}).get("current_call")
    if not call or not viewer.phone_interface:
        return JSONResponse({"recorded": False})
    try:
        muting.report(request.app.state.redis, interface=viewer.phone_interface,
                      call=str(call), muted=muted)
    except Exception:  # Redis away: the wallboard is not live either; the call goes on
        return JSONResponse({"recorded": False})
    return JSONResponse({"recorded": True})
