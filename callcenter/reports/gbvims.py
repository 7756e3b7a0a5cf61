"""The GBVIMS aggregate: incidents of gender-based violence by the six GBVIMS core types,
with their survivors by sex and age band, and by province.

An incident is a case opened in the range with a GBV type; its survivors are the victims
recorded on it. The GBVIMS data-sharing protocols hide small counts in figures that
leave the service: masking is on for these reports unless the reader turns it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, and_, func, literal, select, union_all

from callcenter.cases.models import Case, CasePerson, PersonRole
from callcenter.provinces.models import Province
from callcenter.reports import labels
from callcenter.reports.cases import CHILD_UNDER_YEARS
from callcenter.reports.filters import conditions
from callcenter.reports.spec import Column, Context, ReportSpec
from callcenter.reports.sql import instant
from callcenter.taxonomy import GbvType, Gender

_CHILD = CasePerson.age_years < CHILD_UNDER_YEARS
_ADULT = CasePerson.age_years >= CHILD_UNDER_YEARS
_NO_AGE = CasePerson.age_years.is_(None)
# (key, condition, English, Thai): the survivors' columns, sex then age band.
BANDS = (
    ("female_child", (CasePerson.gender == Gender.FEMALE) & _CHILD,
     "Female, under 18", "หญิง อายุต่ำกว่า 18 ปี"),
    ("female_adult", (CasePerson.gender == Gender.FEMALE) & _ADULT,
     "Female, 18 and over", "หญิง อายุ 18 ปีขึ้นไป"),
    ("female_age_unknown", (CasePerson.gender == Gender.FEMALE) & _NO_AGE,
     "Female, age not recorded", "หญิง ไม่ทราบอายุ"),
    ("male_child", (CasePerson.gender == Gender.MALE) & _CHILD,
     "Male, under 18", "ชาย อายุต่ำกว่า 18 ปี"),
    ("male_adult", (CasePerson.gender == Gender.MALE) & _ADULT,
     "Male, 18 and over", "ชาย อายุ 18 ปีขึ้นไป"),
    ("male_age_unknown", (CasePerson.gender == Gender.MALE) & _NO_AGE,
     "Male, age not recorded", "ชาย ไม่ทราบอายุ"),
    ("other_sex", CasePerson.gender.in_((Gender.GENDER_DIVERSE, Gender.UNKNOWN)),
     "Gender-diverse or not recorded", "เพศทางเลือกหรือไม่ระบุเพศ"),
)

DEFINITION = {
    "en": (
        "Incidents: cases opened in the range with a GBVIMS type, by type (all six shown). "
        "Survivors: the victims recorded on them, by sex and age band (under 18 a child); "
        "an incident with two survivors counts both, one without a victim recorded counts "
        "none. Counts from 1 to 4 are shown as <5 when masking is on (the default here), "
        "as the GBVIMS data-sharing protocols ask of figures shared outside the service."
    ),
    "th": (
        "เหตุการณ์: เคสที่เปิดในช่วงวันที่ที่ระบุประเภทตาม GBVIMS แยกตามประเภท (แสดงครบหกประเภท) "
        "ผู้รอดชีวิต: ผู้เสียหายที่บันทึกในเคสเหล่านั้น แยกตามเพศและช่วงอายุ (ต่ำกว่า 18 ปีเป็นเด็ก) "
        "เหตุการณ์ที่มีผู้เสียหายสองคนนับทั้งสอง ที่ไม่ได้บันทึกผู้เสียหายไม่นับ จำนวน 1 ถึง 4 แสดงเป็น <5 "
        "เมื่อเปิดการปิดค่าน้อย (ค่าเริ่มต้นของรายงานนี้) ตามที่ข้อตกลงการแบ่งปันข้อมูลของ GBVIMS "
        "กำหนดสำหรับตัวเลขที่เผยแพร่ออกนอกหน่วยงาน"
    ),
}
BY_PROVINCE_DEFINITION = {
    "en": (
        "Incidents (cases opened in the range with a GBVIMS type) by the case's province "
        "and type. Counts from 1 to 4 are shown as <5 when masking is on (the default)."
    ),
    "th": (
        "เหตุการณ์ (เคสที่เปิดในช่วงวันที่ที่ระบุประเภทตาม GBVIMS) แยกตามจังหวัดของเคสและประเภท "
        "จำนวน 1 ถึง 4 แสดงเป็น <5 เมื่อเปิดการปิดค่าน้อย (ค่าเริ่มต้น)"
    ),
}


def _incidents(ctx: Context) -> list[Any]:
    return [Case.gbv_type.is_not(None),
            Case.created_at >= instant(ctx.range.start), Case.created_at < instant(ctx.range.end),
            *conditions(ctx.filters, province=Case.province_code, channel=Case.channel)]


def _all_types() -> Any:
    """The six types as rows, so a type without incidents still shows its zero."""
    return union_all(*(select(literal(t.value, String).label("gbv_type"),
                              literal(i).label("place")) for i, t in enumerate(GbvType))
                     ).subquery("types")


def by_type_query(ctx: Context) -> Select[Any]:
    victim = and_(CasePerson.case_id == Case.id, CasePerson.role == PersonRole.VICTIM)
    counted = (
        select(Case.gbv_type.label("gbv_type"),
               func.count(func.distinct(Case.id)).label("incidents"),
               *(func.count(CasePerson.id).filter(cond).label(key)
                 for key, cond, *_ in BANDS),
               func.count(CasePerson.id).label("survivors"))
        .select_from(Case).outerjoin(CasePerson, victim)
        .where(*_incidents(ctx)).group_by(Case.gbv_type).subquery("counted"))
    types = _all_types()
    return (
        select(types.c.gbv_type,
               *(func.coalesce(counted.c[k], 0) for k in ("incidents", *(b[0] for b in BANDS),
                                                           "survivors")))
        .select_from(types)
        .outerjoin(counted, counted.c.gbv_type == types.c.gbv_type)
        .order_by(types.c.place))


def _by_type_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    kind, *counts = row
    return (kind, labels.name(labels.GBV_TYPES, kind, ctx.lang), *(int(n) for n in counts))


def by_province_query(ctx: Context) -> Select[Any]:
    province = func.coalesce(Case.province_code, "-").label("province")
    return (
        select(province, Province.name_th, Province.name_en,
               *(func.count().filter(Case.gbv_type == t).label(t.value) for t in GbvType),
               func.count().label("incidents"))
        .select_from(Case)
        .outerjoin(Province, Province.code == Case.province_code)
        .where(*_incidents(ctx))
        .group_by(province, Province.name_th, Province.name_en)
        .order_by(province))


def _by_province_shape(row: Sequence[Any], ctx: Context) -> tuple[Any, ...]:
    province, name_th, name_en, *counts = row
    return (province, labels.province_name(name_th, name_en, ctx.lang), *counts)


TYPE_COLUMNS = tuple(Column(t.value, *labels.GBV_TYPES[t]) for t in GbvType)
BY_TYPE_COLUMNS = (
    Column("gbv_type", "GBVIMS type code", "รหัสประเภท GBVIMS"),
    Column("gbv_type_name", "GBVIMS type", "ประเภท GBVIMS"),
    Column("incidents", "Incidents", "เหตุการณ์"),
    *(Column(key, en, th) for key, _, en, th in BANDS),
    Column("survivors", "Survivors", "ผู้รอดชีวิตรวม"),
)

REPORTS = (
    ReportSpec(
        "gbvims_by_type", "GBVIMS incidents by type, survivors by sex and age",
        "เหตุการณ์ตามประเภท GBVIMS และผู้รอดชีวิตตามเพศและอายุ",
        BY_TYPE_COLUMNS, by_type_query, _by_type_shape, DEFINITION,
        filters=("province", "channel"),
        maskable=tuple(c.key for c in BY_TYPE_COLUMNS[2:]), masked_by_default=True,
    ),
    ReportSpec(
        "gbvims_by_province", "GBVIMS incidents by province and type",
        "เหตุการณ์ตามประเภท GBVIMS และจังหวัด",
        (Column("province", "Province code", "รหัสจังหวัด"),
         Column("province_name", "Province", "จังหวัด"),
         *TYPE_COLUMNS, Column("incidents", "Incidents", "เหตุการณ์รวม")),
        by_province_query, _by_province_shape, BY_PROVINCE_DEFINITION,
        maskable=(*(c.key for c in TYPE_COLUMNS), "incidents"), masked_by_default=True,
    ),
)
