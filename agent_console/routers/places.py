"""Place pickers: the districts of a province and the sub-districts of a district.

Each list narrows as the agent types (``q`` matches Thai or English names, and a
sub-district's postal code). The pages get small ``<option>`` fragments for htmx; the
API the same lists as JSON. Reference data only, no survivor data: any case worker may ask.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from agent_console import access
from agent_console.api_errors import COMMON, errors
from agent_console.deps import Viewer, page_context, require
from agent_console.templating import templates
from callcenter.provinces import places

router = APIRouter(tags=["places"])
Worker = Depends(require(*access.CASE_ROLES))
# Named as the form's fields, so htmx sends the form's own values.
Province = Annotated[str, Query(pattern=r"^TH-\d{2}$")]
District = Annotated[str, Query(pattern=r"^\d{4}$")]
Chosen = Annotated[str, Query(max_length=6)]
# The pickers ask with nothing chosen above too (the province cleared, the district list
# redrawn with no choice): they get the blank option alone, not an error.
MaybeProvince = Annotated[str, Query(pattern=r"^(TH-\d{2})?$")]
MaybeDistrict = Annotated[str, Query(pattern=r"^(\d{4})?$")]
Typed = Annotated[str, Query(max_length=60)]


class AreaOut(BaseModel):
    code: str
    name_th: str
    name_en: str
    # Sub-districts only; one sub-district may be split between several codes.
    postal_codes: list[str] = []


def place_options(values: dict) -> dict[str, list[places.Area]]:
    """The district and sub-district lists a form opens with, for the values it shows."""
    province = values.get("province_code") or ""
    district = values.get("district_code") or ""
    return {"district_options": places.districts(province) if province else [],
            "subdistrict_options": places.subdistricts(district) if district else []}


def place_of(case) -> dict[str, object]:
    """What the case and unit pages show of a case's place, and the values its form edits."""
    values = {name: getattr(case, name) for name in
              ("province_code", "district_code", "subdistrict_code", "latitude", "longitude")}
    return {"place": {"district": places.district(case.district_code),
                      "subdistrict": places.subdistrict(case.subdistrict_code),
                      "postal_code": case.postal_code,
                      "geo": places.geo_uri(case.latitude, case.longitude)},
            "place_values": values, **place_options(values)}


def _options(request: Request, areas: list[places.Area], selected: str) -> Response:
    context = page_context(request, areas=areas, selected=selected)
    return templates.TemplateResponse(request, "places/options.html", context)


@router.get("/places/districts", response_class=HTMLResponse)
def district_options(request: Request, province_code: MaybeProvince = "", q: Typed = "",
                     district_code: Chosen = "", viewer: Viewer = Worker) -> Response:
    """The province's districts whose name holds ``q``, as options of a select."""
    areas = places.districts(province_code, q) if province_code else []
    return _options(request, areas, district_code)


@router.get("/places/subdistricts", response_class=HTMLResponse)
def subdistrict_options(request: Request, district_code: MaybeDistrict = "", q: Typed = "",
                        subdistrict_code: Chosen = "", viewer: Viewer = Worker) -> Response:
    """The district's sub-districts whose name or postal code holds ``q``."""
    areas = places.subdistricts(district_code, q) if district_code else []
    return _options(request, areas, subdistrict_code)


def _out(areas: list[places.Area]) -> list[AreaOut]:
    return [AreaOut(code=a.code, name_th=a.name_th, name_en=a.name_en,
                    postal_codes=list(a.postal_codes)) for a in areas]


@router.get("/api/places/districts", response_model=list[AreaOut],
            responses={**COMMON, **errors(422)})
def api_districts(province_code: Province, q: Typed = "", viewer: Viewer = Worker):
    """The districts (อำเภอ/เขต) of a province, narrowed by ``q`` (Thai or English)."""
    return _out(places.districts(province_code, q))


@router.get("/api/places/subdistricts", response_model=list[AreaOut],
            responses={**COMMON, **errors(422)})
def api_subdistricts(district_code: District, q: Typed = "", viewer: Viewer = Worker):
    """The sub-districts (ตำบล/แขวง) of a district with their postal codes, narrowed by ``q``."""
    return _out(places.subdistricts(district_code, q))
