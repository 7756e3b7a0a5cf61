"""An intake draft is read like a case: each read audited, and a national ID, once
entered, never sent back (the API and the page give its last four digits only)."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.agents.models import User
from callcenter.audit import AuditEvent
from callcenter.cases.models import Case, CaseDraft, CasePerson
from tests.agent_console.console_support import add_call, signed_in
from tests.agent_console.test_case_pages import FORM, open_draft

NATIONAL_ID = "1101700207030"


def draft_views(db, draft_id: int) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "draft.view",
                                                    AuditEvent.entity_id == str(draft_id))))


def test_the_draft_api_never_sends_a_national_id_back_and_audits_each_read(
        client, seeded_session):
    headers = {"X-CSRF-Token": signed_in(client, "agent1")}
    agent = seeded_session.scalars(select(User).where(User.login == "agent1")).one()
    draft = client.post("/api/drafts", json={}, headers=headers).json()
    key = draft["key"]
    draft_id = seeded_session.scalars(select(CaseDraft.id).where(CaseDraft.key == key)).one()
    saved = client.put(f"/api/drafts/{key}", headers=headers, json={"data": {
        **FORM, "persons.0.national_id": NATIONAL_ID}})
    assert saved.status_code == 200, saved.text
    read = client.get(f"/api/drafts/{key}")
    for answer in (saved, read):
        assert NATIONAL_ID not in answer.text
        assert "persons.0.national_id" not in answer.json()["data"]
        assert answer.json()["national_ids_entered"] == {"persons.0.national_id": "7030"}
    views = draft_views(seeded_session, draft_id)
    assert len(views) == 2  # opened (POST /api/drafts) and read (GET)
    assert all(v.actor_id == agent.id and v.entity_type == "case_draft" for v in views)
    # Saved again without the ID (the form shows it empty): the case still gets it.
    client.put(f"/api/drafts/{key}", headers=headers, json={"data": {**FORM, "summary": "x"}})
    opened = client.post(f"/api/drafts/{key}/case", headers=headers)
    assert opened.status_code == 201, opened.text
    victim = seeded_session.scalars(select(CasePerson).join(Case).where(
        Case.id == opened.json()["id"], CasePerson.role == "victim")).one()
    assert victim.national_id_last4 == "7030"


def test_the_intake_page_shows_only_the_last_four_digits_and_audits_the_read(
        client, seeded_session):
    call = add_call(seeded_session)
    csrf = signed_in(client, "agent1")
    key = open_draft(client, call.id)
    form = {**FORM, "persons.0.national_id": NATIONAL_ID}
    client.post(f"/cases/drafts/{key}", data={**form, "csrf_token": csrf})
    page = client.get(f"/cases/drafts/{key}").text
    assert NATIONAL_ID not in page and "…7030" in page
    draft_id = seeded_session.scalars(select(CaseDraft.id).where(CaseDraft.key == key)).one()
    [view] = draft_views(seeded_session, draft_id)
    assert view.entity_type == "case_draft" and view.actor_id is not None
    # A refused form comes back without the ID typed in it.
    refused = client.post(f"/cases/drafts/{key}/open",
                          data={**form, "consent": "", "csrf_token": csrf})
    assert refused.status_code == 422
    assert NATIONAL_ID not in refused.text and "…7030" in refused.text
