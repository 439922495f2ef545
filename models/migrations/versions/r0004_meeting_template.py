"""A meeting's own template (an actions meeting walks the actions-meeting template).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:12:44.120337
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only an added column: SQLite adds it in place, so the meetings table is
    # not copied (a copy under foreign_keys=ON would cascade).
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('template')
