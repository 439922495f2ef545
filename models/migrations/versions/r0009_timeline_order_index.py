"""An index that keeps each review's timeline in the order it is read.

Opening a review reads its events ordered by time and id; with only the
separate indexes on ``review_id`` and ``at`` SQLite sorted every row of the
review in a temporary B-tree (50,000 events: a fifth of the read). The index
on ``(review_id, at, id)`` hands them over in order, and replaces the one on
``review_id`` alone (its prefix serves the same lookups), so an import still
maintains as many indexes as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_timeline_events_review_order', 'timeline_events', ['review_id', 'at', 'id'])
    op.drop_index('ix_timeline_events_review_id', table_name='timeline_events')


def downgrade() -> None:
    op.create_index('ix_timeline_events_review_id', 'timeline_events', ['review_id'])
    op.drop_index('ix_timeline_events_review_order', table_name='timeline_events')
