"""Report pages: a Buddhist-era date range, the table, a chart, CSV and XLSX downloads.

Queries and exports are ``callcenter.reports``; this module reads the form, turns a bad
range (or filter) into a message next to the field, and streams downloads with a session
of their own (the request's session has ended by the time a long download is written).
The case-work reports also take a province, urgency, agency type or channel, and small-cell
masking (``mask``: 1 on, 0 off, empty the report's default); links carry them.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from agent_console import access
from agent_console.deps import Viewer, db_session, page_context
from agent_console.limits import client_ip
from agent_console.routers.wallboard import supervisor_only
from agent_console.templating import templates
from callcenter import audit
from callcenter.cases.models import AgencyType, Channel
from callcenter.db import default_sessionmaker
from callcenter.errors import DomainError, Forbidden, InvalidInput
from callcenter.provinces import catalog
from callcenter.reports import (
    agents,
    calls,
    case_clock,
    cases,
    channels,
    dispatch,
    export,
    follow_ups,
    service,
)
from callcenter.reports.filters import Filters, parse_filters
from callcenter.reports.range import MAX_DAYS, ReportRange, parse_range
from callcenter.reports.spec import Month, Report, ReportSpec
from callcenter.taxonomy import Urgency
from callcenter.thaidate import BUDDHIST_ERA_OFFSET

log = logging.getLogger(__name__)
router = APIRouter()
# Rows shown on the page; the downloads carry them all.
PAGE_ROWS = 500
# The form's groups follow the reports' own modules, so a new report appears by itself.
GROUPS = (
    ("reports.group.calls", calls.REPORTS),
    ("reports.group.agents", agents.REPORTS),
    ("reports.group.cases", cases.REPORTS),
    ("reports.group.dispatch", dispatch.REPORTS),
    ("reports.group.case_clock", case_clock.REPORTS),
    ("reports15.group.case_work", service.CASE_WORK),
    ("followups.report_group", follow_ups.REPORTS),
    ("channels.report_group", channels.REPORTS),
)
# Reports whose rows are records rather than a series: no chart.
NO_CHART = frozenset({"call_records", "dispatch_intervals_each", "overdue_referrals_each"})
MASK_CHOICES = {"": None, "1": True, "0": False}


def be(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year + BUDDHIST_ERA_OFFSET}"


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | Month):
        return export.cell(value)
    return value


def _defaults(request: Request) -> tuple[str, str]:
    today = datetime.now(request.app.state.settings.zone).date()
    return be(today.replace(day=1)), be(today)


def _range(request: Request, start: str | None, end: str | None) -> ReportRange:
    return parse_range(start, end, zone=request.app.state.settings.zone)


def _mask(text: str | None) -> bool | None:
    if (text or "") not in MASK_CHOICES:
        raise InvalidInput("mask: 1, 0 or empty", field="mask")
    return MASK_CHOICES[text or ""]


def _readable(spec: ReportSpec, viewer: Viewer) -> ReportSpec:
    """A report that lists cases only for those who may see cases (access.CASE_ROLES)."""
    if spec.lists_cases and viewer.role not in access.CASE_ROLES:
        raise Forbidden("this report lists cases", field="report")
    return spec


def _query(start: str | None, end: str | None, filters: Filters, spec: ReportSpec,
           mask: str | None) -> str:
    """The download links' query: the range as typed, the filters the report reads."""
    pairs = {"start": start or "", "end": end or "", **filters.query(spec.filters)}
    if spec.maskable and mask:
        pairs["mask"] = mask
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs.items())


@router.get("/reports")
def reports_page(
    request: Request,
    report: str | None = None,
    start: str | None = None,
    end: str | None = None,
    province: str | None = None,
    urgency: str | None = None,
    agency_type: str | None = None,
    channel: str | None = None,
    mask: str | None = None,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    context = page_context(request)
    lang = str(context["lang"])
    first, last = _defaults(request)
    context.update(groups=GROUPS,
                   report=report, start=start or first, end=end or last, error=None,
                   error_field=None, result=None, max_days=MAX_DAYS,
                   provinces=catalog.provinces(), urgencies=list(Urgency),
                   agency_types=list(AgencyType), province=province or "",
                   channels=list(Channel), channel=channel or "",
                   urgency=urgency or "", agency_type=agency_type or "", mask=mask or "")
    if report:
        try:
            spec = _readable(service.spec(report), viewer)
            # A link without dates (a bookmark, the navigation) shows the dates the form
            # shows: this month so far. A date field sent empty is still refused.
            rng = _range(request, first if start is None else start,
                         last if end is None else end)
            filters = parse_filters(province, urgency, agency_type, channel)
            masked = service.masks(spec, _mask(mask))
        except DomainError as exc:
            context.update(error=exc.message, error_field=exc.field)
            return templates.TemplateResponse(request, "reports.html", context,
                                              status_code=exc.status_code)
        rows = []
        for row in service.run(db, report, rng, filters=filters, mask=masked, lang=lang).rows:
            rows.append([_cell(v) for v in row])
            if len(rows) > PAGE_ROWS:
                break
        columns = [c.label_th if lang == "th" else c.label_en for c in spec.columns]
        chart = None
        if rows and report not in NO_CHART:
            chart = json.dumps({"columns": columns, "keys": [c.key for c in spec.columns],
                                "rows": rows[:PAGE_ROWS]},
                               ensure_ascii=False, default=str).replace("</", "<\\/")
        context.update(
            spec=spec, columns=columns, rows=rows[:PAGE_ROWS], more=len(rows) > PAGE_ROWS,
            label=rng.label(lang), chart=chart,
            title=spec.title_th if lang == "th" else spec.title_en,
            query=_query(start, end, filters, spec, mask), masked=masked,
            applied=filters.query(spec.filters), result=True,
        )
    return templates.TemplateResponse(request, "reports.html", context)


def _download(request: Request, report: str, rng: ReportRange, kind: str,
              lang: str, filters: Filters, mask: bool | None) -> StreamingResponse:
    # A session of the download's own (export.stream): the request's session is committed
    # and closed before the response is sent, and a year of rows is read while it is sent.
    factory = getattr(request.app.state, "sessionmaker", None) or default_sessionmaker()
    chunks = export.stream(factory, report, rng, fmt=kind, lang=lang, filters=filters,
                           mask=mask)
    name = export.filename(Report(service.spec(report), rng, iter(())), kind)
    media = ("text/csv; charset=utf-8" if kind == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return StreamingResponse(chunks, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"",
    })


@router.get("/reports/{report}.{kind}")
def report_download(
    request: Request,
    report: str,
    kind: str,
    start: str | None = None,
    end: str | None = None,
    province: str | None = None,
    urgency: str | None = None,
    agency_type: str | None = None,
    channel: str | None = None,
    mask: str | None = None,
    viewer: Viewer = Depends(supervisor_only),
    db: Session = Depends(db_session, scope="function"),
):
    if kind not in ("csv", "xlsx"):
        raise DomainError("download: csv or xlsx", field="kind")
    _readable(service.spec(report), viewer)
    rng = _range(request, start, end)
    filters = parse_filters(province, urgency, agency_type, channel)
    masked = _mask(mask)
    lang = str(page_context(request)["lang"])
    audit.record(db, actor_id=viewer.id, action="report.export", entity_type="report",
                 entity_id=f"{report}:{rng.first.isoformat()}:{rng.days}",
                 source_ip=client_ip(request))
    return _download(request, report, rng, kind, lang, filters, masked)
