"""What the projector shows: the room's view of the open review, from shared data only.

The room never sees private notes or the language coach's flags, and with
"show roles" on, people are named by their role (see ``models.anonymize``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from models.anonymize import room_speaker, room_text
from models.catalog import Phase
from models.snapshot import EventRow, NoteRow, ReviewDoc
from models.timefmt import APPROXIMATE, wall_clock


@dataclass(frozen=True)
class RoomState:
    """What the room sees. Build it from shared data only."""

    phase: str = ""
    goal: str = ""
    prompt: str = ""
    timer: str = ""
    overrun: int = 0  # 0 on time, 1 over, 2 well over
    event: str = ""
    notes: tuple[NoteRow, ...] = field(default=())
    speakers: dict[int, str] = field(default_factory=dict)  # note id → name or role shown


def project_room(doc: ReviewDoc, phase: Phase, *, prompt: str, event: EventRow | None, roles: bool,
                 timer: str, overrun: int, held: frozenset[int] = frozenset()) -> RoomState:
    """The room's view of ``phase`` of ``doc``: its shared notes, the event under discussion, the prompt.

    ``held``: notes kept from the room (the language coach flagged them and nobody confirmed them yet).
    """
    event_text = ""
    if event is not None:
        when = wall_clock(event.at, doc.zone(), with_date=False)
        what = room_text(event.text, doc, roles)
        event_text = f"{APPROXIMATE if event.approximate else ''}{when}  {what}"
    notes = tuple(replace(n, text=room_text(n.text, doc, roles))
                  for n in doc.notes_for_phase(phase.id, include_private=False) if n.id not in held)
    speakers = {n.id: who for n in notes if (who := room_speaker(n, doc, roles))}
    return RoomState(phase=phase.name, goal=phase.goal, prompt=prompt, timer=timer, overrun=overrun,
                     event=event_text, notes=notes, speakers=speakers)
