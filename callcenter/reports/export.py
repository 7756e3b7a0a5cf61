"""Reports as CSV and XLSX, written as the rows arrive.

CSV comes out as a generator of text chunks, a few hundred rows each, as the rows come
from the database (record reports through a server-side cursor): a web response sends
the first chunk before the last row is read, and memory stays flat however long the
range; CSV has no row limit. XLSX is a zip archive that can only be finished once every
row is in: openpyxl's write-only workbook writes rows straight to temporary files, the
archive goes to a temporary file that spills to disk past 1 MB, and is then read back in
chunks. Memory stays flat; the download starts once the workbook is complete. A sheet
holds at most Excel's 1,048,576 rows: a longer report goes on in further sheets, each
with the title (marked as continued) and the header again.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session, sessionmaker

from callcenter.reports import service
from callcenter.reports.filters import NONE, Filters
from callcenter.reports.range import ReportRange
from callcenter.reports.spec import Month, Report
from callcenter.thaidate import BUDDHIST_ERA_OFFSET

CHUNK_ROWS = 500
CHUNK_BYTES = 64 * 1024
# Excel reads a UTF-8 CSV as Thai only when it starts with a byte-order mark.
BOM = "\ufeff"
# Rows per worksheet Excel opens (title and header rows included).
EXCEL_MAX_ROWS = 1_048_576
CONTINUED = {"en": "(continued, sheet {})", "th": "(ต่อ แผ่นที่ {})"}
DEFINITION_SHEET = "definition"
# A text cell starting with one of these is run as a formula by Excel and LibreOffice
# (CSV) or stored as one by openpyxl (XLSX): a pause reason, a queue label or an IVR
# choice typed as `=HYPERLINK(...)` would become a live link in the ministry's copy.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading quote before a formula start (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Any:
    """Dates in the Buddhist era, as the ministry's tables write them; text never a formula.

    Numbers stay numbers (a negative one too): only text is made inert.
    """
    if isinstance(value, str):
        return inert(value)
    if value is None or type(value) in (int, float, bool):
        return value
    if isinstance(value, datetime):
        return f"{value.day:02d}/{value.month:02d}/{value.year + BUDDHIST_ERA_OFFSET} " \
               f"{value:%H:%M:%S}"
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year + BUDDHIST_ERA_OFFSET}"
    if isinstance(value, Month):
        return str(value)
    return value


def header(report: Report, lang: str) -> list[str]:
    return [c.label_th if lang == "th" else c.label_en for c in report.spec.columns]


def filename(report: Report, extension: str) -> str:
    rng = report.range
    return (f"{report.spec.name}_{cell(rng.first).replace('/', '')}-"
            f"{cell(rng.last).replace('/', '')}.{extension}")


def csv_chunks(report: Report, *, lang: str = "th") -> Iterator[str]:
    """The report as CSV text, a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header(report, lang))
    for count, row in enumerate(report.rows, start=1):
        writer.writerow([cell(v) for v in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(report: Report, target: Any, *, lang: str = "th",
               max_rows: int = EXCEL_MAX_ROWS) -> None:
    """Write the report (write-only: rows go straight to disk), a sheet per ``max_rows``."""
    book = Workbook(write_only=True)
    title = f"{report.spec.title(lang)} {report.range.label(lang)}"
    columns = header(report, lang)
    sheets: list[Any] = []

    def new_sheet() -> Any:
        number = len(sheets) + 1
        name = report.spec.name[:31] if number == 1 else f"{report.spec.name[:25]}_{number}"
        sheet = book.create_sheet(name)
        more = "" if number == 1 else " " + CONTINUED.get(lang, CONTINUED["en"]).format(number)
        sheet.append([title + more])
        sheet.append(columns)
        sheets.append(sheet)
        return sheet

    sheet = new_sheet()
    room = max_rows - 2
    for row in report.rows:
        if room == 0:
            sheet, room = new_sheet(), max_rows - 2
        sheet.append([cell(v) for v in row])
        room -= 1
    if report.spec.define(lang):
        if room < 2:
            sheet = book.create_sheet(DEFINITION_SHEET)
        sheet.append([])
        sheet.append([report.spec.define(lang)])
    book.save(target)


def xlsx_chunks(report: Report, *, lang: str = "th") -> Iterator[bytes]:
    """The report as XLSX bytes, built in a temporary file and read back in chunks."""
    with tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES * 16) as spool:
        write_xlsx(report, spool, lang=lang)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def stream(sessions: sessionmaker[Session], name: str, rng: ReportRange, *,
           fmt: str = "csv", lang: str = "th", filters: Filters = NONE,
           mask: bool | None = None) -> Iterator[bytes]:
    """Bytes of a report for a streaming response, read in a session of their own.

    The report name is checked now (NotFound before the response starts); the session
    lives as long as the response body is being sent, not as long as the request.
    ``filters`` and ``mask`` are the report's (``service.run``).
    """
    service.spec(name)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(fmt)

    def chunks() -> Iterator[Any]:
        session = sessions()
        try:
            report = service.run(session, name, rng, filters=filters, mask=mask, lang=lang)
            if fmt == "csv":
                for text in csv_chunks(report, lang=lang):
                    yield text.encode("utf-8")
            else:
                yield from xlsx_chunks(report, lang=lang)
        finally:
            session.close()

    return chunks()
