"""Web reports as the console pages show them: the queue's rows and a case's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agent_console.access import AUDIT_ROLES
from agent_console.deps import Viewer
from callcenter.agents import service as users
from callcenter.cases.models import Case
from callcenter.intake import app_keys, public_reports, web_queue
from callcenter.provinces import catalog, places


def actor(viewer: Viewer) -> web_queue.Actor:
    return web_queue.Actor(id=viewer.id, boss=viewer.role in AUDIT_ROLES)


def names(db: Session, user_ids: set[int | None]) -> dict[int, str]:
    """Display names of the staff named on reports (who took them)."""
    ids = {i for i in user_ids if i is not None}
    return {i: user.display_name for i, user in users.by_ids(db, ids).items()}


def app_names(db: Session, reports) -> dict[int, str]:
    """The partner applications that sent these reports, by key id (the source shown)."""
    return app_keys.names(db, {r.app_key_id for r in reports})


def place(report, lang: str) -> str:
    district = places.district(report.district_code)
    parts = [district.name(lang) if district else None,
             catalog.name_of(report.province_code, lang) if report.province_code else None]
    return " · ".join(p for p in parts if p) or "–"


def timeline(db: Session, case: Case) -> list[dict[str, Any]]:
    """The reports the case came from or was attached to, and what their senders added."""
    reports = web_queue.of_case(db, case.id)
    added = public_reports.additions(db, [r.id for r in reports])
    entries: list[dict[str, Any]] = []
    for report in reports:
        entries.append({"at": report.created_at, "kind": "web_report", "item": report})
        for addition in added[report.id]:
            entries.append({"at": addition.created_at, "kind": "web_addition",
                            "item": addition, "report": report})
    return entries
