"""Call records and agent states: what the bridge learns beyond the first schema

The IVR's outcome and error on each call; `unavailable` (a signed-in agent whose phone
cannot be rung) as an agent state.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ('logged_in', 'available', 'ringing', 'in_call', 'wrap_up', 'paused', 'logged_out')


def _states(*extra: str) -> sa.Enum:
    return sa.Enum(*STATES, *extra, name='agent_state', native_enum=False,
                   create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ivr_outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('ivr_error', sa.String(length=40), nullable=True))
    # The state column's CHECK lists the values: rebuilt with the new one.
    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=_states(), type_=_states('unavailable'),
                              existing_nullable=False)


def downgrade() -> None:
    op.execute("UPDATE agent_state_changes SET state = 'logged_out' "
               "WHERE state = 'unavailable'")
    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=_states('unavailable'), type_=_states(),
                              existing_nullable=False)
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('ivr_error')
        batch_op.drop_column('ivr_outcome')
