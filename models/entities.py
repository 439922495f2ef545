"""The ORM entities of a review and everything said in it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


def new_uid() -> str:
    """A new review identity: a random UUID in its canonical text (36 characters, lower case)."""
    return str(uuid.uuid4())

event_participants = Table(
    "event_participants",
    Base.metadata,
    Column("event_id", ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
)


meeting_attendance = Table(
    "meeting_attendance",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
)


class Review(Base):
    """One incident (or near miss) and its review."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="incident")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    template: Mapped[str] = mapped_column(String(80), default="standard")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    impact: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: The review's identity wherever it travels (a bundle, another library): a copy or an
    #: import of the same review finds it again by this, whatever its id there.
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, index=True, unique=True)
    #: The row version: every UPDATE of this row adds one, and an UPDATE is made only while
    #: the row still has the version it was read with (SQLAlchemy's ``version_id_col``), so two
    #: writers racing on the same review cannot both commit what they read (models/reviews.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: When the analysis is due when someone set it; None: derived from ``resolved_at``
    #: (``models.lifecycle.analysis_due``: a number of working days after resolution).
    analysis_due: Mapped[date | None] = mapped_column(Date)
    #: When the review reached "reviewed" (kept while it is closed) and "closed".
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    participants: Mapped[list[Participant]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Participant.position"
    )
    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="(TimelineEvent.at, TimelineEvent.id)",
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Note.id"
    )
    learnings: Mapped[list[Learning]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Learning.id"
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ActionItem.id"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Meeting.id"
    )

    def __repr__(self) -> str:
        return f"Review(id={self.id!r}, title={self.title!r})"


class Participant(Base):
    """Someone involved in the incident or in the review, with their roles and context."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    on_call: Mapped[bool | None] = mapped_column(Boolean)
    brought_in: Mapped[str] = mapped_column(Text, default="")
    worked_with_team_before: Mapped[bool | None] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Other names the review knows this person by (a chat handle, a display
    #: name, a first name), so that roles-instead-of-names hides them too.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    review: Mapped[Review] = relationship(back_populates="participants")

    def __repr__(self) -> str:
        return f"Participant(id={self.id!r}, name={self.name!r})"


class TimelineEvent(Base):
    """Something that happened during the incident, at a (possibly approximate) time."""

    __tablename__ = "timeline_events"
    # NULLs never collide in a unique index (SQLite and PostgreSQL alike): hand-made events are free.
    __table_args__ = (
        Index("ix_timeline_events_review_id_external_id", "review_id", "external_id", unique=True),
        # A review's events in the order they are read (and the review's own lookups, by its prefix).
        Index("ix_timeline_events_review_order", "review_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # read through the review order index (0010)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="observation")
    source: Mapped[str] = mapped_column(String(200), default="")
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The long form when ``text`` is a one-line summary (an alert's description, a ticket's body):
    #: kept so nothing a tool exported is lost, shown on demand. "" when there is none.
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Where an imported event came from ("csv:<sha1>", "slack:<channel>:<ts>", "bundle:<sha1>"), so that
    #: importing the same file again adds nothing. None for events typed in by hand.
    external_id: Mapped[str | None] = mapped_column(String(200))

    review: Mapped[Review] = relationship(back_populates="events")
    participants: Mapped[list[Participant]] = relationship(
        secondary=event_participants, order_by="Participant.position"
    )

    def __repr__(self) -> str:
        return f"TimelineEvent(id={self.id!r}, at={self.at!r})"


class Note(Base):
    """Something said in the meeting, captured in a phase."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="observation")
    text: Mapped[str] = mapped_column(Text)
    said_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_events.id", ondelete="SET NULL"))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The meeting that was running when the note was taken (None: taken outside any meeting),
    #: so an actions meeting's notes are told from the review's.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)

    review: Mapped[Review] = relationship(back_populates="notes")
    author: Mapped[Participant | None] = relationship()
    event: Mapped[TimelineEvent | None] = relationship()

    def __repr__(self) -> str:
        return f"Note(id={self.id!r}, phase={self.phase!r}, kind={self.kind!r})"


class Learning(Base):
    """Something the organisation knows now that it did not know before."""

    __tablename__ = "learnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), default="technical")
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="learnings")

    def __repr__(self) -> str:
        return f"Learning(id={self.id!r}, category={self.category!r})"


class ActionItem(Base):
    """An improvement someone agreed to look at. Optional by design."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(20), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="open")
    link: Mapped[str] = mapped_column(Text, default="")
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="actions")

    def __repr__(self) -> str:
        return f"ActionItem(id={self.id!r}, title={self.title!r})"


class Meeting(Base):
    """One sitting of the review (a learning review, later an actions meeting)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="review")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_phase: Mapped[str | None] = mapped_column(String(40))
    #: When a meeting that has not started yet is planned (an actions meeting after soak time).
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The meeting's own template (an actions meeting); None: the review's template.
    template: Mapped[str | None] = mapped_column(String(60))
    #: The wrap-up pulse: did the meeting work? (None: not asked.)
    pulse_attended: Mapped[int | None] = mapped_column(Integer)
    pulse_learned: Mapped[int | None] = mapped_column(Integer)
    pulse_would_attend: Mapped[int | None] = mapped_column(Integer)
    pulse_unclear: Mapped[str] = mapped_column(Text, default="", server_default="")

    review: Mapped[Review] = relationship(back_populates="meetings")
    phases: Mapped[list[MeetingPhase]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingPhase.id"
    )
    pauses: Mapped[list[MeetingPause]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingPause.id"
    )
    prompts: Mapped[list[AskedPrompt]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AskedPrompt.id"
    )
    attendees: Mapped[list[Participant]] = relationship(
        secondary=meeting_attendance, order_by="Participant.position"
    )

    def __repr__(self) -> str:
        return f"Meeting(id={self.id!r}, kind={self.kind!r})"


class MeetingPhase(Base):
    """When a meeting spent time in one phase. A phase visited twice has two rows."""

    __tablename__ = "meeting_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="phases")

    def __repr__(self) -> str:
        return f"MeetingPhase(id={self.id!r}, phase={self.phase!r})"


class MeetingPause(Base):
    """A stretch of a meeting when the clock was stopped (a break, a fire drill)."""

    __tablename__ = "meeting_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="pauses")

    def __repr__(self) -> str:
        return f"MeetingPause(id={self.id!r}, started_at={self.started_at!r})"


class AskedPrompt(Base):
    """What the facilitator did with a prompt of the deck: asked, skipped or pinned it."""

    __tablename__ = "asked_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="asked")
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="prompts")

    def __repr__(self) -> str:
        return f"AskedPrompt(id={self.id!r}, status={self.status!r})"
