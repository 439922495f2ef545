"""No index on an event's time alone.

``ix_timeline_events_at`` (from the first schema) orders every event of the
library by time; no query reads events by time across reviews (a review's
timeline is read through ``ix_timeline_events_review_order``), yet every event
written keeps it. When a timeline's times overlap those already stored (the
same period, a second channel, a re-import), its entries land all over that
index: a 50,000-event import spent ~0.1 s of its write there (measured in one
process, alternating, against the same library without it).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 21:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_timeline_events_at', table_name='timeline_events')


def downgrade() -> None:
    op.create_index('ix_timeline_events_at', 'timeline_events', ['at'])
