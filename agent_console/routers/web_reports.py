"""The web queue (pages): reports from the website and the app, the most urgent first;
taking one, reading it, and opening a case from it, attaching it to a case or flagging
it. The JSON twins are in ``api_web_reports.py``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from agent_console import access, htmx
from agent_console import web_report_view as view
from agent_console.case_access import check_readable
from agent_console.deps import DB, Viewer, id_key, page_context, require
from agent_console.limits import Id, client_ip, limit_body
from agent_console.templating import templates
from callcenter.intake import public_reports, web_queue
from callcenter.intake.models import ReportFlag

router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body)])
Worker = Depends(require(*access.CASE_ROLES))
# The report's version as drawn; bounded so a forged one is a 422, never a database error.
VERSION = Form(ge=1, le=2_147_483_647)


@router.get("/web-reports", response_class=HTMLResponse)
def queue_page(request: Request, viewer: Viewer = Worker, db: Session = DB) -> Response:
    reports = web_queue.waiting(db)
    return templates.TemplateResponse(request, "web_reports/queue.html", page_context(
        request, reports=reports, taken_by=view.names(db, {r.taken_by_id for r in reports}),
        nuisance=web_queue.nuisance_addresses(db, reports), place=view.place,
        apps=view.app_names(db, reports)))


@router.get("/web-reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: Id, request: Request, viewer: Viewer = Worker,
                db: Session = DB) -> Response:
    report = web_queue.get(db, report_id)
    readable = web_queue.may_read(report, view.actor(viewer))
    additions: list = []
    if readable:
        web_queue.view(db, report, view.actor(viewer), source_ip=client_ip(request))
        additions = public_reports.additions(db, [report.id])[report.id]
    number = web_queue.case_number(db, report.case_id) if report.case_id else None
    return templates.TemplateResponse(request, "web_reports/report.html", page_context(
        request, report=report, readable=readable, additions=additions, case_number=number,
        names=view.names(db, {report.taken_by_id, report.handled_by_id}),
        place=view.place, flags=[f.value for f in ReportFlag],
        apps=view.app_names(db, [report])))


@router.post("/web-reports/{report_id}/take")
def take(report_id: Id, request: Request, version: int = VERSION, viewer: Viewer = Worker,
         db: Session = DB) -> Response:
    report = web_queue.get(db, report_id)
    web_queue.take(db, report, view.actor(viewer), version=version)
    return htmx.redirect(request, f"/web-reports/{report.id}")


@router.post("/web-reports/{report_id}/open-case")
def open_case(report_id: Id, request: Request, version: int = VERSION,
              viewer: Viewer = Worker, db: Session = DB) -> Response:
    report = web_queue.get(db, report_id)
    case = web_queue.open_case(db, report, view.actor(viewer), id_key=id_key(request),
                               version=version)
    return htmx.redirect(request, f"/cases/{case.id}")


@router.post("/web-reports/{report_id}/attach")
def attach(report_id: Id, request: Request, version: int = VERSION,
           case_number: str = Form(max_length=20), viewer: Viewer = Worker,
           db: Session = DB) -> Response:
    report = web_queue.get(db, report_id)
    web_queue.check_deal(report, view.actor(viewer), version)
    case = web_queue.case_by_number(db, case_number.strip())
    check_readable(db, viewer, case, request, missing=f"case {case_number} not found")
    web_queue.attach(db, report, case, view.actor(viewer), version=version)
    return htmx.redirect(request, f"/cases/{case.id}")


@router.post("/web-reports/{report_id}/flag")
def flag(report_id: Id, request: Request, version: int = VERSION,
         what: ReportFlag = Form(alias="flag"), viewer: Viewer = Worker,
         db: Session = DB) -> Response:
    report = web_queue.get(db, report_id)
    web_queue.flag(db, report, what, view.actor(viewer), version=version)
    return htmx.redirect(request, "/web-reports")
