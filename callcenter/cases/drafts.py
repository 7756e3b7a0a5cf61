"""Intake drafts: the form as typed so far, kept in the database while the call lasts.

One draft per agent and call (a partial unique index), so a reload or a second tab
finds the same draft; its key is the intake key of the case it opens, so the case is
opened once whatever happens. A draft holds a survivor's data only as long as needed:
national IDs are sealed in it and never sent back to a page or the API once entered
(only their last four digits; left blank, a save keeps the sealed one), its data is
cleared when its case opens, and drafts abandoned for a day after their call ended are
deleted (``purge``, run by the worker).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter import audit, sealing
from callcenter.calls.models import Call
from callcenter.cases.models import CaseDraft, PersonRole
from callcenter.cases.schemas import RISK_QUESTIONS, CaseIn
from callcenter.errors import Conflict, NotFound
from callcenter.thaidate import typed_year_as_gregorian

# The intake form has one row per role; later persons are added on the case file.
PERSON_ROLES = (PersonRole.VICTIM, PersonRole.REPORTER, PersonRole.ALLEGED_PERPETRATOR)
VICTIM_INDEX = PERSON_ROLES.index(PersonRole.VICTIM)
PERSON_FIELDS = ("full_name", "nickname", "gender", "age_years", "birth_year", "phone",
                 "national_id", "language", "nationality", "relationship_to_victim",
                 "school_or_care", "address")
PERSON_FLAGS = ("needs_interpreter", "has_disability", "reporter_is_victim")
FLAGS = ("do_not_call_back", "withhold_caller_id")
CASE_TEXT = ("issue_area", "chi_category", "gbv_type", "target_group", "province_code",
             "district", "district_code", "subdistrict_code", "latitude", "longitude",
             "urgency", "consent", "legal_basis", "summary", "call_window",
             # The walk-in form's (a hidden channel, the centre, the place in words).
             "channel", "walk_in_agency_id", "walk_in_place")
CHECKED = ("on", "true", "1")
# Kept sealed in the draft: neither the database nor a page holds it in clear again.
SEALED_SUFFIX = ".national_id"
SEAL_PURPOSE = "draft"
# Ticked beside an entered ID ("…7030") with the field left empty: remove the ID.
CLEAR_SUFFIX = ".national_id_clear"
# Which tab saved last (a random id the page keeps per tab); not a form field.
TAB_FIELD = "_tab"
# Abandoned drafts (their call ended, nobody typed since) are deleted after this.
KEEP_ABANDONED = timedelta(hours=24)


class DraftConflict(Conflict):
    """The draft was saved from another tab since this one loaded it."""

    code = "draft_conflict"


def new_key() -> str:
    return secrets.token_urlsafe(24)


def prefill(call: Call | None) -> dict[str, str]:
    """The intake form as the IVR left it: issue area and urgency from the call."""
    if call is None:
        return {}
    data = {}
    if call.issue_area:
        data["issue_area"] = call.issue_area
    if call.silent or (call.priority or 0) >= 10:
        data["urgency"] = "immediate"
    if call.caller_number:
        # The caller is the reporter until the agent hears otherwise.
        data["persons.1.phone"] = call.caller_number
    if call.ivr_language and call.ivr_language != "th":
        data["persons.1.language"] = call.ivr_language
    return data


def open_for(
    session: Session, *, user_id: int, call_id: int | None, prefill: dict[str, str]
) -> CaseDraft:
    """The agent's draft for this call, created pre-filled on first use.

    One statement the first time (the insert returns the new row). A draft there
    already (a reload, a second tab, two tabs racing) makes the insert do nothing on
    the (user, call) unique index, and the row is read.
    """
    if call_id is None:
        draft = CaseDraft(key=new_key(), user_id=user_id, call_id=None, data=dict(prefill))
        session.add(draft)
        session.flush()
        return draft
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    created = session.scalars(
        insert(CaseDraft)
        .values(key=new_key(), user_id=user_id, call_id=call_id, data=dict(prefill), version=1)
        .on_conflict_do_nothing(index_elements=["user_id", "call_id"],
                                index_where=CaseDraft.call_id.is_not(None))
        .returning(CaseDraft)
    ).first()
    if created is not None:
        return created
    draft = _for_call(session, user_id, call_id)
    assert draft is not None  # inserted by the other tab
    return draft


def _for_call(session: Session, user_id: int, call_id: int) -> CaseDraft | None:
    return session.scalars(select(CaseDraft).where(
        CaseDraft.user_id == user_id, CaseDraft.call_id == call_id)).first()


def get(session: Session, key: str, *, user_id: int) -> CaseDraft:
    draft = session.scalars(select(CaseDraft).where(CaseDraft.key == key)).first()
    # Someone else's draft is as good as missing: a draft may hold a victim's name.
    if draft is None or draft.user_id != user_id:
        raise NotFound("draft not found")
    return draft


def record_view(session: Session, draft: CaseDraft, *, actor_id: int,
                source_ip: str | None = None) -> None:
    """A draft holds what a case holds: reading it is audited like reading a case."""
    audit.record(session, actor_id=actor_id, action="draft.view", entity_type="case_draft",
                 entity_id=draft.id, source_ip=source_ip)


def save(session: Session, draft: CaseDraft, data: dict[str, str], *, key: str,
         version: int | None = None, tab: str | None = None) -> CaseDraft:
    """Replace what the form holds; an opened draft keeps nothing.

    With ``version`` (what the tab loaded), a draft saved since by another tab is not
    overwritten: ``DraftConflict``. The same tab (``tab``, its own random id) never
    conflicts with itself: its save on leaving a page may land after the reload.
    The new version is ``draft.version``.
    """
    if draft.case_id is not None:
        return draft
    last_tab = (draft.data or {}).get(TAB_FIELD)
    if version is not None and version != draft.version and (tab is None or tab != last_tab):
        raise DraftConflict("this draft was changed in another tab", field="version")
    before = draft.data or {}
    draft.data = {name: _sealed(name, value, key=key) for name, value in data.items()
                  if name != TAB_FIELD}
    for name, value in before.items():
        # The form shows an entered ID as "…7030" beside an empty field: an empty field
        # (or none) keeps the ID, a typed one replaces it.
        if name.endswith(SEALED_SUFFIX) and not str(draft.data.get(name, "")).strip():
            removed = data.get(name.removesuffix(SEALED_SUFFIX) + CLEAR_SUFFIX) in CHECKED
            if not removed:
                draft.data[name] = value
    if tab:
        draft.data[TAB_FIELD] = tab
    draft.version += 1
    return draft


def _sealed(name: str, value: str, *, key: str) -> str:
    if name.endswith(SEALED_SUFFIX) and value.strip():
        return sealing.seal(value, key=key, purpose=SEAL_PURPOSE)
    return value


def form_data(draft: CaseDraft) -> dict[str, str]:
    """The draft's fields as the form and the API show them: never a national ID
    (``ids_entered`` says which were entered)."""
    return {name: str(value) for name, value in (draft.data or {}).items()
            if name != TAB_FIELD and not name.endswith(SEALED_SUFFIX)}


def ids_entered(draft: CaseDraft, *, key: str) -> dict[str, str]:
    """The national IDs entered so far: field name to the last four digits."""
    return {name: "".join(c for c in value if c.isdigit())[-4:]
            for name, value in _opened(draft, key=key).items()
            if name.endswith(SEALED_SUFFIX) and value.strip()}


def _opened(draft: CaseDraft, *, key: str) -> dict[str, str]:
    """Every field, national IDs unsealed: for opening the case, never for display."""
    out: dict[str, str] = {}
    for name, value in (draft.data or {}).items():
        if name == TAB_FIELD:
            continue
        text = str(value)
        if name.endswith(SEALED_SUFFIX) and sealing.is_sealed(text):
            text = sealing.unseal(text, key=key, purpose=SEAL_PURPOSE) or ""
        out[name] = text
    return out


def mark_opened(draft: CaseDraft, case_id: int) -> None:
    """The case holds it all now: the draft keeps its key (the intake key), not the data."""
    draft.case_id = case_id
    draft.data = {}


def to_intake(draft: CaseDraft, *, key: str) -> dict[str, Any]:
    """The draft's flat form fields as the nested input of ``CaseIn``."""
    data = _opened(draft, key=key)
    out: dict[str, Any] = {}
    for name in CASE_TEXT:
        value = (data.get(name) or "").strip()
        if value:
            out[name] = value
    for name in FLAGS:
        out[name] = data.get(name) in CHECKED
    out["risk"] = {q: True for q in RISK_QUESTIONS if data.get(f"risk.{q}") in CHECKED}
    persons = []
    # The victim ticked as the reporter: what the reporter's block holds is not a person.
    victim_reported = data.get(f"persons.{VICTIM_INDEX}.reporter_is_victim") in CHECKED
    for index, role in enumerate(PERSON_ROLES):
        if role == PersonRole.REPORTER and victim_reported:
            continue
        person: dict[str, Any] = {}
        for name in PERSON_FIELDS:
            value = (data.get(f"persons.{index}.{name}") or "").strip()
            if name == "birth_year":
                value = typed_year_as_gregorian(value)
            if value:
                person[name] = value
        for name in PERSON_FLAGS:
            if data.get(f"persons.{index}.{name}") in CHECKED:
                person[name] = True
        if any(k != "gender" for k in person):
            persons.append({"role": role.value, **person})
    out["persons"] = persons
    out["call_id"] = draft.call_id
    out["intake_key"] = draft.key
    return out


def check(draft: CaseDraft, *, key: str) -> CaseIn:
    return CaseIn.model_validate(to_intake(draft, key=key))


def purge(session: Session, *, now: datetime) -> int:
    """Delete drafts left for a day: nobody typed in them for ``KEEP_ABANDONED`` and their
    call (if any) ended that long ago. A draft of a call still going is kept."""
    cutoff = now - KEEP_ABANDONED
    # A call whose end the bridge never saw counts as over a day after the usual wait.
    call_over = exists().where(Call.id == CaseDraft.call_id, or_(
        and_(Call.ended_at.is_not(None), Call.ended_at < cutoff),
        and_(Call.ended_at.is_(None), Call.started_at < cutoff - KEEP_ABANDONED)))
    result = session.execute(delete(CaseDraft).where(
        CaseDraft.updated_at < cutoff,
        or_(CaseDraft.call_id.is_(None), CaseDraft.case_id.is_not(None), call_over),
    ).execution_options(synchronize_session=False))
    return result.rowcount or 0
