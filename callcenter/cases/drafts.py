"""Intake drafts: the form as typed so far, kept in the database while the call lasts.

One draft per agent and call, so a reload or a second tab finds the same draft; its key
is the intake key of the case it opens, so the case is opened once whatever happens.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.cases.models import CaseDraft, PersonRole
from callcenter.cases.schemas import RISK_QUESTIONS, CaseIn
from callcenter.errors import NotFound

# The intake form has one row per role; more persons are added on the case file.
PERSON_ROLES = (PersonRole.VICTIM, PersonRole.REPORTER, PersonRole.ALLEGED_PERPETRATOR)
PERSON_FIELDS = ("full_name", "nickname", "gender", "age_years", "phone", "national_id",
                 "language", "relationship_to_victim", "address")
FLAGS = ("do_not_call_back", "withhold_caller_id")
CASE_TEXT = ("issue_area", "chi_category", "gbv_type", "target_group", "province_code",
             "district", "urgency", "consent", "legal_basis", "summary", "call_window")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def open_for(
    session: Session, *, user_id: int, call_id: int | None, prefill: dict[str, str]
) -> CaseDraft:
    """The agent's draft for this call, created pre-filled on first use."""
    if call_id is not None:
        found = session.scalars(
            select(CaseDraft).where(CaseDraft.user_id == user_id, CaseDraft.call_id == call_id)
            .order_by(CaseDraft.id)).first()
        if found is not None:
            return found
    draft = CaseDraft(key=new_key(), user_id=user_id, call_id=call_id, data=dict(prefill))
    session.add(draft)
    session.flush()
    return draft


def get(session: Session, key: str, *, user_id: int) -> CaseDraft:
    draft = session.scalars(select(CaseDraft).where(CaseDraft.key == key)).first()
    # Someone else's draft is as good as missing: a draft may hold a victim's name.
    if draft is None or draft.user_id != user_id:
        raise NotFound("draft not found")
    return draft


def save(session: Session, draft: CaseDraft, data: dict[str, str]) -> CaseDraft:
    """Replace what the form holds; an opened draft keeps what opened its case."""
    if draft.case_id is None:
        draft.data = dict(data)
    return draft


def to_intake(draft: CaseDraft) -> dict[str, Any]:
    """The draft's flat form fields as the nested input of ``CaseIn``."""
    data = draft.data
    out: dict[str, Any] = {}
    for name in CASE_TEXT:
        value = (data.get(name) or "").strip()
        if value:
            out[name] = value
    for name in FLAGS:
        out[name] = data.get(name) in ("on", "true", "1")
    out["risk"] = {q: True for q in RISK_QUESTIONS if data.get(f"risk.{q}") in ("on", "true")}
    persons = []
    for index, role in enumerate(PERSON_ROLES):
        person: dict[str, Any] = {}
        for name in PERSON_FIELDS:
            value = (data.get(f"persons.{index}.{name}") or "").strip()
            if value:
                person[name] = value
        if any(k != "gender" for k in person):
            persons.append({"role": role.value, **person})
    out["persons"] = persons
    out["call_id"] = draft.call_id
    out["intake_key"] = draft.key
    return out


def check(draft: CaseDraft) -> CaseIn:
    return CaseIn.model_validate(to_intake(draft))
