"""The place lists from geothai, and how they meet the hotline's province codes."""

import pytest
from pydantic import ValidationError

from callcenter.cases.schemas import CaseFields
from callcenter.provinces import catalog, places


def test_every_one_of_the_77_provinces_maps_to_a_geothai_province_with_districts():
    assert len(catalog.codes()) == 77
    assert places.province_codes() == catalog.codes()
    for code in catalog.codes():
        assert places.dopa_of(code) == code.removeprefix("TH-")
        assert places.iso_of(places.dopa_of(code)) == code
        assert places.districts(code), code


def test_province_names_agree_between_the_catalogue_and_geothai_but_one_spelling():
    import geothai

    differ = {spec.code for spec in catalog.provinces()
              if geothai.province(places.dopa_of(spec.code)).name_th != spec.name_th}
    # pycountry spells Nong Bua Lam Phu หนองบัวลำพู; the DOPA's name is หนองบัวลำภู.
    assert differ == {"TH-39"}


def test_the_untyped_district_list_of_bangkok_is_whole():
    assert len(places.districts("TH-10")) == 50


def test_typing_narrows_districts_in_thai_and_english():
    thai = places.districts("TH-40", "เมือง")
    assert [a.code for a in thai] == ["4001"]
    assert [a.name_en for a in places.districts("TH-40", "mueang")] == ["Mueang Khon Kaen"]


def test_sub_districts_narrow_by_postal_code_and_carry_it():
    found = places.subdistricts("8405", "84360")
    assert [a.code for a in found] == ["840503"]
    assert places.postal_code("840503") == "84360"
    assert places.postal_code(None) is None
    assert places.postal_code("999999") is None


def test_an_unknown_province_has_no_districts():
    assert places.districts("TH-99") == []
    assert places.subdistricts("9999") == []


def test_points_outside_thailands_box_are_not_in_thailand():
    assert places.in_thailand(13.75, 100.5)  # Bangkok
    assert not places.in_thailand(1.29, 103.85)  # Singapore
    assert not places.in_thailand(21.0, 105.8)  # Hanoi


def _fields(**kw):
    return CaseFields.model_validate({"issue_area": "welfare", **kw})


def test_a_case_takes_a_district_of_its_province_and_derives_the_postal_code():
    fields = _fields(province_code="TH-84", district_code="8405", subdistrict_code="840503",
                     latitude=9.75, longitude=99.84)
    assert fields.postal_code == "84360"


def _error_types(exc: ValidationError) -> dict[str, str]:
    return {".".join(map(str, e["loc"])): e["type"] for e in exc.errors()}


def test_a_district_of_another_province_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        _fields(province_code="TH-40", district_code="8405")
    assert _error_types(exc.value) == {"district_code": "district_not_in_province"}


def test_a_sub_district_of_another_district_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        _fields(province_code="TH-84", district_code="8405", subdistrict_code="400101")
    assert _error_types(exc.value) == {"subdistrict_code": "subdistrict_not_in_district"}


def test_a_district_without_a_province_and_unknown_codes_are_refused():
    with pytest.raises(ValidationError) as exc:
        _fields(district_code="8405")
    assert _error_types(exc.value) == {"district_code": "district_not_in_province"}
    with pytest.raises(ValidationError) as exc:
        _fields(province_code="TH-84", district_code="8499")
    assert _error_types(exc.value) == {"district_code": "unknown_place"}
    with pytest.raises(ValidationError) as exc:
        _fields(province_code="TH-84", district_code="84x5")
    assert _error_types(exc.value) == {"district_code": "string_pattern_mismatch"}


def test_coordinates_outside_thailand_or_alone_are_refused():
    with pytest.raises(ValidationError) as exc:
        _fields(latitude=1.29, longitude=103.85)
    assert _error_types(exc.value) == {"latitude": "greater_than_equal"}
    with pytest.raises(ValidationError) as exc:
        _fields(latitude=13.75)
    assert _error_types(exc.value) == {"longitude": "coordinates_pair"}
    with pytest.raises(ValidationError) as exc:
        _fields(longitude=100.5)
    assert _error_types(exc.value) == {"longitude": "coordinates_pair"}
