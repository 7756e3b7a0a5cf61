"""JSON API of the web queue: the same steps as the pages (``web_reports.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from agent_console import access
from agent_console import web_report_view as view
from agent_console.api_errors import COMMON, errors
from agent_console.case_access import check_readable
from agent_console.deps import DB, Viewer, id_key, require
from agent_console.limits import Id, client_ip, limit_body
from callcenter.intake import public_reports, web_queue
from callcenter.intake import schemas as s

router = APIRouter(prefix="/api", tags=["web reports"], dependencies=[Depends(limit_body)],
                   responses=COMMON)
Worker = Depends(require(*access.CASE_ROLES))


def _out(db: Session, report, viewer: Viewer, request: Request) -> s.ReportOut:
    out = s.ReportOut.model_validate(report, from_attributes=True).model_dump()
    if not web_queue.may_read(report, view.actor(viewer)):
        # Until it is taken, and to other agents, a report is its priority, place and age.
        for name in ("what_happened", "in_danger_now", "contact_way", "contact_value",
                     "safe_times", "reporter_name"):
            out[name] = None
        return s.ReportOut(**{**out, "additions": []})
    web_queue.view(db, report, view.actor(viewer), source_ip=client_ip(request))
    added = public_reports.additions(db, [report.id])[report.id]
    return s.ReportOut(**{**out, "additions": [s.AdditionOut.model_validate(a)
                                               for a in added]})


@router.get("/web-reports", response_model=list[s.ReportSummaryOut], responses=errors(403))
def waiting(viewer: Viewer = Worker, db: Session = DB):
    """The reports not dealt with yet: the most urgent first, then the oldest."""
    return web_queue.waiting(db)


@router.get("/web-reports/{report_id}", response_model=s.ReportOut,
            responses=errors(403, 404, 422))
def one(report_id: Id, request: Request, viewer: Viewer = Worker, db: Session = DB):
    """A report; its content only for the agent who took it and for supervisors."""
    return _out(db, web_queue.get(db, report_id), viewer, request)


@router.post("/web-reports/{report_id}/take", response_model=s.ReportOut,
             responses=errors(403, 404, 409, 422))
def take(report_id: Id, step: s.StepIn, request: Request, viewer: Viewer = Worker,
         db: Session = DB):
    report = web_queue.take(db, web_queue.get(db, report_id), view.actor(viewer),
                            version=step.version)
    return _out(db, report, viewer, request)


@router.post("/web-reports/{report_id}/open-case", response_model=s.OpenedCaseOut,
             status_code=201, responses=errors(403, 404, 409, 422))
def open_case(report_id: Id, step: s.StepIn, request: Request, viewer: Viewer = Worker,
              db: Session = DB):
    report = web_queue.get(db, report_id)
    case = web_queue.open_case(db, report, view.actor(viewer), id_key=id_key(request),
                               version=step.version)
    return s.OpenedCaseOut(report=s.ReportSummaryOut.model_validate(report),
                           case_id=case.id, case_number=case.number)


@router.post("/web-reports/{report_id}/attach", response_model=s.ReportSummaryOut,
             responses=errors(403, 404, 409, 422))
def attach(report_id: Id, body: s.AttachIn, request: Request, viewer: Viewer = Worker,
           db: Session = DB):
    report = web_queue.get(db, report_id)
    web_queue.check_deal(report, view.actor(viewer), body.version)
    case = web_queue.case_by_number(db, body.case_number)
    check_readable(db, viewer, case, request, missing=f"case {body.case_number} not found")
    return web_queue.attach(db, report, case, view.actor(viewer), version=body.version)


@router.post("/web-reports/{report_id}/flag", response_model=s.ReportSummaryOut,
             responses=errors(403, 404, 409, 422))
def flag(report_id: Id, body: s.FlagIn, viewer: Viewer = Worker, db: Session = DB):
    report = web_queue.get(db, report_id)
    return web_queue.flag(db, report, body.flag, view.actor(viewer), version=body.version)
