"""A review with a whole meeting record, built through the model functions the app uses; and a way
to compare two reviews whatever their ids (what a bundle or a copy must keep exactly)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from models import attendance, meetings, notes, prompt_log, reviews, timeline
from models.entities import ActionItem, Learning, Note, TimelineEvent
from models.snapshot import ReviewDoc, load_review
from models.store import Library

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def at(minutes: float = 0, *, days: int = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


def build_review(library: Library, *, title: str = "Checkout errors after config push") -> int:
    """A reviewed incident with two held meetings (a review, then an actions meeting) and one scheduled.

    The review meeting: attendance, four phase visits (timeline twice), a pause,
    prompts asked, skipped and pinned, the pulse, notes linked to events,
    authors and the meeting. The actions meeting: its own template, scheduled
    first, then held; a pause still open when it ended. Then a third meeting is
    scheduled and never held. Learnings and actions are drawn from notes.
    """
    with library.begin() as session:
        review = reviews.create(
            session, title=title, summary="A config change turned on strict validation.\nSaved carts failed.",
            severity="SEV2", timezone="Europe/Berlin", started_at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
            detected_at=datetime(2026, 3, 2, 9, 21, 30, tzinfo=UTC),
            resolved_at=datetime(2026, 3, 2, 10, 30, 0, 250000, tzinfo=UTC), impact="12% of checkouts",
            services=["checkout", "config-service"], tags=["config"], analysis_due=date(2026, 3, 10))
        rid = review.id
        kim = reviews.add_participant(session, rid, name="Kim", roles=["responder"], on_call=True).id
        sam = reviews.add_participant(session, rid, name="Sam", roles=["facilitator"]).id
        noor = reviews.add_participant(session, rid, name="Noor", roles=["note-taker"]).id
        session.get_one(type(review.participants[0]), kim).aliases = ["kim.w", "@kim"]
        push = timeline.add_event(session, rid, at=datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
                                  text="Config pushed", kind="change", participants=["Kim"],
                                  detail="All regions")
        push.external_id = "csv:0123456789abcdef"
        alert = timeline.add_event(session, rid, at=datetime(2026, 3, 2, 9, 21, 30, tzinfo=UTC),
                                   text="Alert fires", kind="detection", source="alert",
                                   participants=["Kim", "Sam"])
        timeline.add_event(session, rid, at=datetime(2026, 3, 2, 9, 21, 30, tzinfo=UTC), text="Same second",
                           approximate=True)
        early = notes.add_note(session, rid, phase="level-setting", text="Written before any meeting",
                               said_at=at(-60))

        # The review meeting.
        attendance.set_attendance(session, rid, [kim, sam, noor], now=at(0))
        review_meeting = meetings.enter_phase(session, rid, "level-setting", now=at(1)).id
        prompt_log.record_prompt(session, rid, phase="level-setting", prompt="What happened?", status="asked",
                                 now=at(2))
        meetings.enter_phase(session, rid, "timeline", now=at(10))
        prompt_log.record_prompt(session, rid, phase="timeline", prompt="What looked weird?", status="pinned",
                                 now=at(11))
        surprise = notes.add_note(session, rid, phase="timeline", kind="surprise",
                                  text="Dashboards looked normal", said_at=at(12), author_id=kim,
                                  event_id=alert.id, meeting_id=review_meeting)
        meetings.pause_meeting(session, rid, now=at(20))
        meetings.resume_meeting(session, rid, now=at(27))
        meetings.enter_phase(session, rid, "learnings", now=at(30))
        learned = notes.add_note(session, rid, phase="learnings", kind="learning",
                                 text="Sampling hides errors", said_at=at(31), meeting_id=review_meeting)
        meetings.enter_phase(session, rid, "timeline", now=at(35))
        prompt_log.record_prompt(session, rid, phase="timeline", prompt="Who knew what, when?",
                                 status="skipped", now=at(36))
        idea = notes.add_note(session, rid, phase="timeline", kind="parking-lot", text="Alert on queue depth",
                              said_at=at(37), author_id=sam, event_id=push.id, meeting_id=review_meeting,
                              private=True)
        meetings.enter_phase(session, rid, "wrap-up", now=at(50))
        meetings.set_pulse(session, review_meeting, attended=3, learned=2, would_attend=3, unclear="Scope")
        meetings.end_meeting(session, rid, now=at(60))
        notes.update_learning(session, session.scalars(  # made by the note's kind
            select(Learning.id).where(Learning.note_id == learned.id)).one(), category="knowledge")
        notes.add_learning(session, rid, text="Config skips canary", category="process")

        # The actions meeting: scheduled, then held with its own template; a pause left open.
        meetings.schedule_actions_meeting(session, rid, when=at(0, days=2), now=at(61))
        actions_meeting = meetings.enter_phase(session, rid, "parking-lot", now=at(5, days=2)).id
        attendance.set_attendance(session, rid, [kim, noor], now=at(6, days=2))
        meetings.enter_phase(session, rid, "actions", now=at(15, days=2))
        decided = notes.add_note(session, rid, phase="actions", kind="action",
                                 text="Alert on saved carts. Soon.", said_at=at(16, days=2), author_id=noor,
                                 meeting_id=actions_meeting)
        meetings.pause_meeting(session, rid, now=at(25, days=2))
        meetings.end_meeting(session, rid, now=at(30, days=2))
        notes.promote_to_action(session, idea.id)
        # The note's kind made its action.
        made = session.scalars(select(ActionItem).where(ActionItem.note_id == decided.id)).one()
        notes.update_action(session, made.id, owner="Kim", due=date(2026, 3, 20), priority="high",
                            status="in-progress", link="https://t/1")
        notes.add_action(session, rid, title="Canary config changes", priority="low")

        # A meeting still to come.
        meetings.schedule_actions_meeting(session, rid, when=at(0, days=9), now=at(31, days=2))
        reviews.update(session, rid, status="reviewed", now=at(31, days=2))
        assert surprise.id and early.id
    return rid


def external_ids(library: Library, review_id: int) -> dict[str, str]:
    """Event text → import origin, for the events that have one."""
    with library.begin() as session:
        rows = session.execute(select(TimelineEvent.text, TimelineEvent.external_id)
                               .where(TimelineEvent.review_id == review_id,
                                      TimelineEvent.external_id.is_not(None)))
        return {text: origin for text, origin in rows if origin is not None}


def note_meetings(library: Library, review_id: int) -> list[int | None]:
    with library.begin() as session:
        return list(session.scalars(
            select(Note.meeting_id).where(Note.review_id == review_id).order_by(Note.id)))


def read(library: Library, review_id: int) -> ReviewDoc:
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    return doc


def comparable(doc: ReviewDoc) -> dict[str, Any]:
    """``doc`` with every id replaced by a position, and the stamps of this library left out.

    What must be the same after a bundle or a copy: every field, every link
    (a note's event, author and meeting; a learning's note; who attended), in order.
    """
    people = {p.id: i for i, p in enumerate(doc.participants)}
    events = {e.id: i for i, e in enumerate(doc.events)}
    notes_at = {n.id: i for i, n in enumerate(doc.notes)}
    meetings_at = {m.id: i for i, m in enumerate(doc.meetings)}
    data = asdict(doc)
    for key in ("id", "updated_at", "version"):
        data.pop(key)
    data["participants"] = [{k: v for k, v in p.items() if k != "id"} for p in data["participants"]]
    data["events"] = [tuple(e)[1:] for e in doc.events]
    local = ("id", "created_at", "author_id", "event_id", "meeting_id")
    data["notes"] = [
        {**{k: v for k, v in n.items() if k not in local},
         "author": people.get(n["author_id"]), "event": events.get(n["event_id"]),
         "meeting": meetings_at.get(n["meeting_id"])}
        for n in data["notes"]]
    for key in ("learnings", "actions"):
        data[key] = [{**{k: v for k, v in x.items() if k not in ("id", "note_id")},
                      "note": notes_at.get(x["note_id"])}
                     for x in data[key]]
    data["meetings"] = [{**{k: v for k, v in m.items() if k not in ("id", "attendees")},
                         "attendees": [people[i] for i in m["attendees"]]} for m in data["meetings"]]
    return data
