"""Sensitive admin actions want a TOTP code passed within the last few minutes."""

from datetime import timedelta

from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent_console.admin_access import TOTP_HEADER, fresh_second_factor, needs_fresh_code
from agent_console.deps import Viewer
from callcenter.agents import step_up
from callcenter.agents.models import ConsoleSession, User
from callcenter.audit import AuditEvent
from tests.agent_console import second_factor
from tests.agent_console.conftest import csrf_from, sign_in


def _with_sensitive_route(app):
    def sensitive(viewer: Viewer = Depends(fresh_second_factor)) -> dict:
        return {"done": viewer.login}

    app.add_api_route("/api/admin/_sensitive", sensitive, methods=["POST"])
    return app


def _age_sessions(db, login: str, by: timedelta) -> None:
    user = db.scalar(select(User).where(User.login == login))
    for row in db.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user.id)):
        row.fresh_factor_at = row.fresh_factor_at - by
    db.flush()


def test_the_sign_in_code_counts_as_fresh_then_a_new_code_is_needed(app, seeded_session):
    _with_sensitive_route(app)
    with TestClient(app) as client:
        sign_in(client, "admin")
        token = csrf_from(client.get("/admin").text)
        headers = {"X-CSRF-Token": token}
        assert client.post("/api/admin/_sensitive", headers=headers).json() == {"done": "admin"}

        _age_sessions(seeded_session, "admin", step_up.FRESH_FOR)
        refused = client.post("/api/admin/_sensitive", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["error"] == "fresh_second_factor"
        assert refused.json()["field"] == "totp_code"

        code = second_factor.code_for("admin")
        again = client.post("/api/admin/_sensitive", headers={**headers, TOTP_HEADER: code})
        assert again.status_code == 200
        # The window started again: no code needed for the next action.
        assert client.post("/api/admin/_sensitive", headers=headers).status_code == 200


def test_a_wrong_code_is_refused_and_counted_toward_the_lockout(app, seeded_session):
    _with_sensitive_route(app)
    with TestClient(app) as client:
        sign_in(client, "admin")
        token = csrf_from(client.get("/admin").text)
        _age_sessions(seeded_session, "admin", step_up.FRESH_FOR)
        refused = client.post("/api/admin/_sensitive",
                              headers={"X-CSRF-Token": token, TOTP_HEADER: "000000"})
        assert refused.status_code == 403
        admin = seeded_session.scalar(select(User).where(User.login == "admin"))
        seeded_session.refresh(admin)
        # The refusal rolled nothing back: the failure and its audit event are kept.
        assert admin.failed_codes == 1
        failed = seeded_session.scalars(select(AuditEvent).where(
            AuditEvent.action == "auth.step_up_failed")).all()
        assert [e.actor_id for e in failed] == [admin.id]


def test_pages_ask_for_the_code_a_little_before_the_window_closes():
    from callcenter.agents.models import Role
    from callcenter.db import utcnow

    def viewer(age):
        return Viewer(id=1, login="a", display_name="a", role=Role.ADMIN, unit_id=None,
                      phone_interface=None, languages=("th",), csrf_token="t",
                      session_key="k",
                      fresh_factor_at=None if age is None else utcnow() - age)

    assert needs_fresh_code(viewer(None))
    assert not needs_fresh_code(viewer(timedelta(seconds=10)))
    assert needs_fresh_code(viewer(step_up.FRESH_FOR - timedelta(seconds=30)))


def test_the_admin_area_lists_its_parts_in_both_languages(admin_client):
    thai = admin_client.get("/admin")
    assert thai.status_code == 200 and "บุคลากร" in thai.text
    assert 'href="/admin/people"' in thai.text
    english = admin_client.get("/admin?lang=en")
    assert "People" in english.text and "Pick lists" in english.text


def test_a_stale_edit_answers_409_naming_what_changed(app, seeded_session):
    from callcenter.errors import StaleEdit

    def edit() -> dict:
        raise StaleEdit(changed={"display_name": "สมหญิง ใจดี"})

    app.add_api_route("/api/admin/_stale", edit, methods=["GET"])
    app.add_api_route("/admin/_stale", edit, methods=["GET"])
    with TestClient(app) as client:
        sign_in(client, "admin")
        answer = client.get("/api/admin/_stale")
        assert answer.status_code == 409
        assert answer.json()["error"] == "stale_edit"
        assert answer.json()["changed"] == {"display_name": "สมหญิง ใจดี"}
        page = client.get("/admin/_stale?lang=en")
        # The field by its name in the page's language (the People catalogue names it).
        assert page.status_code == 409 and "(changed: name)" in page.text
