"""Reviews that travel and are shared: an identity, a row version, lifecycle dates; each note's meeting.

* ``reviews.uid``: a UUID per review, the same in every library and bundle the
  review travels to (a copy or an import finds it again by it); filled for
  every existing review, unique.
* ``reviews.version``: the row version of optimistic concurrency (1 for every
  existing review).
* ``reviews.analysis_due`` (a date someone set; None: derived from the
  resolution), ``reviewed_at`` and ``closed_at``: an existing review that is
  reviewed or closed gets the end of its latest review meeting (else its last
  change) as ``reviewed_at``, a closed one its last change as ``closed_at``.
* ``notes.meeting_id``: the meeting a note was taken in. An existing note gets
  the meeting of its review that was running when it was said (or written):
  between the meeting's start and end, or, for a meeting never ended, up to
  six hours after its last recorded activity (``models.meetings.STALE_AFTER``).

Only added columns and indexes: SQLite adds them in place, so no table is
copied (a copy under foreign_keys=ON would cascade to the rows that point at it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 09:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: As models.meetings.STALE_AFTER (a migration does not import the app's models: they move on).
_STALE_AFTER = timedelta(hours=6)
_FK_NOTE_MEETING = 'fk_notes_meeting_id_meetings'


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    op.add_column('reviews', sa.Column('uid', sa.String(length=36), nullable=True))
    op.add_column('reviews', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('reviews', sa.Column('analysis_due', sa.Date(), nullable=True))
    op.add_column('reviews', sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reviews', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    if sqlite:
        # SQLite adds a column with a reference in place (NULL by default); Alembic would copy the table.
        op.execute(f'ALTER TABLE notes ADD COLUMN meeting_id INTEGER CONSTRAINT {_FK_NOTE_MEETING} '
                   'REFERENCES meetings (id) ON DELETE SET NULL')
    else:
        op.add_column('notes', sa.Column('meeting_id', sa.Integer(), nullable=True))
        op.create_foreign_key(_FK_NOTE_MEETING, 'notes', 'meetings', ['meeting_id'], ['id'],
                              ondelete='SET NULL')
    op.create_index('ix_notes_meeting_id', 'notes', ['meeting_id'], unique=False)

    ids = [row[0] for row in bind.execute(sa.text('SELECT id FROM reviews ORDER BY id'))]
    if ids:
        bind.execute(sa.text('UPDATE reviews SET uid = :uid WHERE id = :id'),
                     [{'uid': str(uuid.uuid4()), 'id': ident} for ident in ids])
    if not sqlite:
        op.alter_column('reviews', 'uid', existing_type=sa.String(length=36), nullable=False)
    op.create_index('ix_reviews_uid', 'reviews', ['uid'], unique=True)

    bind.execute(sa.text(
        "UPDATE reviews SET reviewed_at = COALESCE((SELECT max(meetings.ended_at) FROM meetings "
        "WHERE meetings.review_id = reviews.id AND meetings.kind = 'review'), updated_at) "
        "WHERE status IN ('reviewed', 'closed')"))
    bind.execute(sa.text("UPDATE reviews SET closed_at = updated_at WHERE status = 'closed'"))
    _fill_note_meetings(bind)


def _moment(value: Any) -> datetime | None:
    """A stored time as aware UTC (SQLite gives text, PostgreSQL a datetime); None when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _fill_note_meetings(bind: sa.Connection) -> None:
    meetings: dict[int, list[tuple[datetime, datetime, int]]] = {}
    activity: dict[int, datetime] = {}
    for table, columns in (('meeting_phases', ('started_at',)), ('meeting_pauses', ('started_at', 'ended_at'))):
        for column in columns:
            for meeting_id, latest in bind.execute(sa.text(
                    f'SELECT meeting_id, max({column}) FROM {table} GROUP BY meeting_id')):
                moment = _moment(latest)
                if moment is not None and (meeting_id not in activity or moment > activity[meeting_id]):
                    activity[meeting_id] = moment
    rows = bind.execute(sa.text(
        'SELECT id, review_id, started_at, ended_at FROM meetings WHERE started_at IS NOT NULL')).all()
    for meeting_id, review_id, started, ended in rows:
        start = _moment(started)
        if start is None:
            continue
        end = _moment(ended)
        if end is None:
            end = max(start, activity.get(meeting_id, start)) + _STALE_AFTER
        meetings.setdefault(review_id, []).append((start, end, meeting_id))
    if not meetings:
        return
    for spans in meetings.values():
        spans.sort(key=lambda span: (span[0], span[2]), reverse=True)  # the latest start wins
    found = []
    for note_id, review_id, said_at, created_at in bind.execute(sa.text(
            'SELECT notes.id, notes.review_id, notes.said_at, notes.created_at FROM notes WHERE notes.review_id '
            'IN (SELECT meetings.review_id FROM meetings WHERE meetings.started_at IS NOT NULL)')):
        moment = _moment(said_at) or _moment(created_at)
        if moment is None:
            continue
        meeting_id = next((m for start, end, m in meetings.get(review_id, ()) if start <= moment <= end), None)
        if meeting_id is not None:
            found.append({'m': meeting_id, 'id': note_id})
    if found:
        bind.execute(sa.text('UPDATE notes SET meeting_id = :m WHERE id = :id'), found)


def downgrade() -> None:
    # For developers only. On SQLite, dropping a column that holds a reference copies the notes
    # table, which under foreign_keys=ON unlinks the learnings and actions drawn from notes.
    op.drop_index('ix_notes_meeting_id', table_name='notes')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_column('meeting_id')
    op.drop_index('ix_reviews_uid', table_name='reviews')
    for column in ('closed_at', 'reviewed_at', 'analysis_due', 'version', 'uid'):
        op.drop_column('reviews', column)
