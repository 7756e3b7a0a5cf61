"""The supervisors' dispatch board over HTTP: what it shows, and the three actions that end
a dispatch nobody answers (each audited, on the timeline, published after its commit)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select
from starlette.routing import compile_path

from callcenter.db import utcnow
from callcenter.dispatch import escalation
from callcenter.dispatch import service as dispatches
from callcenter.dispatch.config import get_dispatch_settings
from callcenter.dispatch.models import Dispatch, DispatchEvent, DispatchStatus
from tests.agent_console.console_support import signed_in
from tests.agent_console.stream_start import stream_start
from tests.support.audit_trail import audited, user_id


@pytest.fixture
def published(monkeypatch) -> list[int]:
    from callcenter.dispatch.delivery import enqueue

    seen: list[int] = []
    monkeypatch.setattr(enqueue, "after_commit",
                        lambda redis, dispatch_id, **kw: seen.append(dispatch_id))
    return seen


def status_of(db, dispatch_id: int) -> DispatchStatus:
    db.expire_all()
    return db.get(Dispatch, dispatch_id).status


def act(client, dispatch_id, action, csrf, **fields):
    return client.post(f"/dispatches/{dispatch_id}/{action}",
                       data={"csrf_token": csrf, "province": "TH-50", **fields},
                       follow_redirects=False)


def test_the_board_shows_labels_steps_and_buddhist_era_times_with_the_filter_kept(
        client, seeded_session, dispatched):
    d = seeded_session.get(Dispatch, dispatched["dispatch"])
    d.alerted_at = d.created_at + timedelta(seconds=75)
    seeded_session.flush()
    signed_in(client, "supervisor")
    page = client.get("/dispatches?province=TH-50").text
    row = re.search(rf'<tr data-dispatch="{d.id}".*?</tr>', page, re.S).group(0)
    assert "ส่งแล้ว รอแจ้งเตือน" in row  # the status in Thai, not "created"
    assert "ด่วน" in row  # the urgency in Thai, not "high"
    assert re.search(r"25[6-9]\d", row)  # Buddhist-era year
    assert "+1:15" in row  # 75 s from sending to the alert
    assert f'href="/dispatches/{d.id}?province=TH-50"' in row
    assert 'hx-get="/dispatches?province=TH-50"' in page
    english = client.get("/dispatches?province=TH-50&lang=en").text
    # English pages count years as English readers do: Gregorian, no era suffix.
    assert "Sent, alert pending" in english and " BE" not in english
    assert re.search(r"\b20[2-9]\d\b", english)


def test_an_overdue_acknowledgement_is_highlighted_and_an_alarm_marked(
        client, seeded_session, dispatched):
    d = seeded_session.get(Dispatch, dispatched["dispatch"])
    d.created_at -= timedelta(hours=2)
    settings = get_dispatch_settings()
    escalation.step(seeded_session, d, now=utcnow(), settings=settings,
                    reason="no acknowledgement within 10 min")
    seeded_session.flush()
    signed_in(client, "supervisor")
    page = client.get("/dispatches?lang=en").text
    assert f'data-dispatch="{d.id}" class="overdue"' in page
    row = re.search(rf'<tr data-dispatch="{d.id}".*?</tr>', page, re.S).group(0)
    assert 'data-alarm="1"' in row and "Escalated, nobody has answered" in row


def test_todays_declined_dispatch_is_listed_with_its_reason(client, seeded_session,
                                                           dispatched):
    d = seeded_session.get(Dispatch, dispatched["dispatch"])
    dispatches.decline(seeded_session, d.id, unit_id=d.unit_id, actor_id=None,
                       reason="ทีมติดเหตุอื่นที่อำเภอฝาง")
    seeded_session.flush()
    signed_in(client, "supervisor")
    page = client.get("/dispatches").text
    assert f'data-dispatch="{d.id}"' not in page  # not open any more
    closed = re.search(rf'<tr data-closed="{d.id}".*?</tr>', page, re.S).group(0)
    assert "ทีมติดเหตุอื่นที่อำเภอฝาง" in closed and "หน่วยปฏิเสธ" in closed


def test_a_supervisor_acknowledges_for_the_unit_with_a_note(
        client, seeded_session, dispatched, published):
    d = dispatched["dispatch"]
    csrf = signed_in(client, "supervisor")
    refused = act(client, d, "acknowledge", csrf, note=" ")
    assert refused.status_code == 400 and 'id="dispatch-error"' in refused.text
    assert status_of(seeded_session, d) is DispatchStatus.CREATED
    answer = act(client, d, "acknowledge", csrf, note="หัวหน้าหน่วยโทรแจ้งสายด่วน 1300")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/dispatches/{d}?province=TH-50"
    assert status_of(seeded_session, d) is DispatchStatus.ACKNOWLEDGED
    assert published == [d]
    page = client.get(answer.headers["location"]).text
    assert "หัวหน้าหน่วยโทรแจ้งสายด่วน 1300" in page  # on the timeline
    audited(seeded_session, "dispatch.acknowledged",
            actor_id=user_id(seeded_session, "supervisor"), entity_type="dispatch", entity_id=d)


def test_a_supervisor_resends_then_cancels_with_a_reason(
        client, seeded_session, dispatched, published):
    d = dispatched["dispatch"]
    csrf = signed_in(client, "supervisor")
    assert act(client, d, "resend", csrf, note="โทรไม่ติด").status_code == 303
    assert act(client, d, "cancel", csrf, reason="").status_code == 400
    assert act(client, d, "cancel", csrf, reason="ผู้แจ้งยืนยันว่าปลอดภัยแล้ว").status_code == 303
    assert status_of(seeded_session, d) is DispatchStatus.CANCELLED
    late = act(client, d, "resend", csrf)
    assert late.status_code == 409 and 'id="dispatch-error"' in late.text
    assert published == [d, d]
    notes = seeded_session.scalars(select(DispatchEvent.note).where(
        DispatchEvent.dispatch_id == d).order_by(DispatchEvent.id)).all()
    assert any("re-sent" in (n or "") for n in notes)
    assert notes[-1] == "ผู้แจ้งยืนยันว่าปลอดภัยแล้ว"
    page = client.get(f"/dispatches/{d}").text
    assert 'id="do-cancel"' not in page and "ยกเลิกโดยหัวหน้าเวร" in page


@pytest.mark.parametrize("login", ["agent1", "unit.th50"])
def test_only_supervisors_see_and_act_on_the_board(client, seeded_session, dispatched, login):
    d = dispatched["dispatch"]
    csrf = signed_in(client, login)
    assert client.get(f"/dispatches/{d}").status_code == 403
    for action in ("acknowledge", "resend", "cancel"):
        assert act(client, d, action, csrf, note="x", reason="x").status_code == 403
    assert status_of(seeded_session, d) is DispatchStatus.CREATED


def test_a_supervisor_action_needs_the_csrf_token(client, seeded_session, dispatched):
    signed_in(client, "supervisor")
    answer = client.post(f"/dispatches/{dispatched['dispatch']}/cancel",
                         data={"reason": "x"}, follow_redirects=False)
    assert answer.status_code == 403
    assert status_of(seeded_session, dispatched["dispatch"]) is DispatchStatus.CREATED


def test_the_boards_live_stream_is_served_to_a_supervisor(client):
    # /dispatches/{id} was declared first and took "stream" for an id: the board never
    # heard of a change.
    signed_in(client, "supervisor")
    status, headers = stream_start(client, "/dispatches/stream")
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")


def test_no_static_path_is_shadowed_by_an_earlier_parametrised_one(app):
    # Routes are tried in order: a static path must be reached before any path whose
    # parameter would take its last part ("stream", "new", "unit") for an id.
    routes = [c for c in iter_route_contexts(app.routes) if c.methods and c.path]
    shadowed = []
    for position, route in enumerate(routes):
        if "{" in route.path:
            continue
        for earlier in routes[:position]:
            if (route.methods & earlier.methods - {"HEAD"}
                    and compile_path(earlier.path)[0].match(route.path)):
                shadowed.append(f"{route.path} is taken by {earlier.path}")
                break
    assert shadowed == []
