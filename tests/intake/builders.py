"""Public reports for the tests, made through the domain's own service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from callcenter.db import utcnow
from callcenter.intake import app_keys, public_reports, web_queue
from callcenter.intake.app_key_schemas import AppKeyIn
from callcenter.intake.models import PublicReport, ReportSource
from callcenter.intake.schemas import PublicReportIn
from tests.conftest import TEST_SECRET

KEY = TEST_SECRET
REPORT = {"what_happened": "เพื่อนบ้านตีลูกทุกคืน เด็กร้องไห้เสียงดัง",
          "province_code": "TH-50", "district_code": "5001", "consent": True}


def submit(session: Session, **fields: object) -> public_reports.Submitted:
    values = {**REPORT, **fields}
    key = values.pop("idempotency_key", None)
    return public_reports.submit(session, PublicReportIn(**values), source=ReportSource.WEBSITE,
                                 key=KEY, idempotency_key=key)


def web_report_taken_by(session: Session, user_id: int) -> PublicReport:
    """A report from the website, taken from the web queue by ``user_id`` (an agent)."""
    report = submit(session).report
    return web_queue.take(session, report, web_queue.Actor(id=user_id, boss=False))


def issued_app_key(session: Session, *, per_minute: int = 30, actor_id: int | None = None,
                   name: str = "แอปทดสอบของกระทรวง") -> app_keys.Issued:
    """A partner application's key, issued as an admin would (the key in ``.key``)."""
    return app_keys.issue(session, AppKeyIn(name=name, contact="ผู้ดูแลแอป 02-000-0000",
                                            per_minute=per_minute),
                          secret=KEY, actor_id=actor_id, source_ip=None, now=utcnow())
