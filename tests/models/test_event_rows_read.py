"""Reading a review's events: the SQLite fast path reads what the portable query reads.

The fast path (``_sqlite_event_rows``) goes from the review's events to their
links and orders each event's people itself; the portable path (the one
PostgreSQL takes) asks the database to order them. Whatever the participants'
places and whichever review's links are around, both give the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from models import reviews, timeline
from models.entities import Participant
from models.snapshot import _event_rows, load_event_rows
from models.store import Library

NAMES = ("Zed", "Amy", "Bo", "Chioma", "Dev")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(positions=st.permutations(range(len(NAMES))),
       events=st.lists(st.tuples(st.integers(0, 50), st.lists(st.sampled_from(NAMES), unique=True)),
                       max_size=12))
def test_the_fast_read_is_the_portable_read(library: Library, positions: list[int],
                                            events: list[tuple[int, list[str]]]) -> None:
    with library.begin() as session:
        review_id = reviews.create(session, title="Read", timezone="UTC").id
        other_id = reviews.create(session, title="Other", timezone="UTC").id
        for name in NAMES:
            reviews.add_participant(session, review_id, name=name)
            reviews.add_participant(session, other_id, name=name)
        session.flush()
        for name, position in zip(NAMES, positions, strict=True):  # places that are not the id order
            session.execute(update(Participant).where(Participant.review_id == review_id,
                                                      Participant.name == name).values(position=position))
        for minutes, people in events:
            for target in (review_id, other_id):  # the other review's links must not leak in
                timeline.add_event(session, target, at=START + timedelta(minutes=minutes),
                                   text=f"event at {minutes}", participants=people)
    with library.begin() as session:
        fast = load_event_rows(session, review_id)
        portable = _event_rows(session, review_id)
    assert fast == portable
    assert len(fast) == len(events)
    place = dict(zip(NAMES, positions, strict=True))
    for row in fast:
        assert [place[name] for name in row.participants] == sorted(place[name] for name in row.participants)
