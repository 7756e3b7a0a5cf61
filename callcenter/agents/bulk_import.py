"""Reading a file of people to onboard at once, and what is wrong with each row. Pure.

The ministry sends a shift's list as CSV (UTF-8, with or without a byte-order mark) or
XLSX. Columns: login, display_name, role, unit_code, languages ("th en"), skills
("urgent:0 violence:1"); headers in English or Thai. Every row is checked as the people
form checks one person (``PersonFields``), plus what only a list can get wrong (a login
twice in the file) and what the caller looked up (logins taken, units and queues that
exist). Nothing here touches the database: ``people_import`` does that.

A CSV cell starting with ``=``, ``+``, ``-`` or ``@`` is refused: the file goes back to
spreadsheets, where such a cell is a formula (CSV injection, OWASP).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from callcenter.agents.models import Role
from callcenter.agents.schemas import PersonFields
from callcenter.errors import InvalidInput

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 500
# Longer than any field allows; bounds what a preview carries of a bad cell.
MAX_CELL = 500
MAX_COLUMNS = 30
# What an XLSX may unpack to: 500 rows are far below; a "zip bomb" is far above.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
COLUMNS = ("login", "display_name", "role", "unit_code", "languages", "skills")
REQUIRED = frozenset({"login", "display_name", "role"})
# Header names as people write them, folded (lower case, "_" for spaces and hyphens).
HEADERS = {
    "login": "login", "username": "login", "user": "login", "ชื่อผู้ใช้": "login",
    "display_name": "display_name", "name": "display_name", "full_name": "display_name",
    "ชื่อ": "display_name", "ชื่อที่แสดง": "display_name", "ชื่อ_นามสกุล": "display_name",
    "role": "role", "บทบาท": "role", "ตำแหน่ง": "role",
    "unit_code": "unit_code", "unit": "unit_code", "หน่วย": "unit_code",
    "รหัสหน่วย": "unit_code",
    "languages": "languages", "language": "languages", "ภาษา": "languages",
    "skills": "skills", "skill": "skills", "queues": "skills", "ทักษะ": "skills",
    "คิว": "skills",
}
# Roles by their Thai names too (the console's labels).
ROLES = {role.value: role for role in Role} | {
    "เจ้าหน้าที่รับสาย": Role.AGENT, "หัวหน้าเวร": Role.SUPERVISOR,
    "หน่วยเคลื่อนที่เร็ว": Role.UNIT_MEMBER, "ผู้ดูแลระบบ": Role.ADMIN,
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZIP = b"PK\x03\x04"
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"
_SPLIT = re.compile(r"[\s,;]+")


class ImportFileRefused(InvalidInput):
    """The file as a whole cannot be read; ``code`` says why, ``names`` which columns."""

    def __init__(self, code: str, message: str, *, names: Iterable[str] = ()) -> None:
        names = tuple(names)
        super().__init__(f"{message}: {', '.join(names)}" if names else message, field="file")
        self.code = code
        self.names = names


@dataclass(frozen=True)
class Problem:
    # The column the problem is in, and its kind: a pydantic error type
    # (string_pattern_mismatch …) or this module's own (duplicate_in_file, login_taken …).
    column: str
    kind: str


@dataclass
class Row:
    line: int  # as the spreadsheet numbers it (the header is line 1)
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    fields: PersonFields | None = None


@dataclass(frozen=True)
class Known:
    """What the database says, looked up by the caller: taken logins, units, queues."""

    taken_logins: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    queues: frozenset[str] = frozenset()


def read(filename: str, content: bytes) -> list[Row]:
    """The file's rows as text by column name; refuses the whole file if it can't be read."""
    if not content.strip():
        raise ImportFileRefused("import_empty", "the file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileRefused("import_too_large", f"the file is over {MAX_FILE_BYTES} bytes")
    if content.startswith(_ZIP):
        table = _xlsx_rows(content)
    elif content.startswith(_OLD_EXCEL) or b"\x00" in content:
        raise ImportFileRefused("import_type", "send a CSV (UTF-8) or XLSX file")
    else:
        if filename.lower().endswith((".xlsx", ".xls", ".ods", ".pdf", ".docx")):
            raise ImportFileRefused("import_type", "send a CSV (UTF-8) or XLSX file")
        table = _csv_rows(content)
    return _rows(table)


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileRefused("import_encoding", "the file is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    # Spreadsheets in some locales save with ";" or tabs; the header line tells which.
    delimiter = max(",;\t", key=first.count) if first else ","
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    except csv.Error:
        raise ImportFileRefused("import_unreadable", "the CSV file is malformed") from None


def _unpacked_size(content: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileRefused("import_unreadable", "the XLSX file cannot be read") from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only when an XLSX comes: it is slow to import

    # Checked before openpyxl unpacks anything: a small file may expand to gigabytes.
    if _unpacked_size(content) > MAX_UNPACKED_BYTES:
        raise ImportFileRefused("import_too_large", "the XLSX file unpacks to too much")
    try:
        # read_only streams the sheet; formulas stay formulas (data_only=False), so a
        # cell computed by a formula is refused like a CSV formula, never evaluated.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file, none of them ours
        raise ImportFileRefused("import_unreadable", "the XLSX file cannot be read") from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        start=1):
            yield number, [_cell_text(value) for value in values]
            if number > MAX_ROWS + 50:
                break  # blank rows at the end are skipped; far more is too many anyway
    except ImportFileRefused:
        raise
    except Exception:
        raise ImportFileRefused("import_unreadable", "the XLSX file cannot be read") from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a penalty typed as 1 comes back as 1.0
    return str(value)


def _header(cells: list[str]) -> list[str | None]:
    columns: list[str | None] = []
    unknown = []
    for cell in cells:
        folded = re.sub(r"[\s\-]+", "_", cell.strip().casefold())
        if not folded:
            columns.append(None)
            continue
        column = HEADERS.get(folded)
        if column is None:
            unknown.append(cell.strip()[:40])
        columns.append(column)
    if unknown:
        raise ImportFileRefused("import_unknown_columns", "unknown columns", names=unknown)
    named = [c for c in columns if c]
    twice = [c for c, n in Counter(named).items() if n > 1]
    if twice:
        raise ImportFileRefused("import_columns_twice", "columns given twice", names=twice)
    missing = [c for c in COLUMNS if c in REQUIRED and c not in named]
    if missing:
        raise ImportFileRefused("import_missing_columns", "columns missing", names=missing)
    return columns


def _rows(table: Iterable[tuple[int, list[str]]]) -> list[Row]:
    columns: list[str | None] | None = None
    rows: list[Row] = []
    for number, cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            columns = _header(cells)
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileRefused("import_too_many_rows", f"more than {MAX_ROWS} people")
        values = {column: cells[i].strip()[:MAX_CELL + 1] if i < len(cells) else ""
                  for i, column in enumerate(columns) if column}
        rows.append(Row(line=number, values=values))
    if columns is None:
        raise ImportFileRefused("import_empty", "the file is empty")
    if not rows:
        raise ImportFileRefused("import_no_rows", "the file has a header but no people")
    return rows


def check(rows: list[Row], known: Known) -> list[Row]:
    """Each row's problems (and its ``PersonFields`` when it has none of its own)."""
    logins = Counter(row.values.get("login", "").strip().lower() for row in rows)
    for row in rows:
        row.problems = _problems(row, known, logins)
    return rows


def is_clean(rows: list[Row]) -> bool:
    return bool(rows) and not any(row.problems for row in rows)


def _problems(row: Row, known: Known, logins: Counter) -> list[Problem]:
    problems = [Problem(column, "formula") for column, value in row.values.items()
                if value.startswith(FORMULA_START)]
    problems += [Problem(column, "too_long") for column, value in row.values.items()
                 if len(value) > MAX_CELL]
    if problems:
        return problems
    data, problems = _parsed(row.values)
    try:
        row.fields = PersonFields.model_validate(data)
    except ValidationError as invalid:
        row.fields = None
        seen = set()
        for error in invalid.errors():
            column = str(error["loc"][0]) if error["loc"] else "login"
            if (column, error["type"]) not in seen:
                seen.add((column, error["type"]))
                problems.append(Problem(column, error["type"]))
    login = row.values.get("login", "").strip().lower()
    if login and logins[login] > 1:
        problems.append(Problem("login", "duplicate_in_file"))
    if login and login in known.taken_logins:
        problems.append(Problem("login", "login_taken"))
    unit = row.values.get("unit_code", "").strip().upper()
    if unit and unit not in known.units and re.fullmatch(r"RRU-TH-[0-9]{2}", unit):
        problems.append(Problem("unit_code", "unknown_unit"))
    if isinstance(data.get("skills"), list) and any(
            isinstance(s, dict) and s.get("queue") not in known.queues for s in data["skills"]):
        problems.append(Problem("skills", "unknown_queue"))
    if problems:
        row.fields = None
    return problems


def _parsed(values: dict[str, str]) -> tuple[dict[str, object], list[Problem]]:
    """The row as PersonFields takes it: role by name, lists split on spaces or commas."""
    data: dict[str, object] = {"login": values.get("login", ""),
                               "display_name": values.get("display_name", "")}
    problems: list[Problem] = []
    role = values.get("role", "").strip()
    data["role"] = ROLES.get(role.casefold(), ROLES.get(role, role))
    if values.get("unit_code", "").strip():
        data["unit_code"] = values["unit_code"]
    languages = [part.casefold() for part in _SPLIT.split(values.get("languages", "")) if part]
    if languages:
        data["languages"] = languages
    skills = []
    for part in _SPLIT.split(values.get("skills", "")):
        if not part:
            continue
        queue, _, penalty = part.partition(":")
        if penalty and not penalty.isdigit():
            problems.append(Problem("skills", "int_parsing"))
            continue
        skills.append({"queue": queue, "penalty": int(penalty) if penalty else 0})
    data["skills"] = skills
    return data, problems
