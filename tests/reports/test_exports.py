"""Exports stream: CSV chunk by chunk as rows arrive, XLSX through a write-only workbook."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from callcenter.calls.models import Call
from callcenter.reports import export, service
from callcenter.reports.range import parse_range
from callcenter.reports.spec import Report

RANGE = parse_range("1/1/2569", "31/12/2569")
CALLS = 10_000


@pytest.fixture
def year_of_calls(db_session, agent):
    first = datetime(2025, 12, 31, 17, tzinfo=UTC)
    step = (RANGE.end - RANGE.start) / CALLS
    db_session.execute(insert(Call), [
        {"node": "pbx1", "uniqueid": f"1767200000.{i}", "direction": "inbound",
         "started_at": first + i * step, "queue_name": "welfare", "outcome": "answered",
         "answered_at": first + i * step + timedelta(seconds=9), "wait_seconds": 9,
         "talk_seconds": 100 + i % 50, "silent": False, "updated_at": first,
         "caller_number": "0812345678"}
        for i in range(CALLS)
    ])
    return CALLS


class Counting:
    def __init__(self, rows):
        self.rows, self.taken = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.taken += 1
            yield row


def test_csv_export_of_a_year_of_calls_streams_in_chunks(db_session, year_of_calls):
    report = service.run(db_session, "call_records", RANGE)
    counting = Counting(report.rows)
    report.rows = iter(counting)
    chunks = export.csv_chunks(report, lang="en")
    first = next(chunks)
    # The first chunk goes out before the rest of the range has been read.
    assert counting.taken == export.CHUNK_ROWS
    assert first.startswith(export.BOM + "Call id,Started (local time)")
    text = first + "".join(chunks)
    lines = list(csv.reader(io.StringIO(text.removeprefix(export.BOM))))
    assert len(lines) == year_of_calls + 1
    assert lines[1][1] == "01/01/2569 00:00:00"  # Buddhist-era dates, local time
    assert "0812345678" not in text


def peak_memory(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_export_memory_does_not_grow_with_the_range(db_session, year_of_calls):
    def export_csv(rng):
        def work():
            for _ in export.csv_chunks(service.run(db_session, "call_records", rng)):
                pass
        return work

    half = peak_memory(export_csv(parse_range("1/1/2569", "30/6/2569")))
    year = peak_memory(export_csv(RANGE))
    everything = peak_memory(lambda: list(service.run(db_session, "call_records", RANGE).rows))
    assert year < half * 1.3
    assert year < everything / 2


def test_xlsx_export_is_written_row_by_row(db_session, year_of_calls, tmp_path):
    tracemalloc.start()
    try:
        path = tmp_path / "calls.xlsx"
        with path.open("wb") as out:
            for chunk in export.xlsx_chunks(service.run(db_session, "call_records", RANGE)):
                out.write(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A workbook built in memory holds every cell as an object: many times this.
    assert peak < 8_000_000, peak
    sheet = load_workbook(path, read_only=True).active
    values = list(sheet.values)
    assert values[0][0].startswith("รายการสาย 1 ม.ค. 2569")
    assert values[1][0] == "รหัสสาย"
    assert sum(1 for v in values[2:] if v and isinstance(v[0], int)) == year_of_calls


def test_a_small_report_exports_with_its_definition(db_session, year_of_calls, tmp_path):
    report = service.run(db_session, "service_level", RANGE)
    path = tmp_path / "sl.xlsx"
    export.write_xlsx(report, path, lang="en")
    values = list(load_workbook(path, read_only=True).active.values)
    assert values[1][5] == "Service level %"
    assert values[-1][0].startswith("Service level = ")
    assert export.filename(report, "xlsx") == "service_level_01012569-31122569.xlsx"


def test_a_stream_reads_in_its_own_session_and_checks_the_name_first(committing_sessionmaker):
    from callcenter.errors import NotFound

    with pytest.raises(NotFound):
        export.stream(committing_sessionmaker, "no_such_report", RANGE)
    text = b"".join(export.stream(committing_sessionmaker, "calls_by_day", RANGE,
                                  lang="en")).decode("utf-8")
    assert text == export.BOM + "Day,Offered,Answered,Abandoned,Abandoned ≤5 s,Ended in IVR," \
        "Other,Average wait (s),Average talk (s)\r\n"
    xlsx = b"".join(export.stream(committing_sessionmaker, "calls_by_day", RANGE, fmt="xlsx"))
    assert xlsx.startswith(b"PK")


def test_an_xlsx_longer_than_a_sheet_goes_on_in_further_sheets(db_session, agent, tmp_path):
    rows = [(i, f"row {i}") for i in range(1, 12)]
    report = Report(service.spec("calls_by_outcome"), RANGE, iter(rows))
    path = tmp_path / "long.xlsx"
    # Five rows a sheet stand in for Excel's 1,048,576: title, header and three rows.
    export.write_xlsx(report, path, lang="en", max_rows=5)
    book = load_workbook(path, read_only=True)
    sheets = [list(sheet.values) for sheet in book.worksheets]
    assert book.sheetnames == ["calls_by_outcome", "calls_by_outcome_2", "calls_by_outcome_3",
                               "calls_by_outcome_4", "definition"]
    assert all(len(sheet) <= 5 for sheet in sheets)
    assert sheets[1][0][0].endswith("(continued, sheet 2)")
    assert all(sheet[1] == ("Outcome", "Calls") for sheet in sheets[:4])
    data = [row[0] for sheet in sheets[:4] for row in sheet[2:]]
    assert data == list(range(1, 12)), "every row once, in order"
    assert sheets[-1][-1][0].startswith("Inbound calls that started in the range")
    assert export.EXCEL_MAX_ROWS == 1_048_576
