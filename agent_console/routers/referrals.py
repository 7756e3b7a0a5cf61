"""Referral pages for workers: the directory picker of the case page and the list of
overdue referrals.

``/agencies/pick`` answers the case page's search box with the options of its agency
list (htmx), the case's province first, national services after it. ``/referrals/overdue``
lists referrals past their due time that the agency has not answered or finished, most
urgent case first, narrowed by province and urgency.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.deps import DB, Viewer, page_context, require
from agent_console.limits import limit_body
from agent_console.templating import templates
from callcenter.cases import agencies
from callcenter.provinces import catalog
from callcenter.taxonomy import Urgency

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
Province = Query(default="", max_length=6, pattern=r"^(TH-\d{2})?$")


@router.get("/agencies/pick", response_class=HTMLResponse)
def pick(request: Request, q: str = Query(default="", max_length=100), province: str = Province,
         viewer: Viewer = Worker, db: Session = DB) -> Response:
    found = agencies.search(db, text=q, province_code=province or None,
                            first_province=province or None)
    return templates.TemplateResponse(request, "referrals/_agency_options.html", page_context(
        request, agencies=found, province_by_code=agencies.provinces_by_code()))


@router.get("/referrals/overdue", response_class=HTMLResponse)
def overdue(request: Request, province: str = Province, urgency: Urgency | None = None,
            viewer: Viewer = Worker, db: Session = DB) -> Response:
    rows = agencies.overdue(db, province_code=province or None)
    if urgency is not None:
        rows = [(r, c) for r, c in rows if c.urgency == urgency]
    return templates.TemplateResponse(request, "referrals/overdue.html", page_context(
        request, rows=rows, province=province, urgency=urgency.value if urgency else "",
        provinces=catalog.provinces(), urgencies=list(Urgency),
        province_by_code=agencies.provinces_by_code()))
