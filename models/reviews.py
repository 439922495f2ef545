"""Reviews and their participants: create, read, update, delete.

Every function takes the session as a keyword-only first argument and never
commits; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Unpack
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, nulls_last, select
from sqlalchemy.orm import Session

from models.entities import Meeting, Participant, Review
from models.errors import InvalidFieldError, NotFoundError
from models.snapshot import ReviewSummary, summary_row
from models.vocabulary import REVIEW_KINDS, REVIEW_STATUSES, ROLES
from models.write_fields import ParticipantDetails, ParticipantFields, ReviewFacts, ReviewFields

REVIEW_TEXT_FIELDS = ("title", "summary", "impact")
REVIEW_TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
REVIEW_FIELDS = frozenset(
    (*REVIEW_TEXT_FIELDS, *REVIEW_TIME_FIELDS, "severity", "kind", "status", "timezone", "template",
     "services", "tags")
)


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
    if field in REVIEW_TIME_FIELDS:
        if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
            raise InvalidFieldError(field, "a time needs a timezone")
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


def create(session: Session, *, title: str, template: str = "standard",
           **fields: Unpack[ReviewFacts]) -> Review:
    """A new review, added to the session."""
    review = Review(title=_check_review_value("title", title), template=template,
                    summary="", impact="", services=[], tags=[])
    session.add(review)
    update_fields(review, fields)
    session.flush()
    return review


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


def update(session: Session, review_id: int, **fields: Unpack[ReviewFields]) -> Review:
    review = get_or_raise(session, review_id)
    update_fields(review, fields)
    return review


def delete(session: Session, review_id: int) -> None:
    session.delete(get_or_raise(session, review_id))


def list_reviews(session: Session) -> list[ReviewSummary]:
    """The library, newest incident first (reviews without a start time by creation), in one query.

    Each line carries its review's next meeting: the earliest scheduled one not started yet.
    """
    upcoming = (
        select(Meeting.review_id, func.min(Meeting.scheduled_for).label("upcoming"))
        .where(Meeting.scheduled_for.is_not(None), Meeting.started_at.is_(None), Meeting.ended_at.is_(None))
        .group_by(Meeting.review_id)
        .subquery()
    )
    rows = session.execute(
        select(Review, upcoming.c.upcoming)
        .outerjoin(upcoming, upcoming.c.review_id == Review.id)
        .order_by(nulls_last(func.coalesce(Review.started_at, Review.created_at).desc()), Review.id.desc())
    )
    return [summary_row(r, _aware(when)) for r, when in rows]


def _aware(moment: datetime | None) -> datetime | None:
    """An aggregate loses the column type on some backends: read a naive time as UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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


def update_participant(session: Session, participant_id: int,
                       **fields: Unpack[ParticipantFields]) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFoundError("participant", participant_id)
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
