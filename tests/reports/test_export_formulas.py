"""Exports never hand a spreadsheet a formula: text that starts like one is made inert."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from callcenter.agents.models import AgentState
from callcenter.queues.models import Queue
from callcenter.reports import export, service
from callcenter.reports.range import parse_range
from tests.support.builders import CallSpec, add_call, add_state

RANGE = parse_range("10/3/2569", "10/3/2569")
START = datetime(2026, 3, 9, 17, tzinfo=UTC)
LINK = '=HYPERLINK("http://x","y")'
# Call.ivr_choice holds 16 characters: the same attack, shortened to fit.
SHORT_LINK = '=HYPERLINK("x")'


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", LINK])
def test_text_starting_like_a_formula_gets_a_leading_quote(text):
    assert export.cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 12, True, None, "lunch", "ไม่พร้อม", "a=b"])
def test_numbers_and_plain_text_are_kept_as_they_are(value):
    assert export.cell(value) == value
    assert type(export.cell(value)) is type(value)


@pytest.fixture
def hostile_reports(db_session, agent):
    """A pause reason, a queue label and an IVR choice typed as spreadsheet formulas."""
    add_state(db_session, at=START + timedelta(minutes=10), state=AgentState.PAUSED,
              reason=LINK, user_id=agent.id)
    add_state(db_session, at=START + timedelta(minutes=20), state=AgentState.AVAILABLE,
              user_id=agent.id)
    queue = db_session.scalar(select(Queue).where(Queue.name == "violence"))
    queue.label_th = LINK
    call = add_call(db_session, CallSpec(START + timedelta(minutes=30), agent_user_id=agent.id))
    call.ivr_choice = SHORT_LINK
    db_session.flush()
    return {"agent_pauses": (LINK, 2), "calls_by_queue": (LINK, 1),
            "call_records": (SHORT_LINK, 8)}


@pytest.mark.parametrize("name", ["agent_pauses", "calls_by_queue", "call_records"])
def test_csv_export_neutralises_a_formula(db_session, hostile_reports, name):
    text, column = hostile_reports[name]
    report = service.run(db_session, name, RANGE)
    body = "".join(export.csv_chunks(report, lang="en")).removeprefix(export.BOM)
    lines = list(csv.reader(io.StringIO(body)))
    assert [line[column] for line in lines[1:]] == ["'" + text]
    assert not any(value.startswith("=") for line in lines for value in line)


@pytest.mark.parametrize("name", ["agent_pauses", "calls_by_queue", "call_records"])
def test_xlsx_export_keeps_a_formula_as_text(db_session, hostile_reports, name, tmp_path):
    text, column = hostile_reports[name]
    path = tmp_path / f"{name}.xlsx"
    export.write_xlsx(service.run(db_session, name, RANGE), path, lang="en")
    sheet = load_workbook(path).active
    data = sheet[3]
    assert data[column].value == "'" + text
    assert data[column].data_type == "s", "a string cell, not a formula"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # Numbers in the same row are still numbers.
    assert any(isinstance(c.value, int) for c in data)
