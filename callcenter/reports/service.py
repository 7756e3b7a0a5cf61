"""Run a report over a range: one SQL query, rows read as they come.

    rng = reports.range.parse_range("1/10/2568", "30/9/2569")
    report = reports.service.run(session, "calls_by_day", rng)
    for row in report.rows: ...

Exports of records (one row per call) are read in batches through a server-side cursor,
so a long range is never held in memory; summaries have at most a row per hour of the
range and are read at once. Read the rows inside the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from callcenter.db import utcnow
from callcenter.errors import NotFound
from callcenter.reports import (
    acceptance,
    agents,
    calls,
    case_clock,
    caseload,
    cases,
    channels,
    chi,
    closing,
    dispatch,
    follow_ups,
    gbvims,
    referrals,
)
from callcenter.reports.filters import NONE, Filters
from callcenter.reports.masking import mask_row
from callcenter.reports.range import ReportRange
from callcenter.reports.spec import Context, Report, ReportSpec

BATCH_ROWS = 2000
# The case-work reports: caseload, referrals, closing, GBVIMS and CHI figures.
CASE_WORK = (*caseload.REPORTS, *referrals.REPORTS, *acceptance.REPORTS, *closing.REPORTS,
             *gbvims.REPORTS, *chi.REPORTS)

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (*calls.REPORTS, *agents.REPORTS, *cases.REPORTS, *dispatch.REPORTS,
                 *case_clock.REPORTS, *CASE_WORK, *follow_ups.REPORTS, *channels.REPORTS)
}


def spec(name: str) -> ReportSpec:
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(f"report: no report named {name!r}", field="report") from None


def query(session: Session, name: str, rng: ReportRange, *,
          filters: Filters = NONE) -> Select[Any]:
    """The SQL of a report for this range and the session's database."""
    return spec(name).query(Context(rng, session.get_bind().dialect.name, filters))


def masks(report_spec: ReportSpec, mask: bool | None) -> bool:
    """Whether the report's small counts are hidden: as asked, else the report's default."""
    return bool(report_spec.maskable) and (report_spec.masked_by_default if mask is None
                                           else mask)


def run(session: Session, name: str, rng: ReportRange, *, filters: Filters = NONE,
        mask: bool | None = None, now: datetime | None = None, lang: str = "th") -> Report:
    """Start the report's query; its rows are read lazily as the caller iterates.

    ``filters`` narrow the reports that read them; ``mask`` hides counts of 1 to 4 in the
    report's maskable columns (None: the report's default); ``now`` is when "overdue" is
    judged (a test's fixed moment); ``lang`` names coded values in the reader's language.
    """
    report_spec = spec(name)
    ctx = Context(rng, session.get_bind().dialect.name, filters, now or utcnow(), lang)
    options = {"yield_per": BATCH_ROWS} if report_spec.streams else {}
    result = session.execute(report_spec.query(ctx), execution_options=options)
    keys = [c.key for c in report_spec.columns]
    hidden = ([keys.index(k) for k in report_spec.maskable]
              if masks(report_spec, mask) else [])

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for row in result:
                shaped = report_spec.shape(row, ctx)
                yield mask_row(shaped, hidden) if hidden else shaped
        finally:
            result.close()

    return Report(report_spec, rng, rows())
