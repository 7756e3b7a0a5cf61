"""Report pages: Buddhist-era ranges, clear messages for bad ranges, chart data, downloads."""

import html
import io
import json
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from callcenter.audit import AuditEvent
from callcenter.calls.models import Call, CallOutcome
from callcenter.reports.calls import QUEUE_DEFINITION
from callcenter.thaidate import BANGKOK
from tests.support.audit_trail import audited, user_id
from tests.support.builders import add_queue_call


def be_today() -> str:
    today = datetime.now(BANGKOK).date()
    return f"{today.day}/{today.month}/{today.year + 543}"


def seed_calls(db) -> None:
    # Noon today in Bangkok minus a few minutes: safely inside today's local day.
    noon = datetime.now(BANGKOK).replace(hour=12, minute=0, second=0, microsecond=0)
    start = noon.astimezone(UTC)
    add_queue_call(db, "r.1", "violence", CallOutcome.ANSWERED, wait=3, talk=60, started=start)
    add_queue_call(db, "r.2", "violence", CallOutcome.ANSWERED, wait=50, talk=30,
             started=start + timedelta(minutes=1))
    add_queue_call(db, "r.3", "welfare", CallOutcome.ABANDONED, wait=12,
             started=start + timedelta(minutes=2))


def test_the_page_offers_every_report_with_this_months_range(supervisor_client):
    page = supervisor_client.get("/reports?lang=en").text
    assert 'value="calls_by_day"' in page and 'value="dispatch_intervals"' in page
    assert f'value="{be_today()}"' in page
    assert "Buddhist era" in page


def test_a_report_shows_the_counts_made_directly_over_the_rows(
        supervisor_client, seeded_session):
    seed_calls(seeded_session)
    day = be_today()
    page = supervisor_client.get(
        f"/reports?lang=en&report=calls_by_queue&start={day}&end={day}").text
    direct = dict(seeded_session.execute(
        select(Call.queue_name, func.count()).group_by(Call.queue_name)).all())
    table = re.search(r'<table class="dispatches report-table">.*?</table>', page, re.S).group(0)
    rows = {cells[0]: cells for cells in (
        re.findall(r"<td>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S))
        if cells}
    assert int(rows["violence"][2]) == direct["violence"] == 2
    assert int(rows["welfare"][2]) == direct["welfare"] == 1
    chart = json.loads(re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1))
    assert chart["keys"][0] == "queue" and len(chart["rows"]) == 2
    assert "/vendor/chart.js/dist/chart.umd.min.js" in page
    assert f"/reports/calls_by_queue.csv?start={day.replace('/', '%2F')}" in page
    definition = re.search(r'<p class="definition">(.*?)</p>', page, re.S).group(1)
    assert QUEUE_DEFINITION["en"] in html.unescape(definition)
    assert "{" not in definition, "the definition is text, not a dict"
    thai = supervisor_client.get(
        f"/reports?lang=th&report=calls_by_queue&start={day}&end={day}").text
    assert QUEUE_DEFINITION["th"] in html.unescape(thai)


def test_a_reversed_range_says_so(supervisor_client):
    answer = supervisor_client.get(
        "/reports?lang=en&report=calls_by_day&start=10/11/2569&end=1/11/2569")
    assert answer.status_code == 422
    assert "is before the start" in answer.text
    assert 'name="end" value="1/11/2569"' in answer.text and 'aria-invalid="true"' in answer.text


def test_a_range_over_a_year_says_how_long_it_may_be(supervisor_client):
    answer = supervisor_client.get(
        "/reports?lang=en&report=calls_by_day&start=1/1/2568&end=31/12/2569")
    assert answer.status_code == 422 and "at most 366 days" in answer.text


def test_a_date_that_is_not_buddhist_era_or_missing_is_refused(supervisor_client):
    answer = supervisor_client.get("/reports?lang=en&report=calls_by_day&start=1/1/2026&end=")
    assert answer.status_code == 422
    assert "Please correct the dates" in answer.text


def test_an_empty_range_says_nothing_was_recorded(supervisor_client):
    answer = supervisor_client.get(
        "/reports?lang=en&report=calls_by_day&start=1/1/2560&end=31/1/2560")
    assert answer.status_code == 200
    assert "Nothing was recorded in this range." in answer.text
    assert "report-chart" not in answer.text


def test_csv_and_xlsx_downloads_stream_the_report_and_are_audited(
        supervisor_client, seeded_session):
    seed_calls(seeded_session)
    day = be_today()
    csv = supervisor_client.get(f"/reports/call_records.csv?start={day}&end={day}&lang=en")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Call id,") and len(lines) == 4
    xlsx = supervisor_client.get(f"/reports/calls_by_queue.xlsx?start={day}&end={day}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert any(r[0] == "violence" and r[2] == 2 for r in values)
    exports = seeded_session.scalars(select(AuditEvent.entity_id).where(
        AuditEvent.action == "report.export")).all()
    assert len(exports) == 2 and all(":" in e for e in exports)
    boss = user_id(seeded_session, "supervisor")
    for report in ("call_records", "calls_by_queue"):
        audited(seeded_session, "report.export", actor_id=boss, entity_type="report",
                entity_id=f"{report}:{datetime.now(BANGKOK).date().isoformat()}:1")


def test_a_download_with_a_bad_range_is_refused(supervisor_client):
    answer = supervisor_client.get("/reports/calls_by_day.csv?start=2/1/2569&end=1/1/2569")
    assert answer.status_code == 422
    answer = supervisor_client.get("/reports/no_such_report.csv?start=1/1/2569&end=1/1/2569")
    assert answer.status_code == 404


def test_a_report_linked_without_dates_shows_this_month_so_far(supervisor_client):
    answer = supervisor_client.get("/reports?lang=en&report=calls_by_day")
    assert answer.status_code == 200
    assert "Please correct the dates" not in answer.text
