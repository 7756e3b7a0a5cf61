"""The supervisors' dispatch board: open dispatches, today's closed ones, and the actions
that end a dispatch nobody answers.

The board's table is one named block: the page loads it, and each ``dispatch`` event on
the page's SSE stream makes htmx fetch it again (throttled). ``/dispatches/{id}`` shows
one dispatch's steps, intervals, timeline and alert attempts, with three plain forms:
acknowledge on the unit's behalf (it phoned in), send again from the top of the ladder,
cancel with a reason. Each commits, then ``enqueue.after_commit`` publishes the state
(which clears or keeps the wallboard alarm) and queues what is owed. The province filter
travels with every link and form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from agent_console.deps import DB, Viewer, page_context
from agent_console.dispatch_alerts import enqueue_after_commit
from agent_console.limits import Id, limit_body
from agent_console.routers.wallboard import SUPERVISORS, stream_viewer, supervisor_only
from agent_console.templating import templates
from callcenter import topics
from callcenter.dispatch import board, supervise
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.errors import DomainError, InvalidTransition, NotFound
from callcenter.provinces import service as provinces

log = logging.getLogger(__name__)

router = APIRouter(dependencies=[Depends(limit_body)])
Supervisor = Depends(supervisor_only)
ProvinceField = Form(default="", max_length=6)
# The board's stream hears dispatch updates only: each one makes the page look again.
DISPATCHES = topics.prefixes(topics.DISPATCH)


def grouped(rows: list[board.BoardRow]
            ) -> list[tuple[str, str, list[tuple[str, list[board.BoardRow]]]]]:
    """(province code, name, [(status, rows)]) in board order."""
    out: list[tuple[str, str, list[tuple[str, list[board.BoardRow]]]]] = []
    for row in rows:
        if not out or out[-1][0] != row.province_code:
            out.append((row.province_code, row.province_name, []))
        statuses = out[-1][2]
        if not statuses or statuses[-1][0] != row.status.value:
            statuses.append((row.status.value, []))
        statuses[-1][1].append(row)
    return out


def duration(seconds: float | None) -> str:
    """'+4:05' (minutes:seconds) or '+2:03:00' past an hour; '' for a step not reached."""
    if seconds is None:
        return ""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes}:{secs:02d}"


def _context(request: Request, province: str | None) -> dict[str, object]:
    settings = request.app.state.settings
    context = page_context(request)
    now = datetime.now(settings.zone)
    context.update(now=now, province=province or None, duration=duration,
                   clock=lambda moment: f"{moment.astimezone(settings.zone):%H:%M:%S}",
                   query=urlencode({"province": province}) if province else "")
    return context


def _province(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:6] or None


@router.get("/dispatches")
def dispatch_board(request: Request, province: str | None = None,
                   viewer: Viewer = Supervisor, db: Session = DB):
    province = _province(province)
    context = _context(request, province)
    now, lang = context["now"], str(context["lang"])
    assert isinstance(now, datetime)
    settings = get_dispatch_settings()
    rows = board.open_rows(db, now=now, province=province, settings=settings, lang=lang)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    closed = board.closed_rows(db, since=midnight, now=now, province=province,
                               settings=settings, lang=lang)
    context.update(rows=rows, groups=grouped(rows), closed=closed,
                   provinces=provinces.name_rows(db),
                   overdue=sum(1 for r in rows if r.overdue),
                   alarms=sum(1 for r in rows if r.alarmed))
    block = "board" if request.headers.get("HX-Request") == "true" else None
    return templates.TemplateResponse(request, "dispatch_board.html", context,
                                      block_name=block)


@router.get("/dispatches/stream")
async def dispatch_stream(request: Request):
    await stream_viewer(request, SUPERVISORS)

    async def nothing() -> list[tuple[str, str]]:
        return []  # the page itself is the snapshot; events only say "look again"

    return StreamingResponse(
        request.app.state.hub.stream(lambda topic: topic.startswith(DISPATCHES), nothing),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _detail_page(request: Request, db: Session, dispatch_id: int, province: str | None, *,
                 error: str | None = None, form: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    context = _context(request, province)
    now = context["now"]
    assert isinstance(now, datetime)
    found = board.detail(db, dispatch_id, now=now, settings=get_dispatch_settings(),
                         lang=str(context["lang"]))
    if found is None:
        raise NotFound(f"dispatch {dispatch_id} not found")
    context.update(d=found, row=found.row, error=error, form=form or {})
    return templates.TemplateResponse(request, "dispatch_detail.html", context,
                                      status_code=status_code)


@router.get("/dispatches/{dispatch_id}")
def dispatch_detail(dispatch_id: Id, request: Request, province: str | None = None,
                    viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    return _detail_page(request, db, dispatch_id, _province(province))


def _act(request: Request, db: Session, dispatch_id: int, province: str, action: str,
         step: Callable[[], object], form: dict[str, str]) -> Response:
    """Run one supervisor action (the request then commits and publishes it), or show why
    it was refused."""
    _ = page_context(request)["_"]
    where = _province(province)
    try:
        step()
    except InvalidTransition:
        db.rollback()
        return _detail_page(request, db, dispatch_id, where, form=form, status_code=409,
                            error=_("dispatch.error.closed"))
    except DomainError as exc:
        if exc.field not in ("note", "reason", "unit"):
            raise
        db.rollback()
        return _detail_page(request, db, dispatch_id, where, form=form, status_code=400,
                            error=_("dispatch.error." + exc.field))
    enqueue_after_commit(request, db, dispatch_id)
    log.info("dispatch_board.action action=%s dispatch_id=%s", action, dispatch_id)
    suffix = "?" + urlencode({"province": where}) if where else ""
    return RedirectResponse(f"/dispatches/{dispatch_id}{suffix}", status_code=303)


@router.post("/dispatches/{dispatch_id}/acknowledge")
def acknowledge_for_unit(dispatch_id: Id, request: Request,
                         note: str = Form(default="", max_length=240),
                         province: str = ProvinceField,
                         viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    """The unit phoned the hotline: acknowledge on its behalf, saying who and how."""
    return _act(request, db, dispatch_id, province, "acknowledge",
                lambda: supervise.acknowledge_for_unit(db, dispatch_id, actor_id=viewer.id,
                                                       note=note),
                {"note": note})


@router.post("/dispatches/{dispatch_id}/resend")
def resend(dispatch_id: Id, request: Request, note: str = Form(default="", max_length=240),
           province: str = ProvinceField,
           viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    return _act(request, db, dispatch_id, province, "resend",
                lambda: supervise.resend(db, dispatch_id, actor_id=viewer.id, note=note,
                                         settings=get_dispatch_settings()),
                {"resend_note": note})


@router.post("/dispatches/{dispatch_id}/cancel")
def cancel(dispatch_id: Id, request: Request, reason: str = Form(default="", max_length=300),
           province: str = ProvinceField,
           viewer: Viewer = Supervisor, db: Session = DB) -> Response:
    return _act(request, db, dispatch_id, province, "cancel",
                lambda: supervise.cancel(db, dispatch_id, actor_id=viewer.id, reason=reason),
                {"reason": reason})
