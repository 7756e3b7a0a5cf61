"""The person form of the case file: a person as the form shows them, and the form back.

Pure (no request, no database). The form never shows a national ID (only its last four
digits beside the field) nor a phone to a viewer who sees phones masked, so a blank in
those fields keeps what is on file.
"""

from __future__ import annotations

from typing import Any

from callcenter.cases.drafts import CHECKED, PERSON_FIELDS, PERSON_FLAGS
from callcenter.thaidate import BUDDHIST_ERA_OFFSET, typed_year_as_gregorian


def values(person: Any, *, whole_numbers: bool, buddhist_era: bool = False) -> dict[str, object]:
    """The form's values for ``person`` (a ``CasePerson``); with ``buddhist_era`` (the
    Thai page) the birth year as Thai people write it, which ``to_input`` converts back."""
    shown: dict[str, object] = {name: getattr(person, name) for name in PERSON_FIELDS
                                if name != "national_id"}
    shown.update({name: getattr(person, name) for name in PERSON_FLAGS})
    shown["gender"] = person.gender.value
    if person.relationship_to_victim is not None:
        shown["relationship_to_victim"] = str(person.relationship_to_victim)
    if buddhist_era and person.birth_year is not None:
        shown["birth_year"] = person.birth_year + BUDDHIST_ERA_OFFSET
    if not whole_numbers:
        shown["phone"] = ""
    return shown


def has_details(data: dict[str, object]) -> bool:
    """Whether a new person holds anything beyond their role and gender."""
    return any(name in data for name in PERSON_FIELDS if name != "gender")


def to_input(fields: dict[str, str], *, editing: bool, whole_numbers: bool) -> dict[str, object]:
    """The form as the input of ``PersonIn`` (adding) or ``PersonPatch`` (editing).

    Adding, blank fields are left out. Editing, every field is given and a blank clears
    it, except the fields the form does not show back (see the module's docstring).
    """
    data: dict[str, object] = {}
    if fields.get("role", "") or not editing:
        data["role"] = fields.get("role", "")
    for name in PERSON_FIELDS:
        value = fields.get(name, "").strip()
        if name == "nationality":
            value = value.upper()
        elif name == "birth_year":
            value = typed_year_as_gregorian(value)
        if value:
            data[name] = value
        elif not editing:
            continue
        elif name == "gender":
            data[name] = "unknown"
        elif name == "national_id" or (name == "phone" and not whole_numbers):
            continue  # never shown back: a blank keeps what is on file
        else:
            data[name] = None
    for name in PERSON_FLAGS:
        data[name] = fields.get(name, "") in CHECKED
    return data
