"""Reading an onboarding file and checking each row, without a database."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from callcenter.agents import bulk_import
from callcenter.agents.bulk_import import ImportFileRefused, Known, Problem

KNOWN = Known(taken_logins=frozenset({"agent1"}), units=frozenset({"RRU-TH-50"}),
              queues=frozenset({"urgent", "violence"}))
CSV = ("login,display_name,role,unit_code,languages,skills\n"
       "malee.s,มาลี ศรีสุข,agent,,th en,urgent:0 violence:1\n"
       "unit.cm2,สมชาย ใจดี,unit_member,RRU-TH-50,th,\n")


def checked(text: str | bytes, filename: str = "shift.csv") -> list[bulk_import.Row]:
    content = text.encode() if isinstance(text, str) else text
    return bulk_import.check(bulk_import.read(filename, content), KNOWN)


def refused(text: str | bytes, filename: str = "shift.csv") -> ImportFileRefused:
    content = text.encode() if isinstance(text, str) else text
    with pytest.raises(ImportFileRefused) as caught:
        bulk_import.read(filename, content)
    return caught.value


def test_a_clean_csv_gives_each_person_their_fields():
    rows = checked(CSV)
    assert bulk_import.is_clean(rows)
    first = rows[0].fields
    assert first.login == "malee.s" and [lang.value for lang in first.languages] == ["th", "en"]
    assert first.skill_map() == {"urgent": 0, "violence": 1}
    assert rows[1].fields.unit_code == "RRU-TH-50" and rows[1].line == 3


def test_a_byte_order_mark_and_thai_headers_and_role_names_are_understood():
    text = ("\ufeffชื่อผู้ใช้;ชื่อ;บทบาท;ภาษา;ทักษะ\n"
            "pranee.k;ปราณี แก้วมณี;เจ้าหน้าที่รับสาย;th;urgent\n")
    rows = checked(text.encode("utf-8"))
    assert bulk_import.is_clean(rows)
    assert rows[0].fields.role.value == "agent"


def test_an_xlsx_sheet_is_read_like_a_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["Login", "Display name", "Role", "Skills"])
    sheet.append(["somsri.t", "สมศรี ทองดี", "agent", "violence:1"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = checked(buffer.getvalue(), "shift.xlsx")
    assert bulk_import.is_clean(rows) and rows[0].fields.skill_map() == {"violence": 1}


def test_each_row_names_its_problems_by_column():
    text = ("login,display_name,role,unit_code,skills\n"
            "agent1,ซ้ำกับที่มีอยู่,agent,,urgent\n"
            "Bad Login!,ชื่อ,agent,,nosuchqueue:1\n"
            "new.unit,หน่วย,unit_member,,\n"
            "twice,หนึ่ง,agent,,urgent:x\n"
            "twice,สอง,boss,RRU-TH-99,\n")
    rows = checked(text)
    problems = [set(row.problems) for row in rows]
    assert Problem("login", "login_taken") in problems[0]
    assert {Problem("login", "string_pattern_mismatch"),
            Problem("skills", "unknown_queue")} <= problems[1]
    assert Problem("unit_code", "unit_required") in problems[2]
    assert Problem("skills", "int_parsing") in problems[3]
    assert Problem("login", "duplicate_in_file") in problems[3]
    assert {Problem("role", "enum"), Problem("login", "duplicate_in_file")} <= problems[4]
    assert not bulk_import.is_clean(rows)
    assert all(row.fields is None for row in rows)


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_refused():
    rows = checked("login,display_name,role\nnew.one,=HYPERLINK(\"x\"),agent\n"
                   "new.two,@SUM(1),agent\n")
    assert rows[0].problems == [Problem("display_name", "formula")]
    assert rows[1].problems == [Problem("display_name", "formula")]


@pytest.mark.parametrize(("content", "filename", "code"), [
    (b"", "a.csv", "import_empty"),
    (b"   \n", "a.csv", "import_empty"),
    (b"login,display_name,role\n", "a.csv", "import_no_rows"),
    ("ล็อกอิน,ชื่อ\n".encode("cp874"), "a.csv", "import_encoding"),
    (b"\xd0\xcf\x11\xe0old excel", "a.xls", "import_type"),
    (b"%PDF-1.4", "a.pdf", "import_type"),
    (b"PK\x03\x04not really a workbook", "a.xlsx", "import_unreadable"),
    (b"x" * (bulk_import.MAX_FILE_BYTES + 1), "a.csv", "import_too_large"),
])
def test_a_file_that_cannot_be_read_is_refused_whole_with_its_reason(content, filename, code):
    assert refused(content, filename).code == code


def test_an_xlsx_that_would_unpack_to_far_more_than_a_sheet_is_refused_unopened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (bulk_import.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < bulk_import.MAX_FILE_BYTES
    assert refused(buffer.getvalue(), "bomb.xlsx").code == "import_too_large"


def test_missing_unknown_and_repeated_columns_are_named():
    assert refused("login,display_name\nx,y\n").names == ("role",)
    assert refused("login,display_name,role,colour\n").names == ("colour",)
    assert refused("login,login,display_name,role\n").names == ("login",)


def test_more_people_than_the_limit_are_refused():
    body = "".join(f"p{i:04d},ชื่อ,agent\n" for i in range(bulk_import.MAX_ROWS + 1))
    assert refused("login,display_name,role\n" + body).code == "import_too_many_rows"


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    rows = checked("login,display_name,role\n\nnew.one,หนึ่ง,agent\n,,\n")
    assert [row.line for row in rows] == [3]
