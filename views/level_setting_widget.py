"""Level setting: the facts of the incident and who was involved, edited in place.

Every field commits the moment it is left (no Save button). A value the domain
refuses is not written: the field turns red and a message under the form says
what is wrong, until it is fixed.

The page puts together :class:`views.facts_form.FactsForm` (one binding of
``views.field_bindings`` per field, and the key metrics) and
:class:`views.participants_panel.ParticipantsPanel`, and feeds both from the
open review.
"""

from __future__ import annotations

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QScrollArea, QVBoxLayout, QWidget

from app.changes import ReviewChanges
from app.open_review import OpenReview
from app.review_service import ReviewService
from models.snapshot import ParticipantRow, ReviewDoc
from views.facts_form import FactsForm
from views.models.participants_table_model import ParticipantsTableModel
from views.participants_panel import ParticipantsPanel


class LevelSettingWidget(QWidget):
    """The facts of one review (title, severity, times, impact…) and its participants.

    Edits commit through ``ReviewService.update`` as each field is left; the
    widget shows the open review (``OpenReview``) and follows its change sets
    while it is seen (and fills itself from it when shown again). Times are
    shown and typed as wall-clock in the review's timezone.
    """

    COL_NAME = ParticipantsTableModel.COL_NAME
    COL_ROLES = ParticipantsTableModel.COL_ROLES
    COL_ON_CALL = ParticipantsTableModel.COL_ON_CALL
    COL_BROUGHT_IN = ParticipantsTableModel.COL_BROUGHT_IN
    COL_WORKED_BEFORE = ParticipantsTableModel.COL_WORKED_BEFORE
    COL_IN_ROOM = ParticipantsTableModel.COL_IN_ROOM

    def __init__(self, reviews: ReviewService, current: OpenReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelSettingWidget")
        self._current = current
        #: The id of the review the form shows (the review itself is ``current.doc``).
        self._shown: int | None = None

        self._facts = FactsForm(reviews, self._shown_doc)
        # Looked up at each removal, so that a test can replace ``confirm_remove``.
        self._participants = ParticipantsPanel(reviews, self._shown_doc, lambda p: self.confirm_remove(p))

        content = QWidget()
        content.setObjectName("levelSettingContent")
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self._facts)
        content_layout.addWidget(self._participants)
        content_layout.addStretch(1)
        self._content = content
        self._content.setEnabled(False)

        scroll = QScrollArea(self)
        scroll.setObjectName("levelSettingScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        current.changed.connect(self._current_changed)
        if current.doc is not None:
            self._show(current.doc)

    @property
    def typed(self) -> SignalInstance:
        """Emitted when text is typed into a field of the form."""
        return self._facts.typed

    def drafts(self) -> dict[str, str]:
        """The fields typed in and not committed yet (kept through a crash by the page), by field."""
        return self._facts.drafts()

    def restore_drafts(self, drafts: dict[str, str]) -> list[str]:
        """Put drafts kept from before back into their fields, as not committed; returns the fields."""
        doc = self._shown_doc()
        return self._facts.restore_drafts(doc, drafts) if doc is not None else []

    def commit_pending(self) -> None:
        """Commit every field the user changed but has not left yet (e.g. before closing)."""
        self._facts.commit_pending()

    def in_the_room(self) -> frozenset[int]:
        """The participant ids ticked "In the room"."""
        return self._participants.in_the_room()

    def confirm_remove(self, participant: ParticipantRow) -> bool:
        """Whether the user agrees to remove ``participant`` (tests replace this)."""
        answer = QMessageBox.question(
            self,
            self.tr("Remove participant"),
            self._removal_text(participant),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _shown_doc(self) -> ReviewDoc | None:
        """The open review, while it is the one the form shows."""
        doc = self._current.doc
        return doc if doc is not None and doc.id == self._shown else None

    def _show(self, doc: ReviewDoc) -> None:
        """Fill the page from ``doc`` without writing anything.

        For the review already shown, a field the user is still editing keeps
        their text; another review's page starts clean.
        """
        switching = self._shown != doc.id
        self._shown = doc.id
        self._facts.show_review(doc, force=switching)
        self._participants.show_review(doc, force=switching)
        self._content.setEnabled(True)

    def _clear(self) -> None:
        self._shown = None
        self._participants.clear()
        self._content.setEnabled(False)

    def _removal_text(self, participant: ParticipantRow) -> str:
        """What removing ``participant`` loses, said plainly (there is no undo for it)."""
        doc = self._shown_doc()
        notes = sum(1 for n in doc.notes if n.author_id == participant.id) if doc else 0
        events = sum(1 for e in doc.events if participant.name in e.participants) if doc else 0
        text = self.tr("Remove {name} from this review? This cannot be undone.").format(name=participant.name)
        if notes:
            text += " " + self.tr("{count} note(s) they said keep their text but lose the speaker.").format(
                count=notes)
        if events:
            text += " " + self.tr("They are taken off {count} timeline event(s), and their lane leaves the "
                                  "who-knew-what-when chart.").format(count=events)
        return text

    def _current_changed(self, changes: ReviewChanges) -> None:
        doc = self._current.doc
        if doc is None or doc.id != self._shown:
            if doc is None:
                self._clear()
            else:
                self._show(doc)
            return
        if not self.isVisible() and not changes.opened:
            return  # filled from the open review when shown again
        if changes.opened or changes.facts or changes.participants or changes.attendance:
            self._show(doc)
        elif changes.touches_events():
            self._facts.show_metrics(doc)  # the key times may come from the timeline

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        doc = self._shown_doc()
        if doc is not None:
            self._show(doc)
