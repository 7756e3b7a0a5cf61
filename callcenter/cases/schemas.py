"""What a case accepts from a form or the API: every field typed, bounded and checked.

Field errors carry pydantic's type (``string_too_long``, ``enum`` …) and the field's
name, so the console can say which field is wrong in Thai or English. Rules that join
several fields live in ``policy.check_intake``, which names the field it refuses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from callcenter.cases import channels
from callcenter.cases import nationality as nationalities
from callcenter.cases import risk as risk_rule
from callcenter.cases.identity import is_valid_national_id, normalise
from callcenter.cases.models import (
    AgencyType,
    CaseStatus,
    Channel,
    ClosureOutcome,
    Consent,
    LegalBasis,
    PersonRole,
    ReferralStatus,
    Relationship,
)
from callcenter.errors import InvalidInput
from callcenter.provinces import catalog, places
from callcenter.taxonomy import (
    ChiCategory,
    GbvType,
    Gender,
    IssueArea,
    TargetGroup,
    Urgency,
)

# The short risk checklist asked on every case; answers are stored by these ids.
RISK_QUESTIONS = (
    "in_danger_now",       # the person is in danger right now
    "perpetrator_present",  # the alleged perpetrator is with them
    "injured",             # injured or needs a doctor
    "child_alone",         # a child without a safe adult
    "weapon",              # a weapon was used or threatened
    "suicide_risk",        # talks of harming themselves
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40,
                                         pattern=r"^\+?[0-9 ()\-]{3,40}$")]
Window = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
DistrictCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}$")]
SubdistrictCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^TH-\d{2}$")]
MIN_BIRTH_YEAR = 1890


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Strict):
    role: PersonRole
    full_name: Text | None = None
    nickname: ShortText | None = None
    gender: Gender = Gender.UNKNOWN
    age_years: int | None = Field(default=None, ge=0, le=130)
    # Gregorian; the Thai page converts a Buddhist-era year (``person_form``).
    birth_year: int | None = Field(default=None, ge=MIN_BIRTH_YEAR, le=2200)
    # A code of ``nationality.choices`` (ISO 3166-1 alpha-2, stateless, unknown).
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] | None = None
    phone: Phone | None = None
    address: Address | None = None
    relationship_to_victim: Relationship | None = None
    # Where a child spends the day or who looks after them (school, nursery, relative).
    school_or_care: Text | None = None
    # A victim who is also the reporter: one person instead of the same one typed twice.
    reporter_is_victim: bool = False
    has_disability: bool = False
    needs_interpreter: bool = False
    # Taken in, checked, then kept only as a digest and its last four digits.
    national_id: Annotated[str, StringConstraints(max_length=20)] | None = None
    notes: Notes | None = None

    @field_validator("phone")
    @classmethod
    def _plain_phone(cls, value: str | None) -> str | None:
        """Kept as dialled digits (and a leading +), so any spelling finds it again."""
        if value is None:
            return None
        return ("+" if value.startswith("+") else "") + "".join(c for c in value if c.isdigit())

    @field_validator("national_id")
    @classmethod
    def _valid_national_id(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        digits = normalise(value)
        if not is_valid_national_id(digits):
            raise ValueError("not a valid 13-digit national ID")
        return digits

    @field_validator("nationality")
    @classmethod
    def _listed_nationality(cls, value: str | None) -> str | None:
        if value is not None and not nationalities.is_known(value):
            raise PydanticCustomError("nationality_unknown", "not a nationality of the list")
        return value

    @field_validator("birth_year")
    @classmethod
    def _born_already(cls, value: int | None) -> int | None:
        # The year runs a few hours ahead in Thailand; a year's slack keeps New Year's Eve.
        if value is not None and value > datetime.now(UTC).year + 1:
            raise PydanticCustomError("birth_year_future", "a birth year still to come")
        return value

    @model_validator(mode="after")
    def _reporter_is_a_victim(self) -> Self:
        if self.reporter_is_victim and self.role not in (None, PersonRole.VICTIM):
            raise PydanticCustomError("reporter_is_victim_role",
                                      "only a victim can be the reporter too")
        return self


# Fields a person must always have: a change may give another value, never none.
PERSON_REQUIRED = ("role", "gender", "has_disability", "needs_interpreter",
                   "reporter_is_victim")


class PersonPatch(PersonIn):
    """A change to a person on the case file: only the fields given are changed.

    A ``null`` clears an optional field; ``national_id`` given replaces the digest and
    last digits (``null`` removes them). The checks are those of ``PersonIn``.
    """

    role: PersonRole | None = None  # type: ignore[assignment]
    gender: Gender | None = None  # type: ignore[assignment]
    has_disability: bool | None = None  # type: ignore[assignment]
    needs_interpreter: bool | None = None  # type: ignore[assignment]
    reporter_is_victim: bool | None = None  # type: ignore[assignment]

    @field_validator(*PERSON_REQUIRED)
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        # Defaults are not validated, so only an explicit null reaches this.
        if value is None:
            raise ValueError("this field cannot be emptied")
        return value


class PersonOut(BaseModel):
    """A person as the case file shows them: the national ID by its last digits only."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    role: PersonRole
    full_name: str | None
    nickname: str | None
    gender: Gender
    age_years: int | None
    birth_year: int | None
    nationality: str | None
    language: str | None
    phone: str | None
    address: str | None
    # A ``Relationship`` code (free text on rows written before the list).
    relationship_to_victim: str | None
    school_or_care: str | None
    reporter_is_victim: bool
    has_disability: bool
    needs_interpreter: bool
    national_id_last4: str | None
    notes: str | None


class SafeContact(_Strict):
    do_not_call_back: bool = False
    call_window: Window | None = None
    withhold_caller_id: bool = False


class CaseFields(SafeContact):
    """The screening fields of a case (the intake form, and later edits)."""

    issue_area: IssueArea
    chi_category: ChiCategory | None = None
    gbv_type: GbvType | None = None
    target_group: TargetGroup | None = None
    province_code: ProvinceCode | None = None
    # Free text kept for cases opened before the pickers; new cases use the codes below.
    district: Window | None = None
    district_code: DistrictCode | None = None
    subdistrict_code: SubdistrictCode | None = None
    latitude: float | None = Field(default=None, ge=places.LAT_MIN, le=places.LAT_MAX)
    longitude: float | None = Field(default=None, ge=places.LON_MIN, le=places.LON_MAX,
                                    validate_default=True)
    urgency: Urgency = Urgency.NORMAL
    risk: dict[str, bool] = Field(default_factory=dict)
    consent: Consent = Consent.NOT_ASKED
    legal_basis: LegalBasis | None = None
    summary: LongText = ""

    @field_validator("risk")
    @classmethod
    def _known_questions(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(RISK_QUESTIONS))
        if unknown:
            raise ValueError("unknown risk question")
        return value

    @field_validator("province_code")
    @classmethod
    def _known_province(cls, value: str | None) -> str | None:
        # The pattern alone lets through numbers no province has (TH-87), which the
        # database would then refuse as a broken reference.
        if value is not None and value not in catalog.codes():
            raise ValueError("no province has this code")
        return value

    # Fields are checked in order, so each place code sees the one above it in info.data.
    @field_validator("district_code")
    @classmethod
    def _district_in_province(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        province = places.province_of_district(value)
        if province is None:
            raise PydanticCustomError("unknown_place", "no district has this code")
        if province != info.data.get("province_code"):
            raise PydanticCustomError("district_not_in_province",
                                      "the district is not in the chosen province")
        return value

    @field_validator("subdistrict_code")
    @classmethod
    def _subdistrict_in_district(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        district = places.district_of_subdistrict(value)
        if district is None:
            raise PydanticCustomError("unknown_place", "no sub-district has this code")
        if district != info.data.get("district_code"):
            raise PydanticCustomError("subdistrict_not_in_district",
                                      "the sub-district is not in the chosen district")
        return value

    @field_validator("longitude")
    @classmethod
    def _both_coordinates(cls, value: float | None, info: ValidationInfo) -> float | None:
        # A point needs both numbers; a latitude refused above is already reported.
        if "latitude" in info.data and (value is None) != (info.data["latitude"] is None):
            raise PydanticCustomError("coordinates_pair", "give both latitude and longitude")
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def postal_code(self) -> str | None:
        """Derived from the sub-district, never typed."""
        return places.postal_code(self.subdistrict_code)


class CaseIn(CaseFields):
    """Open a case; with ``call_id`` the case starts from that call."""

    persons: list[PersonIn] = Field(default_factory=list, max_length=20)

    @field_validator("persons")
    @classmethod
    def _one_reporter(cls, value: list[PersonIn]) -> list[PersonIn]:
        """A victim who reported leaves no room for another reporter: it would be a
        contradiction the reports could not count."""
        if any(p.reporter_is_victim for p in value) and any(
                p.role == PersonRole.REPORTER for p in value):
            raise PydanticCustomError("reporter_twice",
                                      "the victim is the reporter: give no other reporter")
        return value

    call_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    # A client-made key (e.g. the draft's): the same key never opens two cases.
    intake_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = None
    # Where the report came in; a walk-in says where it was taken (``channels.check_place``).
    channel: Channel = Channel.HOTLINE
    walk_in_agency_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    walk_in_place: Annotated[str, StringConstraints(
        strip_whitespace=True, max_length=channels.PLACE_MAX)] | None = Field(
        default=None, validate_default=True)

    @field_validator("walk_in_place")
    @classmethod
    def _place_of_walk_in(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "channel" not in info.data:  # refused above already
            return value
        try:
            channels.check_call(info.data["channel"], info.data.get("call_id"))
            channels.check_place(info.data["channel"], place=value,
                                 agency_id=info.data.get("walk_in_agency_id"))
        except InvalidInput as exc:
            raise PydanticCustomError("channel_" + str(exc.field), exc.message) from None
        return value or None


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    status: CaseStatus
    issue_area: IssueArea | None
    chi_category: ChiCategory | None
    gbv_type: GbvType | None
    target_group: TargetGroup | None
    province_code: str | None
    district: str | None
    district_code: str | None
    subdistrict_code: str | None
    postal_code: str | None
    latitude: float | None
    longitude: float | None
    urgency: Urgency
    risk: dict[str, bool]
    consent: Consent
    legal_basis: LegalBasis | None
    summary: str
    do_not_call_back: bool
    call_window: str | None
    withhold_caller_id: bool
    owner_id: int | None
    closure_outcome: ClosureOutcome | None
    channel: Channel
    walk_in_agency_id: int | None
    walk_in_place: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def suggested_urgency(self) -> Urgency | None:
        """What the ticked risks call for (``risk.suggested_urgency``); advice only."""
        return risk_rule.suggested_urgency(self.risk)


class CaseSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    status: CaseStatus
    issue_area: IssueArea | None
    province_code: str | None
    urgency: Urgency
    channel: Channel
    # None where the viewer may not read the case (``readable`` false): unknown, not "no".
    do_not_call_back: bool | None
    created_at: datetime
    # False for a case found by search that this viewer may not read (need to know): its
    # number, status, province, urgency and opened date only; opened with a reason
    # (POST /api/cases/{id}/break-glass).
    readable: bool = True

    @classmethod
    def of(cls, case, *, readable: bool) -> CaseSummaryOut:
        out = cls.model_validate(case)
        if readable:
            return out
        return out.model_copy(update={"issue_area": None, "do_not_call_back": None,
                                      "readable": False})


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    page: int
    per_page: int
    total: int


class NoteIn(_Strict):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_id: int
    body: str
    created_at: datetime


class StatusIn(_Strict):
    status: CaseStatus
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    # Required to close, refused otherwise (``policy.check_outcome``).
    outcome: ClosureOutcome | None = None


class ReferralIn(_Strict):
    """A referral to an agency of the directory (``agency_id``), or, as old clients
    send it, to a free-text type and name (``service.refer`` refuses neither, naming
    ``agency_id``). Without ``due_at`` the type's target sets it."""

    agency_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    agency_type: AgencyType | None = None
    agency_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=200)] | None = None
    reason: Notes | None = None
    due_at: datetime | None = None

    @field_validator("due_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (e.g. +07:00)")
        if value is not None and not 2000 <= value.year <= 2200:
            raise ValueError("due date out of range")
        return value


class ReferralStatusIn(_Strict):
    status: ReferralStatus


class ReferralOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    agency_type: AgencyType
    agency_name: str
    status: ReferralStatus
    reason: str | None
    sent_at: datetime
    due_at: datetime | None
    agency_id: int | None = None
    status_by_id: int | None = None
    status_at: datetime | None = None


class DispositionIn(_Strict):
    # A code of the dispositions list; the service checks it is an active one.
    disposition: Annotated[str, StringConstraints(max_length=40)]


class DraftIn(_Strict):
    """Whatever the form holds so far; bounded, otherwise unchecked until the case opens."""

    data: dict[str, Annotated[str, StringConstraints(max_length=10_000)]] = Field(
        default_factory=dict, max_length=200)
    # The version the client last saw; omitted, the save is unconditional.
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("data")
    @classmethod
    def _field_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not re.fullmatch(r"[a-z0-9_.\[\]]{1,60}", key):
                raise ValueError("unexpected field name in the draft")
        return value
