"""Column helpers shared by the models."""

from enum import StrEnum

from sqlalchemy import Enum


def enum_type(enum: type[StrEnum], name: str, *, checked: bool = True) -> Enum:
    """Store a StrEnum by value as VARCHAR with a CHECK constraint on both databases.

    Native PostgreSQL enums would need a migration for every new value; a CHECK is
    rebuilt by the migration that changes it and works on SQLite too. ``checked=False``
    leaves the CHECK out, for a list meant to grow (a contact's channel): adding a value
    is then a change of the model only, and the model still refuses unknown values.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=checked,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
