"""Find cases by number, phone, name, status, province or channel, a page at a time.

A duplicate merged into another case keeps its number: searching it finds the duplicate
(closed, "merged into …") and the case that carries on ("merged from …").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from callcenter.calls.models import Call
from callcenter.cases.models import Case, CaseCall, CasePerson, CaseStatus, Channel
from callcenter.cases.work_models import CaseMerge

MAX_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class Query:
    number: str | None = None
    phone: str | None = None
    name: str | None = None
    status: CaseStatus | None = None
    province_code: str | None = None
    channel: Channel | None = None
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Case]
    page: int
    per_page: int
    total: int


def phone_tail(number: str) -> str | None:
    """The last nine digits: 081-234-5678, 0812345678 and +66812345678 all match."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-9:] if len(digits) >= 6 else None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(session: Session, query: Query) -> Page:
    stmt = select(Case)
    if query.number:
        pattern = _like(query.number.strip())
        stmt = stmt.where(or_(Case.number.like(pattern, escape="\\"),
                              Case.id.in_(_merged_from_numbers(pattern))))
    if query.status:
        stmt = stmt.where(Case.status == query.status)
    if query.province_code:
        stmt = stmt.where(Case.province_code == query.province_code)
    if query.channel:
        stmt = stmt.where(Case.channel == query.channel)
    if query.name:
        pattern = _like(query.name.strip().lower())
        stmt = stmt.where(Case.id.in_(
            select(CasePerson.case_id).where(or_(
                func.lower(CasePerson.full_name).like(pattern, escape="\\"),
                func.lower(CasePerson.nickname).like(pattern, escape="\\"),
            ))))
    if query.phone:
        stmt = stmt.where(Case.id.in_(ids_for_number(query.phone)))
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(session.scalars(
        stmt.order_by(Case.id.desc()).limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def _merged_from_numbers(pattern: str):
    """The cases that duplicates whose number matches were merged into (merges standing)."""
    source = aliased(Case)
    return (select(CaseMerge.target_case_id)
            .join(source, source.id == CaseMerge.source_case_id)
            .where(source.number.like(pattern, escape="\\"), CaseMerge.undone_at.is_(None)))


@dataclass(frozen=True, slots=True)
class MergeNote:
    """What a result says of merges: the case it went into, the duplicates it took in."""

    into: str | None = None
    merged_from: list[str] = field(default_factory=list)


def merge_notes(session: Session, case_ids: list[int]) -> dict[int, MergeNote]:
    """The standing merges of these cases, by number, for the results' notes."""
    if not case_ids:
        return {}
    source, target = aliased(Case), aliased(Case)
    into: dict[int, str] = {}
    taken_in: dict[int, list[str]] = {}
    for row in session.execute(
            select(CaseMerge.source_case_id, CaseMerge.target_case_id, source.number,
                   target.number)
            .join(source, source.id == CaseMerge.source_case_id)
            .join(target, target.id == CaseMerge.target_case_id)
            .where(CaseMerge.undone_at.is_(None),
                   or_(CaseMerge.source_case_id.in_(case_ids),
                       CaseMerge.target_case_id.in_(case_ids)))
            .order_by(CaseMerge.id)):
        into[row[0]] = row[3]
        taken_in.setdefault(row[1], []).append(row[2])
    return {i: MergeNote(into=into.get(i), merged_from=taken_in.get(i, []))
            for i in case_ids if i in into or i in taken_in}


def ids_for_number(number: str):
    """A subquery of the cases whose persons or calls carry this phone number."""
    tail = phone_tail(number)
    if tail is None:
        return select(Case.id).where(False)
    pattern = f"%{tail}"
    return select(CasePerson.case_id).where(CasePerson.phone.like(pattern)).union(
        select(CaseCall.case_id).join(Call, Call.id == CaseCall.call_id)
        .where(Call.caller_number.like(pattern)))


def for_number(session: Session, number: str | None, *, limit: int = 10) -> list[Case]:
    """The earlier cases of a caller's number, newest first (for the screen-pop)."""
    if not number or phone_tail(number) is None:
        return []
    return list(session.scalars(
        select(Case).where(Case.id.in_(ids_for_number(number)))
        .order_by(Case.id.desc()).limit(limit)))
