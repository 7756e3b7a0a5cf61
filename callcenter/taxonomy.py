"""Stored vocabularies of the hotline: who calls, about what, in which language.

The values are stored in the database and named in Asterisk's configuration, so they
never change once released; labels live in the console's locale files.
"""

from enum import StrEnum


class Language(StrEnum):
    """Languages the IVR offers and agents may speak (ISO 639-1)."""

    THAI = "th"
    ENGLISH = "en"
    BURMESE = "my"
    KHMER = "km"
    LAO = "lo"


class IssueArea(StrEnum):
    """The 1300 issue areas, as the hotline publishes them, plus welfare and child labour."""

    FAMILY_VIOLENCE = "family_violence"
    TEENAGE_PREGNANCY = "teenage_pregnancy"
    HUMAN_TRAFFICKING = "human_trafficking"
    CHILD_LABOUR = "child_labour"
    DRUGS = "drugs"
    HOMELESS = "homeless"
    BEGGING = "begging"
    CHILDREN_YOUTH = "children_youth"
    MISSING_PERSONS = "missing_persons"
    OLDER_PERSONS = "older_persons"
    DISABILITY = "disability"
    WELFARE = "welfare"
    OTHER = "other"


class ChiCategory(StrEnum):
    """Child Helpline International contact categories recorded on child cases."""

    VIOLENCE_NEGLECT = "violence_neglect"
    VIOLENCE_PHYSICAL = "violence_physical"
    VIOLENCE_PSYCHOLOGICAL = "violence_psychological"
    VIOLENCE_SEXUAL = "violence_sexual"
    CHILD_LABOUR = "child_labour"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    ONLINE_ABUSE = "online_abuse"
    MENTAL_HEALTH = "mental_health"
    FAMILY_RELATIONSHIPS = "family_relationships"
    OTHER = "other"


class GbvType(StrEnum):
    """GBVIMS core incident types recorded on gender-based-violence cases."""

    RAPE = "rape"
    SEXUAL_ASSAULT = "sexual_assault"
    PHYSICAL_ASSAULT = "physical_assault"
    FORCED_MARRIAGE = "forced_marriage"
    DENIAL_OF_RESOURCES = "denial_of_resources"
    PSYCHOLOGICAL_ABUSE = "psychological_abuse"


class TargetGroup(StrEnum):
    """The hotline's target groups (กลุ่มเป้าหมาย)."""

    CHILD = "child"
    WOMAN = "woman"
    OLDER_PERSON = "older_person"
    DISABLED_PERSON = "disabled_person"
    FAMILY_MEMBER = "family_member"


class Gender(StrEnum):
    """Gender as the ministry's reports count victims."""

    FEMALE = "female"
    MALE = "male"
    GENDER_DIVERSE = "gender_diverse"
    UNKNOWN = "unknown"


class Urgency(StrEnum):
    """How soon someone must act; drives queue priority and dispatch escalation."""

    IMMEDIATE = "immediate"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Disposition(StrEnum):
    """What a call that did not become a case was; counted in the reports."""

    PRANK = "prank"
    SILENT = "silent"
    INFORMATION = "information"
    COUNSELLING = "counselling"
    WRONG_NUMBER = "wrong_number"
    MISSED = "missed"
