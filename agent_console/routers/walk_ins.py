"""Walk-in intake: staff at a provincial centre or a hospital's OSCC record a report
taken in person, on the intake form of a call (``routers/intake.py``) without the call.

``/intake/walk-in`` opens a draft marked ``channel=walk_in`` and goes to its form: the
same fields, autosave and opening (the same case-number series), plus where it was taken
(a centre of the directory, searched in Thai or English by ``/intake/walk-in/centres``,
or the place in words). Its JSON twin is ``POST /api/cases`` with ``"channel": "walk_in"``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import limit_body
from agent_console.templating import templates
from callcenter.cases import agencies, drafts, walk_ins
from callcenter.cases.models import Channel

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Province = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$")


@router.get("/intake/walk-in")
def new_walk_in(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    """A new walk-in draft and its form (a GET, as ``/cases/new`` is: the navigation
    follows a link; a blank draft left is purged after a day)."""
    draft = drafts.open_for(db, user_id=viewer.id, call_id=None,
                            prefill={"channel": Channel.WALK_IN.value})
    return htmx.redirect(request, f"/cases/drafts/{draft.key}")


@router.get("/intake/walk-in/centres", response_class=HTMLResponse)
def centre_options(request: Request, walk_in_q: str = Query(default="", max_length=100),
                   province_code: str = Province,
                   walk_in_agency_id: str = Query(default="", max_length=10),
                   viewer: Viewer = Worker, db: Session = DB) -> Response:
    """The centre picker's options for the words typed (swapped into its list); the
    form's own field names, as htmx sends them with the case's province and the centre
    chosen so far, which stays chosen (a search never drops a choice made)."""
    chosen = _id(walk_in_agency_id)
    found = walk_ins.centres(db, text=walk_in_q, province_code=province_code or None,
                             chosen_id=chosen)
    return templates.TemplateResponse(request, "channels/_centre_options.html", page_context(
        request, centres=found, chosen=chosen, province_by_code=agencies.provinces_by_code()))


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def form_context(db: Session, data: dict[str, str]) -> dict[str, object]:
    """What the intake form shows of a walk-in: the centres to pick from (the chosen one
    kept), for ``routers/intake.py``; nothing for a call's draft."""
    if data.get("channel") != Channel.WALK_IN.value:
        return {"walk_in": False}
    chosen_id = _id(data.get("walk_in_agency_id"))
    return {"walk_in": True, "chosen": chosen_id,
            "centres": walk_ins.centres(db, province_code=data.get("province_code") or None,
                                        chosen_id=chosen_id),
            "province_by_code": agencies.provinces_by_code()}
