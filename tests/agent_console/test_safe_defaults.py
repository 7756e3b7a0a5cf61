"""The intake form and the case page start from nothing that acts on its own: urgency and
consent are chosen by the agent, the status list keeps the status, and the caller's number
is the reporter's phone."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from callcenter.cases.models import Case
from tests.agent_console.console_support import add_call, signed_in
from tests.agent_console.test_case_pages import FORM, open_draft


def selected(page: str, name: str) -> list[str]:
    block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', block)


def test_urgency_and_consent_start_unset_and_must_be_chosen(client, seeded_session):
    call = add_call(seeded_session, number="0899990000")  # an ordinary call: priority 0
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    page = client.get(f"/cases/drafts/{key}").text
    assert selected(page, "urgency") == [] and selected(page, "consent") == []
    assert '<option value="">—</option>' in page.split('name="urgency"')[1].split("</select>")[0]
    # The caller's number is prefilled as the reporter's phone.
    assert 'name="persons.1.phone" inputmode="tel" maxlength="40" value="0899990000"' in page
    unchosen = {**FORM, "urgency": "", "consent": "", "csrf_token": csrf}
    refused = client.post(f"/cases/drafts/{key}/open", data=unchosen)
    assert refused.status_code == 422
    assert refused.text.count('class="field-error"') >= 2 and "จำเป็น" in refused.text
    assert seeded_session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_status_list_keeps_the_status_unless_one_is_chosen(client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    case_url = client.post(f"/cases/drafts/{key}/open", data={**FORM, "csrf_token": csrf},
                           follow_redirects=False).headers["location"]
    page = client.get(case_url).text
    assert selected(page, "status") == [""]
    client.post(f"{case_url}/status", data={"status": "", "csrf_token": csrf})
    case = seeded_session.scalars(select(Case)).one()
    seeded_session.refresh(case)
    assert case.status.value == "screening"
