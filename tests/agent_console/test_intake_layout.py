"""Which intake sections open: what the call needs, and whatever holds something."""

from agent_console.intake_layout import open_sections


def test_a_violence_report_opens_the_risk_and_the_perpetrator():
    shown = open_sections({"issue_area": "family_violence"}, {}, has_unit=False)
    assert shown["risk"] and shown["perpetrator"] and shown["place"]
    assert not shown["safe"] and not shown["referral"]


def test_a_welfare_question_keeps_them_closed_until_they_hold_something():
    assert not open_sections({"issue_area": "welfare"}, {}, has_unit=False)["risk"]
    held = open_sections({"issue_area": "welfare", "risk.injured": "on",
                          "persons.2.full_name": "สมชาย", "call_window": "หลัง 18:00"},
                         {}, has_unit=False)
    assert held["risk"] and held["perpetrator"] and held["safe"]


def test_a_problem_to_fix_opens_its_section():
    shown = open_sections({}, {"persons.2.age_years": "v.int_parsing",
                               "unit_brief": "intake.brief_missing"}, has_unit=False)
    assert shown["perpetrator"] and shown["referral"]


def test_a_province_with_a_unit_opens_the_referral():
    assert open_sections({"province_code": "TH-50"}, {}, has_unit=True)["referral"]
