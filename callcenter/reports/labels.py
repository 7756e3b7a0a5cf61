"""The case-work reports' names for coded values, English and Thai: a row carries the
code (for whoever re-codes the figures) and its name in the reader's language. The
console's catalogues hold the same words for its forms; these are the reports' own, so
an export written outside a request names its values too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case

from callcenter.cases.models import AgencyType, ClosureOutcome
from callcenter.provinces import catalog
from callcenter.taxonomy import ChiCategory, GbvType, Urgency

GBV_TYPES: dict[GbvType, tuple[str, str]] = {
    GbvType.RAPE: ("Rape", "การข่มขืน"),
    GbvType.SEXUAL_ASSAULT: ("Sexual assault", "การล่วงละเมิดทางเพศ"),
    GbvType.PHYSICAL_ASSAULT: ("Physical assault", "การทำร้ายร่างกาย"),
    GbvType.FORCED_MARRIAGE: ("Forced marriage", "การบังคับแต่งงาน"),
    GbvType.DENIAL_OF_RESOURCES: ("Denial of resources, opportunities or services",
                                  "การกีดกันทรัพยากร โอกาส หรือบริการ"),
    GbvType.PSYCHOLOGICAL_ABUSE: ("Psychological or emotional abuse", "การทำร้ายจิตใจ"),
}

CHI_CATEGORIES: dict[ChiCategory, tuple[str, str]] = {
    ChiCategory.VIOLENCE_NEGLECT: ("Neglect", "การละเลยทอดทิ้ง"),
    ChiCategory.VIOLENCE_PHYSICAL: ("Physical violence", "ความรุนแรงทางร่างกาย"),
    ChiCategory.VIOLENCE_PSYCHOLOGICAL: ("Psychological violence", "ความรุนแรงทางจิตใจ"),
    ChiCategory.VIOLENCE_SEXUAL: ("Sexual violence", "ความรุนแรงทางเพศ"),
    ChiCategory.CHILD_LABOUR: ("Child labour", "แรงงานเด็ก"),
    ChiCategory.SEXUAL_EXPLOITATION: ("Sexual exploitation", "การแสวงประโยชน์ทางเพศ"),
    ChiCategory.ONLINE_ABUSE: ("Online abuse", "การล่วงละเมิดออนไลน์"),
    ChiCategory.MENTAL_HEALTH: ("Mental health", "สุขภาพจิต"),
    ChiCategory.FAMILY_RELATIONSHIPS: ("Family relationships", "ความสัมพันธ์ในครอบครัว"),
    ChiCategory.OTHER: ("Other", "อื่น ๆ"),
}

AGENCY_TYPES: dict[AgencyType, tuple[str, str]] = {
    AgencyType.POLICE: ("Police", "ตำรวจ"),
    AgencyType.HOSPITAL_OSCC: ("Hospital OSCC", "ศูนย์พึ่งได้ โรงพยาบาล"),
    AgencyType.SHELTER: ("Shelter", "บ้านพักเด็กและครอบครัว/สถานคุ้มครอง"),
    AgencyType.LABOUR_OFFICE: ("Labour office", "สำนักงานแรงงาน"),
    AgencyType.PROVINCIAL_OFFICE: ("Provincial office", "พมจ."),
    AgencyType.OTHER_HOTLINE: ("Other hotline", "สายด่วนอื่น"),
    AgencyType.NGO: ("NGO", "มูลนิธิ/องค์กรเอกชน"),
    AgencyType.OTHER: ("Other", "อื่น ๆ"),
    AgencyType.CHILDLINE: ("Childline 1387", "สายด่วนศูนย์ช่วยเหลือสังคม/เด็ก 1387"),
    AgencyType.EMS: ("Emergency medical service 1669", "การแพทย์ฉุกเฉิน 1669"),
    AgencyType.LEGAL_AID: ("Legal aid", "ความช่วยเหลือทางกฎหมาย"),
}

OUTCOMES: dict[ClosureOutcome, tuple[str, str]] = {
    ClosureOutcome.RESOLVED: ("Resolved", "ช่วยเหลือแล้ว ปัญหาคลี่คลาย"),
    ClosureOutcome.REFERRED: ("Referred and taken on", "ส่งต่อแล้ว หน่วยงานรับดูแลต่อ"),
    ClosureOutcome.HELP_DECLINED: ("No further help wanted",
                                   "ผู้ประสบปัญหาไม่ประสงค์รับความช่วยเหลือเพิ่ม"),
    ClosureOutcome.UNREACHABLE: ("Unreachable", "ติดต่อไม่ได้หลังการติดตามแล้ว"),
    ClosureOutcome.DUPLICATE: ("Duplicate", "ซ้ำกับเคสอื่น"),
    ClosureOutcome.PRANK: ("False report", "แจ้งเท็จหรือก่อกวน"),
}

URGENCIES: dict[Urgency, tuple[str, str]] = {
    Urgency.IMMEDIATE: ("Immediate", "ด่วนที่สุด"),
    Urgency.HIGH: ("High", "ด่วน"),
    Urgency.NORMAL: ("Normal", "ปกติ"),
    Urgency.LOW: ("Low", "ไม่เร่งด่วน"),
}


def name(labels: Mapping[Any, tuple[str, str]], code: object, lang: str = "th") -> str:
    """The name of a code in the language ("" when the code is unknown or missing)."""
    for key, (en, th) in labels.items():
        if key == code:
            return th if lang == "th" else en
    return ""


def province_name(name_th: str | None, name_en: str | None, lang: str) -> str:
    return (name_th if lang == "th" else name_en) or ""


def province_of(code: str | None, name_th: str | None, lang: str) -> str:
    """A row's province named in the reader's language: the Thai name the query read, or
    the English one from the catalogue (the reports that read only ``name_th``)."""
    if lang == "th" or not code:
        return name_th or ""
    return catalog.name_of(code, "en")


def in_order(column: Any, labels: Mapping[Any, tuple[str, str]]) -> Any:
    """The place of a coded column's value in the list above (most urgent first), for
    ORDER BY: the codes' alphabetical order means nothing to a reader."""
    return case(*((column == code.value, i) for i, code in enumerate(labels)), else_=len(labels))
