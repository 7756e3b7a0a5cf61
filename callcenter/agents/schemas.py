"""What an admin may set on a person's account, from a form or the API.

The shape and bounds are checked here (pydantic answers 422 naming each field); what
needs the database (a unit or queue that exists, a login not taken, the last admin) is
checked by ``callcenter.agents.people``. Rules that tie two fields together raise errors
of their own types (``unit_required`` …), so pages say them in their language through the
``v.<type>`` messages.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from callcenter.agents.models import Role
from callcenter.taxonomy import Language

LOGIN_PATTERN = r"^[a-z0-9._-]{3,64}$"
UNIT_CODE_PATTERN = r"^RRU-TH-[0-9]{2}$"
MAX_PENALTY = 10
# More skills than queues would only repeat one: the catalog has a dozen.
MAX_SKILLS = 40
# Roles that answer calls, and so sign in to queues with skills.
ANSWERING_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})


class SkillField(BaseModel):
    """A queue the person answers, and its penalty (0 rings first)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    queue: str = Field(min_length=1, max_length=40)
    penalty: int = Field(default=0, ge=0, le=MAX_PENALTY)


class PersonFields(BaseModel):
    """A person's account as an admin edits it (no password: that is a set-up link)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    login: str = Field(min_length=3, max_length=64, pattern=LOGIN_PATTERN)
    display_name: str = Field(min_length=1, max_length=120)
    role: Role
    # Declared after ``role`` so the check below can read it.
    unit_code: str | None = Field(default=None, max_length=20, pattern=UNIT_CODE_PATTERN,
                                  validate_default=True)
    languages: list[Language] = Field(default_factory=lambda: [Language.THAI],
                                      min_length=1, max_length=len(Language))
    skills: list[SkillField] = Field(default_factory=list, max_length=MAX_SKILLS,
                                     validate_default=True)

    @field_validator("login", mode="before")
    @classmethod
    def _lower_login(cls, value: object) -> object:
        # People type their login as they like; one spelling is stored.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("unit_code", mode="before")
    @classmethod
    def _blank_unit_is_none(cls, value: object) -> object:
        # A form's unit list sends "" for "no unit".
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("unit_code")
    @classmethod
    def _unit_iff_unit_member(cls, value: str | None, info: ValidationInfo) -> str | None:
        role = info.data.get("role")
        if role is None:
            return value  # the role itself is wrong: that error is enough
        if role == Role.UNIT_MEMBER and value is None:
            raise PydanticCustomError("unit_required", "a unit member needs a unit")
        if role != Role.UNIT_MEMBER and value is not None:
            raise PydanticCustomError("unit_not_allowed", "only unit members belong to a unit")
        return value

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, value: list[Language]) -> list[Language]:
        return list(dict.fromkeys(value))

    @field_validator("skills")
    @classmethod
    def _skills_for_answering_roles(cls, value: list[SkillField],
                                    info: ValidationInfo) -> list[SkillField]:
        role = info.data.get("role")
        if value and role is not None and role not in ANSWERING_ROLES:
            raise PydanticCustomError("skills_not_allowed",
                                      "only agents and supervisors answer queues")
        names = [skill.queue for skill in value]
        if len(names) != len(set(names)):
            raise PydanticCustomError("skill_twice", "each queue may be listed once")
        return value

    def skill_map(self) -> dict[str, int]:
        """``{queue: penalty}``, as the audit trail and stale-edit checks compare them."""
        return {skill.queue: skill.penalty for skill in self.skills}
