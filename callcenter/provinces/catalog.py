"""The 77 provinces (Bangkok and 76 provinces) from pycountry, with their region.

pycountry's Thai locale lacks a few names (Bangkok's is left in romanised form, Bueng Kan
is missing); those are filled here.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass

import pycountry

from callcenter.provinces.models import Region

THAI_NAME_GAPS = {
    "TH-10": "กรุงเทพมหานคร",
    "TH-38": "บึงกาฬ",
}
ENGLISH_NAME_OVERRIDES = {"TH-10": "Bangkok"}

_REGION_BY_CODE: dict[int, Region] = {}
for _codes, _region in (
    (range(50, 59), Region.NORTH),
    ((*range(10, 20), 26, 60, 61, 62, 64, 65, 66, 67, 72, 73, 74, 75), Region.CENTRAL),
    ((*range(20, 26), 27), Region.EAST),
    ((63, 70, 71, 76, 77), Region.WEST),
    (range(30, 50), Region.NORTHEAST),
    ((*range(80, 87), *range(90, 97)), Region.SOUTH),
):
    for _number in _codes:
        _REGION_BY_CODE[_number] = _region


@dataclass(frozen=True, slots=True)
class ProvinceSpec:
    code: str
    name_th: str
    name_en: str
    region: Region


@functools.cache
def codes() -> frozenset[str]:
    """The ISO 3166-2 codes of the 77 provinces (``TH-10`` … ``TH-96``; the numbers have gaps)."""
    return frozenset(p.code for p in provinces())


def provinces() -> list[ProvinceSpec]:
    thai = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["th"])
    result = []
    for sub in pycountry.subdivisions.get(country_code="TH"):
        number = sub.code.removeprefix("TH-")
        if not number.isdigit():
            continue  # TH-S, Pattaya: a special city inside Chon Buri, not a province
        translated = thai.gettext(sub.name)
        name_th = THAI_NAME_GAPS.get(sub.code) or (
            translated if translated != sub.name else ""
        )
        if not name_th:
            raise LookupError(f"no Thai name for {sub.code}")
        result.append(
            ProvinceSpec(
                code=sub.code,
                name_th=name_th,
                name_en=ENGLISH_NAME_OVERRIDES.get(sub.code, sub.name),
                region=_REGION_BY_CODE[int(number)],
            )
        )
    return sorted(result, key=lambda p: p.code)


def demo_duty_phone(code: str) -> str:
    """The made-up duty phone the demo gives a province's unit: 09900000 + its number.

    Not a real line. The dialplan's ``rru`` context dials it as ``Local/<number>@rru``,
    and the demo's simulated Asterisk answers it (TH-50 presses 1, TH-96 never answers,
    TH-10 is busy, as in the recordings).
    """
    return "09900000" + code.removeprefix("TH-").zfill(2)


def demo_supervisor_phone(code: str) -> str:
    """The made-up phone of a province's duty supervisor (พมจ.): 09910000 + its number.

    Not a real line; the demo's simulated Asterisk answers it like any unknown number.
    """
    return "09910000" + code.removeprefix("TH-").zfill(2)


@functools.cache
def _by_code() -> dict[str, ProvinceSpec]:
    return {p.code: p for p in provinces()}


def name_of(code: str | None, lang: str = "th") -> str:
    """A province's name in the page's language ('เชียงใหม่', 'Chiang Mai'); a code that is
    not a province is returned as it is, so a bad record still shows something."""
    spec = _by_code().get(code or "")
    if spec is None:
        return code or ""
    return spec.name_en if lang == "en" else spec.name_th
