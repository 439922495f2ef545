"""What the facilitator did with the prompt deck, recorded in the running meeting.

Each action (asked, skipped, pinned, unpinned) is one row of ``asked_prompts``;
replaying a meeting's rows in order (:meth:`models.prompts.PromptDeck.replay`)
gives back the deck as it was, so a reopened app carries on where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import meetings
from models.entities import AskedPrompt
from models.errors import InvalidFieldError
from models.prompts import PROMPT_STATUSES


@dataclass(frozen=True)
class PromptLogEntry:
    """One recorded action on a prompt."""

    id: int
    meeting_id: int
    phase: str
    prompt: str
    status: str
    at: datetime


def _entry(row: AskedPrompt) -> PromptLogEntry:
    return PromptLogEntry(id=row.id, meeting_id=row.meeting_id, phase=row.phase, prompt=row.prompt,
                          status=row.status, at=row.at)


def record_prompt(session: Session, review_id: int, *, phase: str, prompt: str, status: str,
                  now: datetime) -> PromptLogEntry:
    """Record ``status`` for ``prompt`` in the review's running meeting (starting one if none runs)."""
    if status not in PROMPT_STATUSES:
        raise InvalidFieldError("status", f"must be one of {', '.join(PROMPT_STATUSES)}")
    if not phase.strip():
        raise InvalidFieldError("phase", "is required")
    if not prompt.strip():
        raise InvalidFieldError("prompt", "is required")
    meeting = meetings.live_meeting(session, review_id, now=now) or meetings.start_meeting(
        session, review_id, now=now)
    row = AskedPrompt(meeting_id=meeting.id, phase=phase, prompt=prompt, status=status, at=now)
    session.add(row)
    session.flush()
    return _entry(row)


def list_prompt_log(session: Session, meeting_id: int, *, phase: str | None = None
                    ) -> tuple[PromptLogEntry, ...]:
    """The meeting's recorded actions in the order they happened (of one phase if given)."""
    query = select(AskedPrompt).where(AskedPrompt.meeting_id == meeting_id)
    if phase is not None:
        query = query.where(AskedPrompt.phase == phase)
    return tuple(_entry(row) for row in session.scalars(query.order_by(AskedPrompt.id)))


def live_prompt_log(session: Session, review_id: int, *, now: datetime) -> tuple[PromptLogEntry, ...]:
    """The log of the review's running meeting; empty when none runs (none is started)."""
    meeting = meetings.live_meeting(session, review_id, now=now)
    return list_prompt_log(session, meeting.id) if meeting is not None else ()
