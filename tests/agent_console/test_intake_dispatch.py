"""The intake's "open and dispatch": one form opens the case and sends it to the unit,
or, when something the dispatch needs is missing, opens nothing and says what."""

from sqlalchemy import func, select

from callcenter.cases.models import Case
from callcenter.dispatch.models import Dispatch
from callcenter.provinces.models import ResponseUnit
from tests.agent_console.console_support import add_call, signed_in
from tests.agent_console.test_case_pages import FORM, open_draft

BRIEF = "หญิงถูกสามีทำร้าย เด็กอยู่ในบ้าน"


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_open_and_dispatch_sends_the_new_case_to_its_province_unit(client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    sent = client.post(f"/cases/drafts/{key}/open", follow_redirects=False, data={
        **FORM, "unit_brief": BRIEF, "then": "dispatch", "csrf_token": csrf})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/cases/")
    dispatch = seeded_session.scalars(select(Dispatch)).one()
    unit = seeded_session.get(ResponseUnit, dispatch.unit_id)
    assert dispatch.unit_brief == BRIEF and unit.province_code == "TH-50"
    case = seeded_session.get(Case, dispatch.case_id)
    assert case.status.value == "dispatched" and BRIEF not in case.summary
    again = client.post(f"/cases/drafts/{key}/open", follow_redirects=False, data={
        **FORM, "unit_brief": BRIEF, "then": "dispatch", "csrf_token": csrf})
    assert again.headers["location"] == sent.headers["location"]  # a double click: one of each
    assert _count(seeded_session, Dispatch) == 1 and _count(seeded_session, Case) == 1


def test_open_and_dispatch_without_the_units_text_opens_nothing_and_says_so(client,
                                                                             seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    refused = client.post(f"/cases/drafts/{key}/open", data={
        **FORM, "unit_brief": "  ", "then": "dispatch", "csrf_token": csrf})
    assert refused.status_code == 422
    assert "เขียนข้อความถึงหน่วยก่อนส่ง" in refused.text
    assert 'id="sec-referral" open' in refused.text  # the field to fix is in sight
    assert _count(seeded_session, Case) == 0
    # The other button still opens the case without a dispatch.
    opened = client.post(f"/cases/drafts/{key}/open", follow_redirects=False,
                         data={**FORM, "csrf_token": csrf})
    assert opened.status_code == 303 and _count(seeded_session, Dispatch) == 0


def test_open_and_dispatch_without_a_province_names_the_province(client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    client.cookies.set("lang", "en")
    refused = client.post(f"/cases/drafts/{key}/open", data={
        **FORM, "province_code": "", "unit_brief": BRIEF, "then": "dispatch",
        "csrf_token": csrf})
    assert refused.status_code == 422
    assert "Choose a province with a rapid-response unit" in refused.text
    assert _count(seeded_session, Case) == 0


def test_the_intake_opens_the_sections_a_violence_call_needs(client, seeded_session):
    violence = add_call(seeded_session)
    welfare = add_call(seeded_session, uniqueid="1700000000.2", issue_area="welfare")
    signed_in(client, "agent1")
    page = client.get(f"/cases/drafts/{open_draft(client, violence.id)}").text
    assert 'id="sec-risk" open' in page and 'person-alleged_perpetrator" open' in page
    assert 'id="sec-safe" open' not in page and 'id="sec-referral" open' not in page
    for key in ("Alt+T", "Alt+V", "Alt+L", "Alt+K", "Alt+U", "Alt+W", "Alt+B", "Alt+S", "Alt+G"):
        assert f"<kbd>{key}</kbd>" in page  # every shortcut is listed on the page
    quiet = client.get(f"/cases/drafts/{open_draft(client, welfare.id)}").text
    assert 'id="sec-risk" open' not in quiet and 'person-alleged_perpetrator" open' not in quiet
