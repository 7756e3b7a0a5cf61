"""Dispatch rules: contact roles, supervisor cancellation, the alarm's repeat count

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:45:00

SQLite cannot alter a CHECK constraint, and batch mode's table copy is not an option
here: dropping ``dispatches`` cascades to ``dispatch_events``, whose append-only trigger
refuses (a database with history could not be upgraded). Widening an IN list changes no
stored row, so on SQLite the constraint's text is edited in place (SQLite's documented
procedure for constraint changes that leave the stored content valid).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("created", "alerted", "acknowledged", "en_route", "on_scene", "completed",
                "declined", "escalated")
NEW_STATUSES = (*OLD_STATUSES, "cancelled")
ROLES = ("duty_console", "duty_phone", "duty_line", "duty_email", "team_lead",
         "provincial_supervisor")
ROLE_BY_CHANNEL = {"console": "duty_console", "line": "duty_line", "email": "duty_email"}
STATUS_TABLES = ("dispatches", "dispatch_events")


def _in_list(values: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _set_status_check(old: Sequence[str], new: Sequence[str], *, validate: bool) -> None:
    if _sqlite():
        bind = op.get_bind()
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        for table in STATUS_TABLES:
            bind.execute(
                sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
                        "WHERE type = 'table' AND name = :name"),
                {"old": _in_list(old), "new": _in_list(new), "name": table})
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
        return
    for table in STATUS_TABLES:
        name = f"ck_{table}_dispatch_status"
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        # Going back, timeline rows of cancelled dispatches stay as they are (append-only).
        suffix = "" if validate else " NOT VALID"
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({_in_list(new)}){suffix}")


def upgrade() -> None:
    role_check = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"
    if _sqlite():
        op.execute("ALTER TABLE unit_contacts ADD COLUMN role VARCHAR(40) NOT NULL "
                   "DEFAULT 'duty_phone' CONSTRAINT ck_unit_contacts_contact_role "
                   f"CHECK ({role_check})")
    else:
        op.add_column('unit_contacts', sa.Column('role', sa.String(length=40), nullable=False,
                                                 server_default='duty_phone'))
        op.create_check_constraint(op.f('ck_unit_contacts_contact_role'), 'unit_contacts',
                                    role_check)
    for channel, role in ROLE_BY_CHANNEL.items():
        op.execute(sa.text("UPDATE unit_contacts SET role = :role WHERE channel = :channel")
                   .bindparams(role=role, channel=channel))

    op.add_column('dispatches', sa.Column('cancelled_at', callcenter.db.UTCDateTime(timezone=True),
                                          nullable=True))
    op.add_column('dispatches', sa.Column('cancel_reason', sa.String(length=300), nullable=True))
    op.add_column('dispatches', sa.Column('alarm_repeats', sa.Integer(), nullable=False,
                                          server_default='0'))
    _set_status_check(OLD_STATUSES, NEW_STATUSES, validate=True)


def downgrade() -> None:
    # Before this revision a supervisor's cancellation did not exist: such a dispatch
    # reads as declined, with the supervisor's reason.
    op.execute("UPDATE dispatches SET status = 'declined', declined_at = cancelled_at, "
               "decline_reason = cancel_reason WHERE status = 'cancelled'")
    _set_status_check(NEW_STATUSES, OLD_STATUSES, validate=False)
    for column in ('alarm_repeats', 'cancel_reason', 'cancelled_at'):
        _drop_column('dispatches', column)
    if not _sqlite():
        op.drop_constraint(op.f('ck_unit_contacts_contact_role'), 'unit_contacts', type_='check')
    _drop_column('unit_contacts', 'role')


def _drop_column(table: str, column: str) -> None:
    # SQLite (3.35+) drops a column in place; batch mode would copy the table (see above).
    if _sqlite():
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
