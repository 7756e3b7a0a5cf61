"""Merging a duplicate on the case pages and the API, undoing it as an admin: the
duplicate's work shows on the case that carries on, its number still finds it, and every
refusal is said in the page's language with nothing changed."""

from sqlalchemy import select

from callcenter.cases import service
from callcenter.cases.models import Case, CaseNote, CaseStatus, ClosureOutcome
from callcenter.cases.work_models import CaseMerge
from tests.agent_console.console_support import signed_in
from tests.support.audit_trail import audited, user_id


def two_cases(db):
    """A (the case that carries on) and B (its duplicate, with a note), agent1's."""
    agent = user_id(db, "agent1")
    a, b = (service.open_case(db, created_by_id=agent, province_code="TH-50") for _ in range(2))
    for case in (a, b):
        service.change_status(db, case, to=CaseStatus.SCREENING, actor_id=agent)
    service.add_note(db, b, body="ผู้แจ้งโทรมาอีกครั้งจากเบอร์ใหม่", actor_id=agent)
    db.flush()
    return a, b


def test_a_supervisor_previews_and_merges_a_duplicate_and_its_note_shows_on_the_target(
        client, seeded_session):
    a, b = two_cases(seeded_session)
    csrf = signed_in(client, "supervisor")
    assert 'id="merge-link"' in client.get(f"/cases/{a.id}").text
    preview = client.get(f"/cases/{a.id}/merge", params={"number": b.number})
    assert preview.status_code == 200
    assert 'data-table="case_notes"><td>บันทึก</td><td>1</td>' in preview.text
    merged = client.post(f"/cases/{a.id}/merge", follow_redirects=False, data={
        "source_case_id": b.id, "reason": "ผู้แจ้งคนเดิม เรื่องเดียวกัน", "number": b.number,
        "csrf_token": csrf})
    assert merged.status_code == 303 and merged.headers["location"] == f"/cases/{a.id}"

    target_page = client.get(f"/cases/{a.id}").text
    assert "ผู้แจ้งโทรมาอีกครั้งจากเบอร์ใหม่" in target_page
    assert "รวมมาจากเคส" in target_page and f'href="/cases/{b.id}"' in target_page
    source_page = client.get(f"/cases/{b.id}").text
    assert 'id="merged-into"' in source_page and f'href="/cases/{a.id}"' in source_page
    assert 'id="merge-link"' not in source_page  # closed: nothing is merged into it
    found = client.post("/cases", data={"number": b.number, "csrf_token": csrf}).text
    assert f'href="/cases/{a.id}"' in found and f"รวมมาจากเคส {b.number}" in found
    seeded_session.expire_all()
    assert seeded_session.get(Case, b.id).closure_outcome is ClosureOutcome.DUPLICATE
    audited(seeded_session, "case.merged", actor_id=user_id(seeded_session, "supervisor"),
            entity_type="case", entity_id=a.id)


def test_merging_a_case_into_itself_or_into_a_closed_case_is_refused_in_thai_and_english(
        client, seeded_session):
    a, b = two_cases(seeded_session)
    service.change_status(seeded_session, a, to=CaseStatus.CLOSED, actor_id=a.created_by_id,
                          outcome=ClosureOutcome.RESOLVED)
    seeded_session.flush()
    csrf = signed_in(client, "supervisor")
    itself = client.post(f"/cases/{b.id}/merge", data={
        "source_case_id": b.id, "reason": "ซ้ำ", "number": b.number, "csrf_token": csrf})
    assert itself.status_code == 422 and "รวมเคสเข้ากับตัวเองไม่ได้" in itself.text
    client.cookies.set("lang", "en")
    closed = client.post(f"/cases/{a.id}/merge", data={
        "source_case_id": b.id, "reason": "same", "number": b.number, "csrf_token": csrf})
    assert closed.status_code == 409
    assert "a duplicate is merged only into an open case" in closed.text
    no_reason = client.get(f"/cases/{a.id}/merge", params={"number": "1300-2500-999999"})
    assert no_reason.status_code == 404 and "No case has this number" in no_reason.text
    assert seeded_session.scalars(select(CaseMerge)).all() == []
    assert len(seeded_session.scalars(select(CaseNote).where(CaseNote.case_id == b.id)).all()) == 1


def test_an_agent_may_not_merge(client, seeded_session):
    a, b = two_cases(seeded_session)
    csrf = signed_in(client, "agent1")
    assert client.get(f"/cases/{a.id}/merge").status_code == 403
    assert client.post(f"/api/cases/{a.id}/merge", headers={"X-CSRF-Token": csrf}, json={
        "source_case_id": b.id, "reason": "ซ้ำ"}).status_code == 403
    assert 'id="merge-link"' not in client.get(f"/cases/{a.id}").text


def test_the_api_merges_by_number_lists_the_merges_and_an_admin_undoes_once(
        client, seeded_session):
    a, b = two_cases(seeded_session)
    h = {"X-CSRF-Token": signed_in(client, "supervisor")}
    preview = client.get(f"/api/cases/{a.id}/merge-preview", params={"number": b.number})
    assert preview.json()["moves"]["case_notes"] == 1
    merged = client.post(f"/api/cases/{a.id}/merge", headers=h,
                         json={"source_number": b.number, "reason": "ซ้ำ"})
    assert merged.status_code == 201, merged.text
    body = merged.json()
    assert (body["source_case_id"], body["target_number"], body["can_undo"]) == (
        b.id, a.number, True)
    again = client.post(f"/api/cases/{a.id}/merge", headers=h,
                        json={"source_case_id": b.id, "reason": "ซ้ำ"})
    assert again.status_code == 409 and again.json()["field"] == "merged_into"
    assert [m["id"] for m in client.get(f"/api/cases/{b.id}/merges").json()] == [body["id"]]
    assert client.post(f"/api/case-merges/{body['id']}/undo", headers=h,
                       json={"reason": "ผิด"}).status_code == 403
    client.post("/logout", headers=h)
    client.cookies.clear()

    h = {"X-CSRF-Token": signed_in(client, "admin")}
    assert [m["id"] for m in client.get("/api/case-merges").json()] == [body["id"]]
    blank = client.post(f"/api/case-merges/{body['id']}/undo", headers=h, json={"reason": ""})
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    undone = client.post(f"/api/case-merges/{body['id']}/undo", headers=h,
                         json={"reason": "คนละเรื่อง"})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    twice = client.post(f"/api/case-merges/{body['id']}/undo", headers=h,
                        json={"reason": "คนละเรื่อง"})
    assert twice.status_code == 409 and twice.json()["field"] == "undone_at"
    seeded_session.expire_all()
    assert seeded_session.get(Case, b.id).status is CaseStatus.SCREENING


def test_an_admin_undoes_on_the_merges_page_and_a_merged_case_is_not_reopened(
        client, seeded_session):
    from callcenter.cases import merging

    a, b = two_cases(seeded_session)
    merge = merging.merge(seeded_session, source_id=b.id, target_id=a.id, reason="ซ้ำ",
                          actor_id=user_id(seeded_session, "supervisor"), role="supervisor")
    csrf = signed_in(client, "admin")
    reopened = client.post(f"/cases/{b.id}/status", data={
        "status": "follow_up", "reason": "เปิดใหม่", "csrf_token": csrf})
    assert reopened.status_code == 409 and "ผู้ดูแลระบบต้องยกเลิกการรวมก่อน" in reopened.text
    page = client.get("/admin/merges").text
    assert f'action="/admin/merges/{merge.id}/undo"' in page and b.number in page
    assert "/admin/merges" in client.get("/admin").text
    refused = client.post(f"/admin/merges/{merge.id}/undo", data={"reason": " ",
                                                                 "csrf_token": csrf})
    assert refused.status_code == 422 and 'id="merge-problem"' in refused.text
    undone = client.post(f"/admin/merges/{merge.id}/undo", follow_redirects=False,
                         data={"reason": "คนละเรื่อง", "csrf_token": csrf})
    assert undone.status_code == 303 and undone.headers["location"] == f"/cases/{b.id}"
    page = client.get(f"/cases/{b.id}").text
    assert "ผู้แจ้งโทรมาอีกครั้งจากเบอร์ใหม่" in page and "ยกเลิกการรวมเคส" in page
    audited(seeded_session, "case.merge_undone", actor_id=user_id(seeded_session, "admin"),
            entity_type="case", entity_id=b.id)
