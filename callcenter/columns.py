"""Column helpers shared by the models."""

from enum import StrEnum

from sqlalchemy import Enum


def enum_type(enum: type[StrEnum], name: str) -> Enum:
    """Store a StrEnum by value as VARCHAR with a CHECK constraint on both databases.

    Native PostgreSQL enums would need a migration for every new value; a CHECK is
    rebuilt by the migration that changes it and works on SQLite too.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
