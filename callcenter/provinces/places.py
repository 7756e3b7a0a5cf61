"""Thailand's districts (อำเภอ/เขต), sub-districts (ตำบล/แขวง) and postal codes.

The areas come from the ``geothai`` package (code MIT, data CC BY 4.0 from the Department
of Provincial Administration's codes), never from a table kept by hand. geothai names a
province by its two-digit DOPA code ("40"); the hotline uses ISO 3166-2 ("TH-40"), whose
number is the same DOPA code, so the mapping is the prefix alone (checked for all 77 in
the tests). A district code is four digits (province + two), a sub-district's six.

Pure: no session, no I/O beyond reading the package's data once.
"""

from __future__ import annotations

from dataclasses import dataclass

import geothai

from callcenter.collation import by_display_name

# Thailand's extent with a small margin (Sunthon Phu at 5.6°N to Mae Sai at 20.5°N,
# Mae Sariang near 97.3°E to Khong Chiam at 105.6°E): a point outside is a typing error.
LAT_MIN, LAT_MAX = 5.5, 20.6
LON_MIN, LON_MAX = 97.3, 105.7
# Most rows a picker gets back: more than any province has districts (Bangkok 50) or a
# district sub-districts, so the untyped list is whole and typing only narrows it.
PICK_LIMIT = 60


@dataclass(frozen=True, slots=True)
class Area:
    """One district or sub-district as the pickers and pages show it."""

    code: str
    name_th: str
    name_en: str
    postal_codes: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_th


def iso_of(dopa_code: str) -> str:
    """geothai's province code ("40") as the hotline's ISO 3166-2 code ("TH-40")."""
    return f"TH-{dopa_code}"


def dopa_of(iso_code: str) -> str:
    """The hotline's ISO 3166-2 province code ("TH-40") as geothai's ("40")."""
    return iso_code.removeprefix("TH-")


def province_codes() -> frozenset[str]:
    """Every province geothai knows, in ISO form."""
    return frozenset(iso_of(p.code) for p in geothai.provinces())


def _matches(query: str, *names: str) -> bool:
    q = query.strip().casefold()
    return not q or any(q in n.casefold() for n in names)


def districts(province_code: str, query: str = "", *, limit: int = PICK_LIMIT,
              lang: str = "th") -> list[Area]:
    """The districts of a province (ISO code) whose Thai or English name holds the query,
    in the order of their names in the language."""
    found = [Area(d.code, d.name_th, d.name_en)
             for d in geothai.districts(dopa_of(province_code))
             if _matches(query, d.name_th, d.name_en)]
    return by_display_name(found, lang)[:limit]


def subdistricts(district_code: str, query: str = "", *, limit: int = PICK_LIMIT,
                 lang: str = "th") -> list[Area]:
    """The sub-districts of a district whose name or postal code holds the query, in the
    order of their names in the language."""
    found = [Area(s.code, s.name_th, s.name_en, tuple(s.postal_codes))
             for s in geothai.subdistricts(district_code)
             if _matches(query, s.name_th, s.name_en, *s.postal_codes)]
    return by_display_name(found, lang)[:limit]


def district(code: str | None) -> Area | None:
    found = geothai.district(code) if code else None
    return Area(found.code, found.name_th, found.name_en) if found else None


def subdistrict(code: str | None) -> Area | None:
    found = geothai.subdistrict(code) if code else None
    if found is None:
        return None
    return Area(found.code, found.name_th, found.name_en, tuple(found.postal_codes))


def province_of_district(code: str) -> str | None:
    """The ISO code of the district's province, or None for an unknown district."""
    found = geothai.district(code)
    return iso_of(found.province_code) if found else None


def district_of_subdistrict(code: str) -> str | None:
    found = geothai.subdistrict(code)
    return found.district_code if found else None


def postal_code(subdistrict_code: str | None) -> str | None:
    """The sub-district's postal code; a sub-district split between several codes gives
    its first (the one Thailand Post lists for most of it)."""
    found = subdistrict(subdistrict_code)
    return found.postal_codes[0] if found and found.postal_codes else None


def in_thailand(latitude: float, longitude: float) -> bool:
    return LAT_MIN <= latitude <= LAT_MAX and LON_MIN <= longitude <= LON_MAX


def geo_uri(latitude: float | None, longitude: float | None) -> str | None:
    """An RFC 5870 ``geo:`` link that phones open in their maps app; None without a point."""
    if latitude is None or longitude is None:
        return None
    return f"geo:{latitude:.6f},{longitude:.6f}"


def district_label(code: str | None, text: str | None, lang: str = "th") -> str | None:
    """The district's name from its code, else the free text of a case opened before the
    pickers: what an alert or a unit's list says of where."""
    found = district(code)
    return found.name(lang) if found else text
