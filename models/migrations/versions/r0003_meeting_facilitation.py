"""Facilitation: meeting pauses, prompts asked, attendance, the wrap-up pulse, scheduled meetings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:41:02.787367
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only new tables and added columns: SQLite adds columns in place, so the
    # meetings table is not copied (a copy under foreign_keys=ON would cascade).
    op.create_table('asked_prompts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=40), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_asked_prompts_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asked_prompts'))
    )
    with op.batch_alter_table('asked_prompts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asked_prompts_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_meeting_attendance_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'participant_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_table('meeting_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_pauses_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_pauses'))
    )
    with op.batch_alter_table('meeting_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_pauses_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pulse_attended', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pulse_learned', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pulse_would_attend', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pulse_unclear', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('pulse_unclear')
        batch_op.drop_column('pulse_would_attend')
        batch_op.drop_column('pulse_learned')
        batch_op.drop_column('pulse_attended')
        batch_op.drop_column('scheduled_for')

    with op.batch_alter_table('meeting_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_pauses_meeting_id'))

    op.drop_table('meeting_pauses')
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('asked_prompts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asked_prompts_meeting_id'))

    op.drop_table('asked_prompts')
