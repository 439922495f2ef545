"""A timeline event's detail: the long description beside its one-line text.

Importers read a tool's short summary or title as the event's text; the
description, body or details that came with it are kept here instead of being
dropped. Existing events get an empty detail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only an added column with a default: SQLite adds it in place, so the events table is not
    # copied (a copy under foreign_keys=ON would cascade to notes and participants' links).
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_column('detail')
