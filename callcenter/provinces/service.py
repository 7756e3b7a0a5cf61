"""Reading provinces and their rapid-response units, for pages and forms."""

from __future__ import annotations

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from callcenter.provinces.models import Province, ResponseUnit


def by_thai_name(session: Session) -> list[Province]:
    """Every province, in the order of the forms' province list."""
    return list(session.scalars(select(Province).order_by(Province.name_th)))


def get(session: Session, code: str | None) -> Province | None:
    return session.get(Province, code) if code else None


def unit_of(session: Session, province_code: str | None) -> ResponseUnit | None:
    """The province's active rapid-response unit (the first, if it has several)."""
    if not province_code:
        return None
    return session.scalars(select(ResponseUnit).where(
        ResponseUnit.province_code == province_code, ResponseUnit.active.is_(True))
        .order_by(ResponseUnit.id)).first()


def name_rows(session: Session) -> list[Row[tuple[str, str, str]]]:
    """Every province's code, Thai and English name, by code (the boards' filter)."""
    return list(session.execute(select(Province.code, Province.name_th, Province.name_en)
                                .order_by(Province.code)).all())


def names(session: Session, codes: set[str], lang: str) -> dict[str, str]:
    """These provinces' names in the page's language (English unless Thai), by code."""
    if not codes:
        return {}
    rows = session.execute(select(Province.code, Province.name_th, Province.name_en)
                           .where(Province.code.in_(codes))).all()
    return {code: th if lang == "th" else en for code, th, en in rows}
