"""The keyword arguments of every write: which fields each entity takes, and of what type.

These types exist for the type checker only: a caller that misspells a field
or passes a value of the wrong type is refused by mypy, at the call site.
Nothing is checked against them at run time: the ``_check_*`` functions of
:mod:`models.reviews`, :mod:`models.notes` and :mod:`models.timeline` still
check every value and raise an :class:`~models.errors.InvalidFieldError`
naming the field, for the callers mypy cannot see (a bundle, a form, a test).

Each entity has ``…Fields``: everything an update may change, each key
optional. A create whose required fields are keyword parameters of its own
(a review's title, a participant's name, an action's title) takes the rest
as ``…Details``/``ReviewFacts``; a create that takes all its fields as one
mapping (through an undo command) takes ``New…``, whose required keys are
required. Value types are those stored, as the ORM columns declare them.

``Unpack`` for ``**kwargs`` (PEP 692) comes from :mod:`typing`: it is there
since Python 3.11 (PEP 646), and mypy reads it as PEP 692 asks, so no
``typing_extensions`` is needed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NotRequired, TypedDict


class ReviewFacts(TypedDict, total=False):
    """The facts of a review besides its title and template (what :func:`models.reviews.create` adds)."""

    summary: str
    impact: str
    severity: str | None
    kind: str
    status: str
    timezone: str
    started_at: datetime | None
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    services: list[str]
    tags: list[str]
    #: The analysis due date someone set; None: derived from ``resolved_at`` (models.lifecycle).
    analysis_due: date | None
    #: Lifecycle stamps; a change of status sets them (ReviewService), a bundle carries them.
    reviewed_at: datetime | None
    closed_at: datetime | None


class ReviewFields(ReviewFacts, total=False):
    """Every field :func:`models.reviews.update` may change (``models.reviews.REVIEW_FIELDS``)."""

    title: str
    template: str


class ParticipantDetails(TypedDict, total=False):
    """A participant's fields besides their name (what :func:`models.reviews.add_participant` adds)."""

    roles: list[str]
    on_call: bool | None
    brought_in: str
    worked_with_team_before: bool | None


class ParticipantFields(ParticipantDetails, total=False):
    """Every field :func:`models.reviews.update_participant` may change."""

    name: str


class _EventDetails(TypedDict, total=False):
    kind: str
    source: str
    approximate: bool
    #: The long form beside the one-line text (a tool's description); "" for none.
    detail: str
    #: Names of the review's participants.
    participants: list[str] | tuple[str, ...]


class EventFields(_EventDetails, total=False):
    """Every field :func:`models.timeline.update_event` may change (``models.timeline.EVENT_FIELDS``)."""

    at: datetime
    text: str


class NewEvent(_EventDetails):
    """A whole new event, as :func:`models.timeline.add_event` and ``restore_event`` take it."""

    at: datetime
    text: str


class NoteDetails(TypedDict, total=False):
    """A note's fields besides phase, text and kind (what :func:`models.notes.add_note` adds)."""

    said_at: datetime | None
    author_id: int | None
    event_id: int | None
    private: bool
    #: The meeting the note was taken in (the capture service sets the running one).
    meeting_id: int | None


class NoteFields(NoteDetails, total=False):
    """Every field :func:`models.notes.update_note` may change (``models.notes.NOTE_FIELDS``)."""

    phase: str
    text: str
    kind: str


class NewNote(NoteDetails):
    """A whole new note, as ``CaptureService.add_note`` takes it (``kind`` defaults to an observation)."""

    phase: str
    text: str
    kind: NotRequired[str]


class LearningFields(TypedDict, total=False):
    """Every field :func:`models.notes.update_learning` may change."""

    text: str
    category: str


class ActionDetails(TypedDict, total=False):
    """An action's fields besides its title (what :func:`models.notes.add_action` adds)."""

    description: str
    owner: str
    due: date | None
    priority: str
    status: str
    link: str


class ActionFields(ActionDetails, total=False):
    """Every field :func:`models.notes.update_action` may change (``models.notes.ACTION_FIELDS``)."""

    title: str
