"""Reviews and their participants: create, read, update, delete.

Every function takes the session as a keyword-only first argument and never
commits; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Unpack
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func, nulls_last, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from models.entities import Meeting, Participant, Review
from models.errors import DomainError, InvalidFieldError, NotFoundError
from models.lifecycle import status_stamps
from models.review_summary import upcoming_kind
from models.snapshot import ReviewSummary
from models.vocabulary import REVIEW_KINDS, REVIEW_STATUSES, ROLES
from models.write_fields import ParticipantDetails, ParticipantFields, ReviewFacts, ReviewFields

REVIEW_TEXT_FIELDS = ("title", "summary", "impact")
REVIEW_TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
#: Lifecycle stamps: set by a change of status (:func:`models.lifecycle.status_stamps`) or given.
REVIEW_STAMP_FIELDS = ("reviewed_at", "closed_at")
REVIEW_FIELDS = frozenset(
    (*REVIEW_TEXT_FIELDS, *REVIEW_TIME_FIELDS, *REVIEW_STAMP_FIELDS, "severity", "kind", "status", "timezone",
     "template", "services", "tags", "analysis_due")
)


class StaleEditError(DomainError):
    """A field was changed by someone else since the editor read it; nothing was written.

    ``started_from`` is the value the editor began from, ``theirs`` the value
    stored now (what the other person wrote), ``mine`` the value the editor
    wanted to write. To keep theirs, show ``theirs`` ("Reload"); to keep
    mine, write ``mine`` again expecting ``theirs`` (``ReviewService.keep_mine``):
    a third change meanwhile is then caught the same way. ``item`` says what
    was edited ("review", "participant", "note", "learning", "action") and
    ``item_id`` which one (the review's id for the review itself).
    """

    def __init__(self, review_id: int, field: str, *, started_from: Any, theirs: Any, mine: Any,
                 item: str = "review", item_id: int | None = None) -> None:
        super().__init__(f"{field}: someone else changed it since you began editing: it is now "
                         f"{_shown(theirs)}, yours is {_shown(mine)}; nothing was written")
        self.review_id = review_id
        self.item = item
        self.item_id = review_id if item_id is None else item_id
        self.field = field
        self.started_from = started_from
        self.theirs = theirs
        self.mine = mine


def _shown(value: Any, limit: int = 60) -> str:
    if value is None or value == "" or value == [] or value == ():
        return "empty"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _comparable(value: Any) -> Any:
    """A field's value as two readers compare it: a list, whatever the sequence it was read as."""
    if isinstance(value, tuple):
        return list(value)
    return value


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA timezone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidFieldError("timezone", f"{name!r} is not a known IANA timezone name") from exc
    return name


def _check_review_value(field: str, value: Any) -> Any:
    if field == "title":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("title", "a review needs a title")
        return value.strip()
    if field in ("summary", "impact"):
        return (value or "").strip()
    if field in REVIEW_TIME_FIELDS or field in REVIEW_STAMP_FIELDS:
        if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
            raise InvalidFieldError(field, "a time needs a timezone")
        return value
    if field == "analysis_due":
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise InvalidFieldError(field, "must be a date (YYYY-MM-DD)")
        return value
    if field == "kind" and value not in REVIEW_KINDS:
        raise InvalidFieldError("kind", f"must be one of {', '.join(REVIEW_KINDS)}")
    if field == "status" and value not in REVIEW_STATUSES:
        raise InvalidFieldError("status", f"must be one of {', '.join(REVIEW_STATUSES)}")
    if field == "timezone":
        return check_timezone(value)
    if field in ("services", "tags"):
        return [str(v).strip() for v in (value or []) if str(v).strip()]
    if field == "severity":
        return value or None
    return value


def check_uid(value: Any) -> str:
    """``value`` as a review uid (a UUID, in its canonical lower-case text); InvalidFieldError otherwise."""
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise InvalidFieldError("uid", f"{_shown(value)} is not a review uid (a UUID like "
                                       "5b0d3c1e-8f9a-4c2b-9d1e-2f3a4b5c6d7e)") from None


def create(session: Session, *, title: str, template: str = "standard", uid: str | None = None,
           **fields: Unpack[ReviewFacts]) -> Review:
    """A new review, added to the session; ``uid`` keeps the identity of a review from elsewhere.

    A ``uid`` another review of this library has already is refused (InvalidFieldError).
    """
    review = Review(title=_check_review_value("title", title), template=template,
                    summary="", impact="", services=[], tags=[])
    if uid is not None:
        review.uid = check_uid(uid)
        if get_by_uid(session, review.uid) is not None:
            raise InvalidFieldError("uid", f"a review with uid {review.uid} is in the library already")
    session.add(review)
    update_fields(review, fields)
    session.flush()
    return review


def get_by_uid(session: Session, uid: str) -> Review | None:
    """The review with identity ``uid`` (None when this library has none)."""
    return session.scalars(select(Review).where(Review.uid == uid)).one_or_none()


def update_fields(review: Review, fields: Mapping[str, object]) -> None:
    """Set validated ``fields`` on ``review`` (any names: each is checked against ``REVIEW_FIELDS``)."""
    for field, value in fields.items():
        if field not in REVIEW_FIELDS:
            raise InvalidFieldError(field, "not a field of a review")
        setattr(review, field, _check_review_value(field, value))


def get_or_raise(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFoundError("review", review_id)
    return review


def update(session: Session, review_id: int, *, expected: Mapping[str, object] | None = None,
           now: datetime | None = None, **fields: Unpack[ReviewFields]) -> Review:
    """Change some fields of a review.

    ``expected``: the value of each named field the editor began from. When
    one is no longer stored, someone else changed it meanwhile, and
    :class:`StaleEditError` is raised before anything is set (unless what is
    stored is already what is being written: two people making the same edit
    do not conflict). Fields left out of ``expected`` are written whatever is
    stored (last writer wins). The check and the write are one: the row is
    updated only at the version it was read with (``Review.version``), so a
    writer that commits in between makes this flush fail with SQLAlchemy's
    ``StaleDataError`` rather than be overwritten; the caller tries again.

    ``now``: when given, a change of status stamps ``reviewed_at`` and
    ``closed_at`` (:func:`models.lifecycle.status_stamps`) unless the fields give them.
    """
    review = get_or_raise(session, review_id)
    check_unchanged(review, expected or {}, fields)
    changes: dict[str, object] = dict(fields)
    if now is not None and "status" in fields and not set(REVIEW_STAMP_FIELDS) & fields.keys():
        new_status = _check_review_value("status", fields["status"])
        reviewed_at, closed_at = status_stamps(old=review.status, new=new_status,
                                               reviewed_at=review.reviewed_at, closed_at=review.closed_at,
                                               now=now)
        changes.update(reviewed_at=reviewed_at, closed_at=closed_at)
    update_fields(review, changes)
    return review


def check_unchanged(review: Review, expected: Mapping[str, object], fields: Mapping[str, object]) -> None:
    """Raise :class:`StaleEditError` for the first field of ``expected`` whose stored value moved on."""
    check_row_unchanged(review, expected, fields, review_id=review.id, item="review", item_id=review.id,
                        known=REVIEW_FIELDS, check=_check_review_value)


def check_row_unchanged(row: object, expected: Mapping[str, object], fields: Mapping[str, object], *,
                        review_id: int, item: str, item_id: int, known: Collection[str],
                        check: Callable[[str, Any], Any]) -> None:
    """Raise :class:`StaleEditError` for the first field of ``expected`` whose value stored in ``row``
    is neither the one the editor began from nor (already) the one being written.

    Any stored row (a review, a participant, a note, a learning, an action): ``known`` are its
    fields, ``check`` turns a value given into the value stored (as the update itself would).
    Called in the transaction that then writes, so the check and the write see the same row.
    """
    for field, started_from in expected.items():
        if field not in known:
            raise InvalidFieldError(field, f"not a field of a {item}")
        stored = _comparable(getattr(row, field))
        if stored == _comparable(started_from):
            continue
        if field in fields and stored == _comparable(check(field, fields[field])):
            continue  # the same edit made twice: nothing to choose between
        raise StaleEditError(review_id, field, started_from=started_from, theirs=stored,
                             mine=_comparable(fields.get(field)), item=item, item_id=item_id)


def delete(session: Session, review_id: int) -> None:
    session.delete(get_or_raise(session, review_id))


def list_reviews(session: Session) -> list[ReviewSummary]:
    """The library, newest incident first (reviews without a start time by creation), in one query.

    Each line carries its review's next meeting: the earliest scheduled one not started yet, and
    whether it is the review meeting (the earliest review meeting planned is at that time) or an
    actions meeting.
    """
    upcoming = (
        select(Meeting.review_id, func.min(Meeting.scheduled_for).label("upcoming"),
               func.min(case((Meeting.kind == "review", Meeting.scheduled_for))).label("review_meeting"))
        .where(Meeting.scheduled_for.is_not(None), Meeting.started_at.is_(None), Meeting.ended_at.is_(None))
        .group_by(Meeting.review_id)
        .subquery()
    )
    # The listed columns only (not whole ORM objects with their summaries): 5,000 reviews list
    # in a fraction of the time.
    rows = session.execute(
        select(Review.id, Review.title, Review.started_at, Review.severity, Review.status, Review.kind,
               Review.template, Review.timezone, Review.created_at, Review.updated_at, Review.services,
               Review.tags, upcoming.c.upcoming, upcoming.c.review_meeting)
        .outerjoin(upcoming, upcoming.c.review_id == Review.id)
        .order_by(nulls_last(func.coalesce(Review.started_at, Review.created_at).desc()), Review.id.desc())
    )
    return [ReviewSummary(ident, title, started, severity, status, kind, template, zone, created, updated,
                          _aware(when), tuple(services or ()), tuple(tags or ()),
                          upcoming_kind(when, review_meeting))
            for (ident, title, started, severity, status, kind, template, zone, created, updated, services,
                 tags, when, review_meeting) in rows]



@dataclass(frozen=True)
class LifecycleRow:
    """What the lifecycle needs of one review: its status and the dates that matter."""

    id: int
    title: str
    status: str
    severity: str | None
    timezone: str
    resolved_at: datetime | None
    #: The due date someone set; None: derived from ``resolved_at`` (models.lifecycle).
    analysis_due: date | None
    reviewed_at: datetime | None
    closed_at: datetime | None
    #: When the latest meeting that was held started (None: none yet).
    last_meeting: datetime | None
    #: When the next scheduled meeting (not started) is planned (None: none is).
    upcoming: datetime | None


def list_lifecycle(session: Session, *, statuses: tuple[str, ...] | None = None) -> list[LifecycleRow]:
    """Each review (of ``statuses`` if given) with its lifecycle dates, oldest resolution first; one query."""
    held = (
        select(Meeting.review_id, func.max(Meeting.started_at).label("held"))
        .where(Meeting.started_at.is_not(None))
        .group_by(Meeting.review_id)
        .subquery()
    )
    upcoming = (
        select(Meeting.review_id, func.min(Meeting.scheduled_for).label("upcoming"))
        .where(Meeting.scheduled_for.is_not(None), Meeting.started_at.is_(None), Meeting.ended_at.is_(None))
        .group_by(Meeting.review_id)
        .subquery()
    )
    query = (
        select(Review.id, Review.title, Review.status, Review.severity, Review.timezone, Review.resolved_at,
               Review.analysis_due, Review.reviewed_at, Review.closed_at, held.c.held, upcoming.c.upcoming)
        .outerjoin(held, held.c.review_id == Review.id)
        .outerjoin(upcoming, upcoming.c.review_id == Review.id)
        .order_by(nulls_last(Review.resolved_at.asc()), Review.id)
    )
    if statuses is not None:
        query = query.where(Review.status.in_(statuses))
    return [LifecycleRow(ident, title, status, severity, zone, resolved, due, reviewed, closed, _aware(last),
                         _aware(next_one))
            for ident, title, status, severity, zone, resolved, due, reviewed, closed, last, next_one
            in session.execute(query)]


def _aware(moment: datetime | None) -> datetime | None:
    """An aggregate loses the column type on some backends: read a naive time as UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


#: Every field :func:`update_participant` may change.
PARTICIPANT_FIELDS = ParticipantFields.__required_keys__ | ParticipantFields.__optional_keys__


def _check_participant_value(field: str, value: Any) -> Any:
    if field == "name":
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError("name", "a participant needs a name")
        return value.strip()
    if field == "roles":
        roles = list(dict.fromkeys(value or []))
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise InvalidFieldError("roles", f"unknown role {unknown[0]!r} (known: {', '.join(ROLES)})")
        return roles
    if field in ("on_call", "worked_with_team_before"):
        if value is not None and not isinstance(value, bool):
            raise InvalidFieldError(field, "must be yes, no or unknown")
        return value
    if field == "brought_in":
        return (value or "").strip()
    raise InvalidFieldError(field, "not a field of a participant")


def add_participant(session: Session, review_id: int, *, name: str,
                    **fields: Unpack[ParticipantDetails]) -> Participant:
    review = get_or_raise(session, review_id)
    name = _check_participant_value("name", name)
    if any(p.name == name for p in review.participants):
        raise InvalidFieldError("name", f"{name!r} is already a participant")
    position = max((p.position for p in review.participants), default=-1) + 1
    participant = Participant(name=name, roles=[], brought_in="", position=position)
    for field, value in fields.items():
        setattr(participant, field, _check_participant_value(field, value))
    review.participants.append(participant)
    session.flush()
    return participant


def update_participant(session: Session, participant_id: int, *,
                       expected: Mapping[str, object] | None = None,
                       **fields: Unpack[ParticipantFields]) -> Participant:
    """Change some fields of a participant; ``expected`` as for :func:`update` (StaleEditError)."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFoundError("participant", participant_id)
    check_row_unchanged(participant, expected or {}, fields, review_id=participant.review_id,
                        item="participant", item_id=participant_id, known=PARTICIPANT_FIELDS,
                        check=_check_participant_value)
    for field, value in fields.items():
        value = _check_participant_value(field, value)
        if field == "name" and value != participant.name and session.scalar(
            select(Participant.id).where(Participant.review_id == participant.review_id,
                                         Participant.name == value)
        ):
            raise InvalidFieldError("name", f"{value!r} is already a participant")
        setattr(participant, field, value)
    return participant


def delete_participant(session: Session, participant_id: int) -> int:
    """Remove a participant; returns the review id. Their notes keep their text."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFoundError("participant", participant_id)
    review_id = participant.review_id
    session.execute(sql_delete(Participant).where(Participant.id == participant_id))
    session.expire_all()
    return review_id
