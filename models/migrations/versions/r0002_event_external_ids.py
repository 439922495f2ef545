"""Event external ids: where an imported event came from, so a re-import adds nothing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:05:21.351237

Adding a nullable column and an index needs no table copy, even in SQLite's batch
mode, so events, their participants and the notes pointing at them stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=200), nullable=True))
        batch_op.create_index('ix_timeline_events_review_id_external_id', ['review_id', 'external_id'],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_index('ix_timeline_events_review_id_external_id')
        batch_op.drop_column('external_id')
