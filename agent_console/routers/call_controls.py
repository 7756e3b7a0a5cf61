"""The call controls on the agent page: the block beside the screen-pop and its forms.

``GET /agent/calls/{id}/controls`` draws the block (talk timer, hold, what may be clicked,
where a transfer may go, what a transfer's receiver takes over); each control is a form
that works without a script and, with htmx, answers with the block drawn again and a
toast. The work is in ``agent_console.call_control_actions``; refusals are domain errors
the error handlers answer (a toast for htmx, a page otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, call_control_actions, call_controls_view, htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import Id, limit_body
from agent_console.templating import templates

router = APIRouter(prefix="/agent/calls", include_in_schema=False,
                   dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
TEMPLATE = "agent/_call_controls.html"


def _block(request: Request, db: Session, viewer: Viewer, call_id: int, *,
           done: str | None = None) -> Response:
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    view = call_controls_view.build(request, db, viewer, call)
    return templates.TemplateResponse(request, TEMPLATE, page_context(
        request, view=view, done=done))


@router.get("/{call_id}/controls", response_class=HTMLResponse)
def controls(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    return _block(request, db, viewer, call_id)


def _after(request: Request, db: Session, viewer: Viewer, call_id: int,
           done: str) -> Response:
    if htmx.is_htmx(request):
        return _block(request, db, viewer, call_id, done=done)
    return htmx.redirect(request, "/agent")


def _run(request: Request, db: Session, viewer: Viewer, call_id: int, done: str,
         act: Callable[..., None], **kw: str) -> Response:
    call = call_controls_view.controlled_call(db, call_id, viewer, request)
    act(request, db, viewer, call, **kw)
    return _after(request, db, viewer, call_id, done)


@router.post("/{call_id}/hangup", response_class=HTMLResponse)
def hang_up(call_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    return _run(request, db, viewer, call_id, "hangup", call_control_actions.hang_up)


@router.post("/{call_id}/blind-transfer", response_class=HTMLResponse)
def blind_transfer(call_id: Id, request: Request, target: str = Form(max_length=80),
                   reason: str = Form("", max_length=200), viewer: Viewer = Worker,
                   db: Session = DB):
    return _run(request, db, viewer, call_id, "blind_transfer",
                call_control_actions.blind_transfer, target=target, reason=reason)


@router.post("/{call_id}/warm-transfer", response_class=HTMLResponse)
def warm_transfer(call_id: Id, request: Request, target: str = Form(max_length=80),
                  reason: str = Form("", max_length=200), viewer: Viewer = Worker,
                  db: Session = DB):
    return _run(request, db, viewer, call_id, "warm_transfer",
                call_control_actions.warm_transfer, target=target, reason=reason)


@router.post("/{call_id}/complete-transfer", response_class=HTMLResponse)
def complete_transfer(call_id: Id, request: Request, viewer: Viewer = Worker,
                      db: Session = DB):
    return _run(request, db, viewer, call_id, "complete_transfer",
                call_control_actions.complete_transfer)


@router.post("/{call_id}/cancel-transfer", response_class=HTMLResponse)
def cancel_transfer(call_id: Id, request: Request, viewer: Viewer = Worker,
                    db: Session = DB):
    return _run(request, db, viewer, call_id, "cancel_transfer",
                call_control_actions.cancel_transfer)
