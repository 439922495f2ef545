"""Where the meeting is: the current phase of the open review, recorded as it moves."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.clock import Clock, system_clock
from models import meetings
from models.catalog import Catalog, Phase, Template
from models.store import Library


class MeetingController(QObject):
    """Moves a review's meeting through its template's phases and records when.

    Signals:
        phase_changed(str): the id of the phase the meeting is now in.
    """

    phase_changed = Signal(str)

    def __init__(self, library: Library, catalog: Catalog, clock: Clock = system_clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._catalog = catalog
        self._clock = clock
        self.review_id: int | None = None
        self.template: Template | None = None
        self.phase_id: str | None = None

    def open(self, review_id: int, template_id: str) -> None:
        """Take up the review where its running meeting left off (first phase if none)."""
        self.review_id = review_id
        self.template = self._catalog.template_or_default(template_id)
        with self._library.begin() as session:
            meeting = meetings.live_meeting(session, review_id, now=self._clock())
            current = meeting.current_phase if meeting is not None else None
        if current is None or self.template.phase(current) is None:
            current = self.template.phases[0].id
        self.phase_id = current
        self.phase_changed.emit(current)

    def close(self) -> None:
        self.review_id = None
        self.template = None
        self.phase_id = None

    @property
    def phase(self) -> Phase | None:
        if self.template is None or self.phase_id is None:
            return None
        return self.template.phase(self.phase_id)

    def phase_index(self) -> int:
        assert self.template is not None
        return self.template.phase_ids().index(self.phase_id or "")

    def go_to(self, phase_id: str) -> None:
        """Move to ``phase_id`` and record the moment in the meeting."""
        if self.review_id is None or self.template is None or self.template.phase(phase_id) is None:
            return
        if phase_id == self.phase_id:
            return
        with self._library.begin() as session:
            meetings.enter_phase(session, self.review_id, phase_id, now=self._clock())
        self.phase_id = phase_id
        self.phase_changed.emit(phase_id)

    def next_phase(self) -> None:
        self._step(1)

    def previous_phase(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if self.template is None:
            return
        ids = self.template.phase_ids()
        index = self.phase_index() + delta
        if 0 <= index < len(ids):
            self.go_to(ids[index])
