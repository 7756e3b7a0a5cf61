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
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from callcenter.errors import NotFound
from callcenter.reports import agents, calls, case_clock, cases, dispatch, follow_ups
from callcenter.reports.range import ReportRange
from callcenter.reports.spec import Context, Report, ReportSpec

BATCH_ROWS = 2000

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (*calls.REPORTS, *agents.REPORTS, *cases.REPORTS, *dispatch.REPORTS,
                 *case_clock.REPORTS, *follow_ups.REPORTS)
}


def spec(name: str) -> ReportSpec:
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(f"report: no report named {name!r}", field="report") from None


def query(session: Session, name: str, rng: ReportRange) -> Select[Any]:
    """The SQL of a report for this range and the session's database."""
    return spec(name).query(Context(rng, session.get_bind().dialect.name))


def run(session: Session, name: str, rng: ReportRange) -> Report:
    """Start the report's query; its rows are read lazily as the caller iterates."""
    report_spec = spec(name)
    ctx = Context(rng, session.get_bind().dialect.name)
    options = {"yield_per": BATCH_ROWS} if report_spec.streams else {}
    result = session.execute(report_spec.query(ctx), execution_options=options)

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for row in result:
                yield report_spec.shape(row, ctx)
        finally:
            result.close()

    return Report(report_spec, rng, rows())
