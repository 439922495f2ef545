"""Roles instead of names: labels, and no participant name left anywhere."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

from models.anonymize import anonymize, display_name, role_labels, room_speaker, room_text
from models.snapshot import ActionRow, EventRow, LearningRow, NoteRow, ParticipantRow, ReviewDoc

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def person(pid: int, name: str, *roles: str) -> ParticipantRow:
    return ParticipantRow(pid, name, roles, None, "", None)


PEOPLE = (
    person(1, "Ana Ruiz", "incident-commander"),
    person(2, "Bo", "responder"),
    person(3, "Cy Lee", "responder", "observer"),
    person(4, "Dee"),
    person(5, "Ed"),
)


def make_doc() -> ReviewDoc:
    note = NoteRow(1, "timeline", "observation", "Bo paged ana ruiz; Bob and Boston stayed out", AT, 2, "Bo",
                   None, False, AT)
    return ReviewDoc(
        id=1, title="Outage Dee saw", summary="Cy Lee rolled back", severity=None, kind="incident",
        status="draft", timezone="UTC", template="standard", started_at=AT, detected_at=None,
        mitigated_at=None, resolved_at=None, impact="", services=(), tags=(), created_at=AT, updated_at=AT,
        participants=tuple(dataclasses.replace(p, brought_in="asked by Ana Ruiz") for p in PEOPLE),
        events=(EventRow(1, AT, "Ed restarted the pod", "action", "chat: Ed", False, ("Ed", "Bo")),),
        notes=(note,),
        learnings=(LearningRow(1, "Dee knew the runbook", "knowledge", None),),
        actions=(ActionRow(1, "Pair with Cy Lee", "Ed to write it up", "Ana Ruiz", None, "low", "open", "",
                           None),
                 ActionRow(2, "Fix alert", "", "Platform team", None, "low", "open", "", None)),
        meetings=(),
    )


def test_role_labels_number_shared_roles_and_the_roleless() -> None:
    """A role held once is bare; a shared role and no role are numbered in participant order."""
    assert role_labels(PEOPLE) == {1: "Incident commander", 2: "Responder 1", 3: "Responder 2",
                                   4: "Participant 1", 5: "Participant 2"}
    assert display_name(PEOPLE[2], PEOPLE) == "Responder 2"
    assert display_name(PEOPLE[0]) == "Incident commander"


def test_anonymize_leaves_no_name_and_keeps_other_words() -> None:
    """Every participant name (whole words, any case) becomes a role label; Bob and Boston stay."""
    doc = anonymize(make_doc())
    text = repr(doc)
    for name in ("Ana Ruiz", "Bo", "Cy Lee", "Dee", "Ed"):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    assert doc.notes[0].text == "Responder 1 paged Incident commander; Bob and Boston stayed out"
    assert doc.notes[0].author == "Responder 1"
    assert doc.events[0].participants == ("Participant 2", "Responder 1")
    assert doc.events[0].source == "chat: Participant 2"
    assert doc.actions[0].owner == "Incident commander"
    assert doc.actions[1].owner == "Platform team"
    assert doc.participants[0].name == "Incident commander"
    assert doc.participants[0].brought_in == "asked by Incident commander"
    assert doc.title == "Outage Participant 1 saw"


def test_room_speaker_and_text_follow_show_roles() -> None:
    """The room view shows names, or roles when asked."""
    doc = make_doc()
    note = doc.notes[0]
    assert room_speaker(note, doc, False) == "Bo"
    assert room_speaker(note, doc, True) == "Responder 1"
    assert room_text("Ed saw it", doc, True) == "Participant 2 saw it"
    assert room_text("Ed saw it", doc, False) == "Ed saw it"
