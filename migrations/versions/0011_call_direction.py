"""Calls: what an outbound call was placed for (calls.callback_id, calls.dispatch_id)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 09:00:00

A call back and a dispatch voice alert leave through the telco trunk, whose channels
show the trunk's inbound context; the bridge took their trunk legs for 1300 calls. It now
records them as the outbound call of their Originate (``direction`` outbound, a column
since 0001, every existing row inbound) and keeps what the Originate's variables said
the call was for: the call-back request (CALLBACK_ID) or the dispatch (DISPATCH_ID).
Plain integers, not foreign keys: the ids are the PBX's word, written as they came, and
``calls`` sits below call backs' and dispatches' packages.

Rows the old bridge wrote for such legs carry what the trunk leg showed: ``Exten: s`` as
the dialled number and 1300, the hotline's own number, as the caller. They are marked
outbound, so they leave the inbound figures.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('callback_id', 'dispatch_id')


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column('calls', sa.Column(column, sa.Integer(), nullable=True))
        op.create_index(f'ix_calls_{column}', 'calls', [column])
    op.execute("UPDATE calls SET direction = 'outbound' WHERE direction = 'inbound' "
               "AND dialled_number = 's' AND caller_number = '1300'")


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_index(f'ix_calls_{column}', table_name='calls')
        op.drop_column('calls', column)
