"""Partner applications' keys through the service: issued once, digest only, revoked
never deleted, recognised by digest; reports from an app scoped to it and audited."""

import json

import pytest
from sqlalchemy import select

from callcenter.audit import AuditEvent
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.intake import app_intake, app_key_rules, app_keys
from callcenter.intake.models import AppKey, ReportSource
from callcenter.intake.schemas import PublicReportIn
from tests.intake.builders import KEY, REPORT, issued_app_key
from tests.support.audit_trail import user_id

IDEM = "idem-key-0123456789"


@pytest.fixture
def admin_id(seeded_session):
    return user_id(seeded_session, "admin")


def _events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_issued_key_is_stored_only_as_its_digest_and_prefix(seeded_session):
    done = issued_app_key(seeded_session)
    row = seeded_session.get(AppKey, done.row.id)
    assert row.digest == app_key_rules.digest(done.key, secret=KEY)
    stored = [str(getattr(row, c.key)) for c in AppKey.__table__.columns]
    assert not any(done.key in value for value in stored)
    assert done.key.startswith(f"hl1300_{row.prefix}_")
    created = _events(seeded_session, "app_key.create")[-1]
    assert done.key not in json.dumps(created.changes) and row.digest not in json.dumps(
        created.changes)


def test_a_key_is_recognised_by_its_digest_and_a_wrong_one_is_not(seeded_session):
    done = issued_app_key(seeded_session)
    assert app_keys.recognise(seeded_session, done.key, secret=KEY).id == done.row.id
    # Its last letter changed (a key may well end in "A" already).
    wrong = done.key[:-1] + ("B" if done.key.endswith("A") else "A")
    assert app_keys.recognise(seeded_session, wrong, secret=KEY) is None
    assert app_keys.recognise(seeded_session, "not a key", secret=KEY) is None
    assert app_keys.recognise(seeded_session, None, secret=KEY) is None
    assert app_keys.recognise(seeded_session, done.key, secret="other" * 10) is None


def test_a_revoked_key_is_kept_with_its_reason_and_refused(seeded_session, admin_id):
    done = issued_app_key(seeded_session)
    app_keys.revoke(seeded_session, done.row.id, reason="แอปรุ่นเก่าเลิกใช้", actor_id=admin_id,
                    source_ip=None, now=done.row.created_at)
    row = seeded_session.get(AppKey, done.row.id)
    assert row.revoked_by_id == admin_id and row.revoke_reason == "แอปรุ่นเก่าเลิกใช้"
    assert app_intake.authenticate(seeded_session, done.key, secret=KEY, source_ip=None,
                                   now=row.created_at) is None
    refused = _events(seeded_session, app_intake.REFUSED)[-1]
    assert refused.changes == {"outcome": [None, "revoked"]}
    with pytest.raises(Conflict):
        app_keys.revoke(seeded_session, done.row.id, reason="อีกครั้ง", actor_id=admin_id,
                        source_ip=None, now=row.created_at)
    with pytest.raises(NotFound):
        app_keys.revoke(seeded_session, 99999999, reason="ไม่มี", actor_id=admin_id,
                        source_ip=None, now=row.created_at)


def test_an_app_report_lands_in_the_web_queue_named_by_its_app(seeded_session):
    app = issued_app_key(seeded_session).row
    done = app_intake.submit(seeded_session, app, PublicReportIn(**REPORT),
                             idempotency_key=IDEM, secret=KEY, source_ip=None)
    assert done.report.source is ReportSource.APP and done.report.app_key_id == app.id
    assert app_keys.names(seeded_session, {app.id, None}) == {app.id: app.name}
    again = app_intake.submit(seeded_session, app, PublicReportIn(**REPORT),
                              idempotency_key=IDEM, secret=KEY, source_ip=None)
    assert again.replayed and again.code == done.code and again.report.id == done.report.id
    with pytest.raises(Conflict):
        app_intake.submit(seeded_session, app, PublicReportIn(**{**REPORT, "in_danger_now": True}),
                          idempotency_key=IDEM, secret=KEY, source_ip=None)
    with pytest.raises(InvalidInput):
        app_intake.submit(seeded_session, app, PublicReportIn(**REPORT),
                          idempotency_key="short", secret=KEY, source_ip=None)
    accepted = _events(seeded_session, app_intake.ACCEPTED)[-1]
    assert accepted.changes == {"report_id": [None, done.report.id], "replayed": [None, True]}
    assert REPORT["what_happened"] not in json.dumps(accepted.changes, ensure_ascii=False)


def test_the_same_idempotency_key_from_another_app_is_another_report(seeded_session):
    one = issued_app_key(seeded_session, name="แอปหนึ่ง").row
    two = issued_app_key(seeded_session, name="แอปสอง").row
    first = app_intake.submit(seeded_session, one, PublicReportIn(**REPORT),
                              idempotency_key=IDEM, secret=KEY, source_ip=None)
    second = app_intake.submit(seeded_session, two, PublicReportIn(**REPORT),
                               idempotency_key=IDEM, secret=KEY, source_ip=None)
    assert first.report.id != second.report.id and not second.replayed
    # And an app finds only its own reports by their codes.
    assert app_intake.report_of(seeded_session, one, first.code, secret=KEY,
                                source_ip=None).id == first.report.id
    with pytest.raises(NotFound):
        app_intake.report_of(seeded_session, two, first.code, secret=KEY, source_ip=None)
