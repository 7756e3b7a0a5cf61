"""Dates as each page's reader writes them: Buddhist era in Thai, as Thai government
documents write them; Gregorian in English.

Babel formats Thai dates with the Gregorian year, so the era is added here.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUDDHIST_ERA_OFFSET = 543
BANGKOK = ZoneInfo("Asia/Bangkok")

MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_TH_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_EN_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)


def buddhist_year(moment: date | datetime, zone: ZoneInfo = BANGKOK) -> int:
    """The Buddhist-era year of a moment, read on the Bangkok calendar."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        moment = moment.astimezone(zone).date()
    return moment.year + BUDDHIST_ERA_OFFSET


def gregorian_year(year_be: int) -> int:
    return year_be - BUDDHIST_ERA_OFFSET


def typed_year_as_gregorian(text: str) -> str:
    """A year typed on a form, as a Gregorian year: from 2400 on it can only be a
    Buddhist-era year (2560 is 2017), which Thai speakers write by habit. Anything that is
    not a number is returned as it is, for the form's checks to refuse."""
    text = text.strip()
    if text.isdigit() and int(text) >= 2400:
        return str(gregorian_year(int(text)))
    return text


def format_date(
    moment: date | datetime,
    *,
    lang: str = "th",
    with_time: bool = False,
    long: bool = False,
    zone: ZoneInfo = BANGKOK,
) -> str:
    """'23 พ.ย. 2569' on a Thai page, '23 Nov 2026' on an English one: the page's language
    decides the era, as each reader counts years (the ministry's exports keep BE)."""
    local = moment.astimezone(zone) if isinstance(moment, datetime) else moment
    if lang == "th":
        month = (MONTHS_TH if long else MONTHS_TH_ABBR)[local.month - 1]
        text = f"{local.day} {month} {local.year + BUDDHIST_ERA_OFFSET}"
    else:
        text = f"{local.day} {MONTHS_EN_ABBR[local.month - 1]} {local.year}"
    if with_time and isinstance(local, datetime):
        text += f" {local:%H:%M}"
        if lang == "th":
            text += " น."
    return text


def parse_date_be(text: str) -> date:
    """Read 'dd/mm/yyyy' with a Buddhist-era year (e.g. 23/11/2569), as users type it."""
    try:
        day, month, year = (int(part) for part in text.strip().split("/"))
    except ValueError:
        raise ValueError("expected dd/mm/yyyy with a Buddhist-era year") from None
    if year < 2400:
        raise ValueError("the year must be in the Buddhist era (e.g. 2569)")
    return date(year - BUDDHIST_ERA_OFFSET, month, day)
