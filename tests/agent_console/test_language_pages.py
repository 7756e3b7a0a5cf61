"""The page's language decides how names, dates and lists read: provinces by name in
Thai or English, Buddhist-era dates on Thai pages and Gregorian ones on English pages,
lists in Thai dictionary order or alphabetical order."""

import re
from datetime import UTC, datetime

from tests.agent_console.console_support import INTAKE, add_call, signed_in
from tests.agent_console.page_text import visible_text


def opened_case(client, seeded_session) -> dict:
    call = add_call(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "agent1")}
    return client.post("/api/cases", json={**INTAKE, "call_id": call.id}, headers=h).json()


def option_names(html: str, select_name: str) -> list[str]:
    block = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return [name.strip() for name in re.findall(r"<option[^>]*>([^<]+)</option>", block)]


def test_the_cases_list_names_the_province_in_the_pages_language(client, seeded_session):
    case = opened_case(client, seeded_session)
    assert case["province_code"] == "TH-50"
    thai = " ".join(visible_text(client.get("/cases?lang=th").text))
    english = " ".join(visible_text(client.get("/cases?lang=en").text))
    assert "เชียงใหม่" in thai and "Chiang Mai" in english
    assert "TH-50" not in thai and "TH-50" not in english


def test_thai_pages_list_provinces_in_dictionary_order_and_english_pages_alphabetically(
        client, seeded_session):
    opened_case(client, seeded_session)
    thai = option_names(client.get("/cases?lang=th").text, "province_code")
    order = [thai.index(name) for name in ("กระบี่", "ชัยนาท", "เชียงใหม่", "แพร่", "ลำปาง", "เลย")]
    assert order == sorted(order)
    assert thai[-1] != "เลย"  # code-point order put the leading vowels last
    english = option_names(client.get("/cases?lang=en").text, "province_code")
    assert english[1:] == sorted(english[1:], key=str.casefold)  # after the "—" choice


def test_english_pages_show_gregorian_years_and_thai_pages_the_buddhist_era(
        client, seeded_session):
    case = opened_case(client, seeded_session)
    year = datetime.now(UTC).year  # the case was opened just now
    thai = " ".join(visible_text(client.get(f"/cases/{case['id']}?lang=th").text))
    english = " ".join(visible_text(client.get(f"/cases/{case['id']}?lang=en").text))
    assert str(year + 543) in thai
    assert str(year) in english and f"{year + 543} BE" not in english

