"""The Thai catalogue and the reports' Thai names speak with one voice: one word for a case,
and no word typed twice in a row."""

import ast
import json
import re
from itertools import pairwise
from pathlib import Path

from pythainlp.tokenize import word_tokenize

from agent_console.i18n import LOCALES

ROOT = Path(__file__).parents[2]
REPORTS = ROOT / "callcenter" / "reports"
# The console says เคส, as the hotline's staff do (and most of the catalogue already did);
# these other words for a case must not creep back in.
OTHER_WORDS_FOR_CASE = ("กรณี", "คดี", "เรื่องร้องเรียน")
# Thai that repeats a word on purpose: "ในที่ที่" is "in a place where".
MEANT_TWICE = {"ที่"}
THAI = re.compile(r"[\u0E01-\u0E4E]")


def thai_messages() -> dict[str, str]:
    """The console catalogue's Thai messages by id, with the file each is in."""
    found = {}
    for path in sorted((LOCALES / "th").glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            found[f"{path.name}:{key}"] = text
    return found


def report_thai_strings() -> dict[str, str]:
    """Every Thai string literal of the reports (titles, columns, definitions)."""
    found = {}
    for path in sorted(REPORTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and THAI.search(node.value):
                found[f"{path.name}:{node.lineno}"] = node.value
    return found


def doubled_words(text: str) -> set[str]:
    """Thai words written twice with nothing between them ("ถึงถึง")."""
    words = word_tokenize(text, keep_whitespace=True)
    return {a for a, b in pairwise(words)
            if a == b and THAI.search(a) and a not in MEANT_TWICE}


def test_doubled_words_are_found_and_spaced_or_meant_ones_are_not():
    assert doubled_words("ถึงถึงที่เกิดเหตุ") == {"ถึง"}
    assert doubled_words("ชื่อ ชื่อผู้ใช้") == set()
    assert doubled_words("จดไว้ในที่ที่คนอื่นมองไม่เห็น") == set()


def test_the_thai_catalogue_has_one_word_for_a_case():
    strays = {where: text for where, text in {**thai_messages(), **report_thai_strings()}.items()
              if any(word in text for word in OTHER_WORDS_FOR_CASE)}
    assert strays == {}


def test_the_thai_catalogue_writes_no_word_twice_in_a_row():
    doubled = {where: words for where, text in {**thai_messages(), **report_thai_strings()}.items()
               if (words := doubled_words(text))}
    assert doubled == {}
