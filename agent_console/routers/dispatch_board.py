"""The dispatch board: open dispatches by province and status, oldest first.

An acknowledgement is overdue when the unit has not taken the dispatch within the
urgency's acknowledgement time (DispatchSettings) counted from its creation. The table is
one named block: the page loads it, and each ``dispatch`` event on the page's SSE stream
makes htmx fetch it again (throttled), so the board follows the dispatches live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_console.deps import Viewer, db_session, page_context
from agent_console.routers.wallboard import SUPERVISORS, stream_viewer, supervisor_only
from agent_console.templating import templates
from callcenter.cases.models import Case
from callcenter.dispatch import policy
from callcenter.dispatch.config import DispatchSettings
from callcenter.dispatch.models import Dispatch, DispatchStatus
from callcenter.provinces.models import Province, ResponseUnit

router = APIRouter()


@dataclass(frozen=True, slots=True)
class BoardRow:
    dispatch_id: int
    case_id: int
    case_number: str
    unit_code: str
    province_code: str
    province_name: str
    status: str
    urgency: str
    created_at: datetime
    age_seconds: int
    ack_due: datetime | None
    overdue: bool


def open_dispatches(db: Session, *, now: datetime, province: str | None,
                    settings: DispatchSettings, lang: str = "th") -> list[BoardRow]:
    query = (
        select(Dispatch, Case.number, ResponseUnit.code, Province.code, Province.name_th,
               Province.name_en)
        .join(Case, Case.id == Dispatch.case_id)
        .join(ResponseUnit, ResponseUnit.id == Dispatch.unit_id)
        .join(Province, Province.code == ResponseUnit.province_code)
        .where(Dispatch.status.not_in(list(policy.CLOSED)))
        .order_by(Province.code, Dispatch.status, Dispatch.created_at)
    )
    if province:
        query = query.where(Province.code == province)
    rows = []
    for d, number, unit, code, name_th, name_en in db.execute(query):
        due = None
        if d.status in policy.AWAITING_UNIT:
            due = d.created_at + timedelta(seconds=settings.ack_timeout(d.urgency))
        rows.append(BoardRow(
            d.id, d.case_id, number, unit, code, name_th if lang == "th" else name_en,
            d.status.value, d.urgency.value, d.created_at,
            max(0, int((now - d.created_at).total_seconds())), due,
            due is not None and now > due,
        ))
    return rows


def grouped(rows: list[BoardRow]) -> list[tuple[str, str, list[tuple[str, list[BoardRow]]]]]:
    """(province code, name, [(status, rows)]) in board order."""
    out: list[tuple[str, str, list[tuple[str, list[BoardRow]]]]] = []
    for row in rows:
        if not out or out[-1][0] != row.province_code:
            out.append((row.province_code, row.province_name, []))
        statuses = out[-1][2]
        if not statuses or statuses[-1][0] != row.status:
            statuses.append((row.status, []))
        statuses[-1][1].append(row)
    return out


@router.get("/dispatches")
def dispatch_board(
    request: Request,
    province: str | None = None,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    now = datetime.now(request.app.state.settings.zone)
    context = page_context(request)
    lang = str(context["lang"])
    province = province or None
    rows = open_dispatches(db, now=now, province=province, settings=DispatchSettings(),
                           lang=lang)
    provinces = db.execute(select(Province.code, Province.name_th, Province.name_en)
                           .order_by(Province.code)).all()
    context.update(rows=rows, groups=grouped(rows), province=province, provinces=provinces,
                   now=now, statuses=[s.value for s in DispatchStatus],
                   overdue=sum(1 for r in rows if r.overdue))
    block = "board" if request.headers.get("HX-Request") == "true" else None
    return templates.TemplateResponse(request, "dispatch_board.html", context,
                                      block_name=block)


@router.get("/dispatches/stream")
async def dispatch_stream(request: Request):
    await stream_viewer(request, SUPERVISORS)

    async def nothing() -> list[tuple[str, str]]:
        return []  # the page itself is the snapshot; events only say "look again"

    return StreamingResponse(
        request.app.state.hub.stream(lambda topic: topic.startswith("dispatch."), nothing),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
