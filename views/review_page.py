"""The meeting: phases on the left, the current phase in the middle, outcomes on the right."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import Services
from app.changes import ReviewChanges
from app.drafts import ReviewDraft
from app.language_guard import LanguageGuard
from app.pending_writes import Outcome, PendingWrites, write_rescue_bundle
from app.room_projection import RoomState, project_room
from app.undo import (
    AddNoteCommand,
    DeleteActionCommand,
    DeleteLearningCommand,
    DeleteNoteCommand,
    EditActionCommand,
    EditLearningCommand,
    EditNoteCommand,
    ErrorCallback,
    PromoteCommand,
    ServiceCommand,
)
from models.catalog import Template
from models.errors import DomainError, StorageError
from models.reviews import StaleEditError
from models.snapshot import NoteRow, ParticipantRow, ReviewDoc
from models.vocabulary import NOTE_KINDS, label
from models.write_fields import ActionFields, LearningFields, NoteDetails, NoteFields
from views.capture_bar import CaptureBar
from views.context_cards_widget import ContextCardsWidget
from views.elided_label import ElidedLabel
from views.keys import is_undo_or_redo
from views.level_setting_widget import LevelSettingWidget
from views.models.notes_table_model import NotesTableModel
from views.outcome_dialogs import ActionDialog, LearningDialog
from views.outcomes_panel import OutcomesPanel
from views.phase_timer_widget import PhaseTimerWidget, phase_clock_text
from views.prompt_deck_widget import PromptDeckWidget
from views.pulse_widget import PulseWidget
from views.schedule_meeting_dialog import ScheduleMeetingDialog
from views.shortcuts_dialog import SHORTCUT_GROUP
from views.similar_panel import SimilarPanel
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog, field_label
from views.storage_banner import StorageBanner
from views.style import icon
from views.walkthrough_panel import WalkthroughPanel

PHASE_ID_ROLE = Qt.ItemDataRole.UserRole
#: Notes rows the list below the walkthrough (or the level-setting form) shows at most before scrolling.
NOTES_ROWS_SHOWN = 4
#: Milliseconds after the last keystroke before what is typed is kept on disk.
DRAFT_DELAY_MS = 1000
#: The splitters whose sizes are remembered between runs (QSettings keys under "review_page/").
SPLITTERS = ("splitter", "context_splitter", "right_splitter")


def _layout_key(name: str, splitter: QSplitter) -> str:
    """Where a splitter's sizes are kept, by its number of panes: sizes kept for another
    number (the right side before it had the similar-incidents panel) are not applied."""
    return f"review_page/{name}/{splitter.count()}"


#: Makes the command of an edit: (fields, what they began from, where a refusal goes).
MakeEdit = Callable[[dict[str, object], dict[str, object], ErrorCallback], ServiceCommand]


class ReviewPage(QWidget):
    """Runs one review's meeting. Every change goes through the services at once.

    Notes, learnings, actions and their edits are written through
    :class:`PendingWrites`: when the library cannot take one now (another
    program holds its lock; the file is gone, the disk full or read-only) the
    window does not freeze and nothing typed is dropped. A note waits under the
    note field as "saving…" and is stored, in order, when the library takes it;
    a library that is gone, full or read-only is said in a banner at the top,
    which can save the review with those notes to a file elsewhere.

    Signals:
        close_requested(): back to the library.
        room_changed(): what the room view shows has changed (see :meth:`room_state`).
    """

    close_requested = Signal()
    room_changed = Signal()
    #: A similar earlier review to open (from the similar-incidents panel of level setting).
    similar_open_requested = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._current = services.current
        self._last_note_id: int | None = None
        self._listed_template: str | None = None
        #: Writes of notes and outcomes, kept in order while the library cannot take them.
        self.writes = PendingWrites(services.library, services.undo, self)
        self.writes.changed.connect(self._writes_changed)
        self.writes.stored.connect(self._pending_stored)
        self.writes.refused.connect(self._pending_refused)
        self.storage_banner = StorageBanner()
        self.storage_banner.save_requested.connect(self.save_elsewhere)

        # header
        self.back_button = QPushButton(self.tr("Library"))
        self.back_button.setIcon(icon("back", self.back_button))
        self.back_button.setToolTip(self.tr("Back to the review library (Ctrl+W)"))
        self.back_button.clicked.connect(self.close_requested)
        # A long title is cut with "…" (whole in its tooltip and the window's title) so that it
        # never widens the window past a laptop's screen; severity and status stay in view.
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("reviewTitle")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.state_label = QLabel()
        self.state_label.setObjectName("reviewState")
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title_label)
        header.addWidget(self.state_label)
        header.addStretch(1)
        self.timer = PhaseTimerWidget(services.meeting)
        header.addWidget(self.timer)

        # phases
        self.phase_list = QListWidget()
        self.phase_list.setObjectName("phaseList")
        self.phase_list.setWordWrap(True)
        self.phase_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.phase_list.currentItemChanged.connect(self._phase_clicked)
        self.prev_button = QPushButton(self.tr("◂ Previous"))
        self.next_button = QPushButton(self.tr("Next ▸"))
        self.prev_button.setToolTip(self.tr("Previous phase (Ctrl+PgUp)"))
        self.next_button.setToolTip(self.tr("Next phase (Ctrl+PgDown)"))
        self.prev_button.clicked.connect(services.meeting.previous_phase)
        self.next_button.clicked.connect(services.meeting.next_phase)
        phases_heading = QLabel(self.tr("PHASES"))
        phases_heading.setObjectName("panelHeading")
        left = self.phases_panel = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(phases_heading)
        left_layout.addWidget(self.phase_list, 1)
        step = QHBoxLayout()
        step.addWidget(self.prev_button)
        step.addWidget(self.next_button)
        left_layout.addLayout(step)

        # current phase
        self.phase_title = QLabel()
        self.phase_title.setObjectName("phaseTitle")
        self.goal_label = ElidedLabel()  # one line beside the phase's name; whole in its tooltip
        self.goal_label.setObjectName("phaseGoal")
        self.prompt_deck = PromptDeckWidget(services.prompts)
        self.context_cards = ContextCardsWidget(services.prompts)
        self.level_setting = LevelSettingWidget(services.reviews, services.current)
        self.walkthrough = WalkthroughPanel(services.reviews, services.current, services.undo)
        self.timeline = self.walkthrough.timeline
        self.timeline.share_shortcuts(self)  # Ctrl+F and Ctrl+Shift+E from the note field too
        self.pulse = PulseWidget(services.meeting)
        self.schedule_button = QPushButton(self.tr("Schedule actions meeting…"))
        self.schedule_button.setToolTip(self.tr("A separate meeting for improvements, after some soak time; "
                                                "it starts from the parking lot"))
        self.schedule_button.clicked.connect(self._schedule_actions_meeting)
        self.wrap_up = QWidget()
        wrap_up_layout = QVBoxLayout(self.wrap_up)
        wrap_up_layout.setContentsMargins(0, 0, 0, 0)
        wrap_up_layout.addWidget(self.pulse, 1)
        schedule_row = QHBoxLayout()
        schedule_row.addWidget(self.schedule_button)
        schedule_row.addStretch(1)
        wrap_up_layout.addLayout(schedule_row)
        self.notes_model = NotesTableModel(self)
        self.notes_model.text_edited.connect(self._edit_note_text)
        self.notes_view = QTableView()
        self.notes_view.setObjectName("notesView")
        self.notes_view.setModel(self.notes_model)
        self.notes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.notes_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notes_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.notes_view.setWordWrap(True)
        self.notes_view.verticalHeader().hide()
        # One line a note (the whole text is in the tooltip and the editor): the list stays compact.
        self.notes_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.notes_view.verticalHeader().setDefaultSectionSize(self.notes_view.fontMetrics().height() + 10)
        # ... and the selected note grows to show all of its text, in place.
        self.notes_view.selectionModel().currentRowChanged.connect(self._expand_current_note)
        self._expanded_row = -1
        self.notes_view.setAlternatingRowColors(True)
        notes_header = self.notes_view.horizontalHeader()
        notes_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        notes_header.setSectionResizeMode(NotesTableModel.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self._size_note_columns(())
        self.notes_label = QLabel()
        self.notes_label.setObjectName("panelHeading")
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.notes_label)
        notes_layout.addWidget(self.notes_view, 1)
        self.context_stack = QStackedWidget()
        self.context_stack.addWidget(self.level_setting)
        self.context_stack.addWidget(self.walkthrough)
        self.context_stack.addWidget(self.wrap_up)
        self.context_splitter = QSplitter(Qt.Orientation.Vertical)
        self.context_splitter.addWidget(self.context_stack)
        self.context_splitter.addWidget(notes_box)
        self.context_splitter.setChildrenCollapsible(False)
        self._notes_sized_by_hand = False
        self.context_splitter.splitterMoved.connect(self._notes_splitter_moved)
        self.capture = CaptureBar()
        self.capture.submitted.connect(self._add_note)
        self.capture.note_edit.textEdited.connect(self._forget_last_note)
        self.capture.set_language_rules(services.language_rules.rules)
        #: Flagged notes stay off the room view until reworded or confirmed (app/language_guard.py).
        self.language_guard = LanguageGuard(services.language_rules.rules)
        self.language_guard.enabled = bool(services.settings.get("language_coach"))
        self.capture.set_coach_enabled(bool(services.settings.get("language_coach")))
        services.settings.changed.connect(self._setting_changed)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        # The phase and its goal on one line: the phase's content gets the height.
        title_row = QHBoxLayout()
        title_row.setSpacing(12)
        title_row.addWidget(self.phase_title, 0, Qt.AlignmentFlag.AlignBaseline)
        title_row.addWidget(self.goal_label, 1)
        center_layout.addLayout(title_row)
        center_layout.addWidget(self.prompt_deck)
        center_layout.addWidget(self.context_splitter, 1)
        center_layout.addWidget(self.capture)

        # outcomes
        self.outcomes = OutcomesPanel()
        self.outcomes.learning_edit_requested.connect(self._edit_learning)
        self.outcomes.learning_delete_requested.connect(self._delete_learning)
        self.outcomes.action_edit_requested.connect(self._edit_action)
        self.outcomes.action_delete_requested.connect(self._delete_action)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(center)
        # Level setting asks "have we seen this before?": the earlier reviews most like this one.
        self.similar = SimilarPanel(services.patterns)
        self.similar.setObjectName("similarIncidents")
        self.similar.open_requested.connect(self.similar_open_requested)
        self._similar_timer = QTimer(self, singleShot=True, interval=2000)
        self._similar_timer.timeout.connect(self._ask_similar)
        self._similar_stale = False
        right = self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.similar)
        right.addWidget(self.context_cards)
        right.addWidget(self.outcomes)
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 0)
        right.setStretchFactor(2, 1)
        right.setChildrenCollapsible(False)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([170, 850, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.storage_banner)
        layout.addWidget(self.splitter, 1)

        self._install_shortcuts()
        self.capture.note_edit.installEventFilter(self)
        services.meeting.phase_changed.connect(services.prompts.set_phase)
        services.meeting.phase_changed.connect(self._show_phase)
        services.prompts.deck_changed.connect(self._room_changed)
        services.meeting.timer_changed.connect(self._room_changed)  # once a second while running
        self.walkthrough.current_event_changed.connect(self._room_changed)
        services.current.changed.connect(self._current_changed)
        # What is typed and not stored yet goes to disk a second after typing stops (app/drafts.py).
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        self.capture.note_edit.textChanged.connect(self._note_typed)
        self.level_setting.typed.connect(self._draft_timer.start)

    # public
    @property
    def doc(self) -> ReviewDoc | None:
        """The open review (held by ``services.current``; the page keeps no copy)."""
        return self._current.doc

    @property
    def review_id(self) -> int | None:
        return self._current.review_id

    def open_review(self, review_id: int) -> bool:
        """Open ``review_id`` (read once); False when there is no such review."""
        if not self._current.open(review_id):
            return False
        self.capture.focus_note()
        return True

    def close_review(self) -> None:
        """Leave the review: what is typed in the form is committed first, a half-typed note kept."""
        self.commit_pending()
        self.save_draft()
        self._current.close()

    def save_draft(self) -> None:
        """Keep what is typed and not stored (the note field, form fields being edited) on disk now."""
        self._draft_timer.stop()
        if self.review_id is not None:
            self._services.drafts.set_review(self.review_id, ReviewDraft(
                note=self.capture.text(), fields=self.level_setting.drafts()))

    def _note_typed(self, text: str) -> None:
        if text:
            self._draft_timer.start()
        else:
            self.save_draft()  # a note just stored (or cleared): its text must not come back as a draft

    def _restore_draft(self, review_id: int) -> None:
        """What was typed here before Debrief last closed, back in its fields (not yet stored)."""
        draft = self._services.drafts.review(review_id)
        restored = self.level_setting.restore_drafts(draft.fields)
        if draft.note and not self.capture.text():
            self.capture.note_edit.setText(draft.note)
            restored.append("note")
        if restored:
            self.capture.set_status(self.tr("Brought back what was typed here and not stored yet."))

    def commit_pending(self) -> None:
        """Store what is typed in the level-setting form and not yet committed (before an export)."""
        if self._current.doc is not None:
            self.level_setting.commit_pending()

    def save_layout(self, settings: QSettings | None = None) -> None:
        """Remember the splitters' sizes (restored by :meth:`restore_layout`)."""
        settings = settings if settings is not None else QSettings()
        for name in SPLITTERS:
            splitter = getattr(self, name)
            settings.setValue(_layout_key(name, splitter), splitter.saveState())

    def restore_layout(self, settings: QSettings | None = None) -> None:
        """Put the splitters back as :meth:`save_layout` left them (a missing or bad state is ignored)."""
        settings = settings if settings is not None else QSettings()
        for name in SPLITTERS:
            splitter = getattr(self, name)
            state = settings.value(_layout_key(name, splitter))
            if state is not None:
                splitter.restoreState(state)

    def current_phase(self) -> str | None:
        return self._services.meeting.phase_id

    def selected_note(self) -> NoteRow | None:
        rows = self.notes_view.selectionModel().selectedRows()
        return self.notes_model.note_at(rows[0].row()) if rows else None

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question; tests replace this."""
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def set_kind_shortcut(self, kind: str) -> None:
        """Ctrl+1…7: the kind of the note being typed, or of the note just added."""
        target = None
        if self.notes_view.hasFocus():
            target = self.selected_note()
        elif not self.capture.text().strip() and self._last_note_id is not None:
            target = self.notes_model.note_at(self.notes_model.row_of(self._last_note_id))
        if target is not None and self.review_id is not None:
            command = EditNoteCommand(self._services.capture, self.review_id, target.id, {"kind": kind},
                                      on_error=self.command_failed)
            outcome = self._push(command)
            if outcome == "stored":
                self.capture.set_status(self.tr("Note marked as %1.").replace("%1", label(kind)))
            elif outcome == "waiting":
                self.capture.set_status(self.tr("Note marked as %1 once the library is free.")
                                        .replace("%1", label(kind)))
        else:
            self.capture.set_kind(kind)

    def toggle_private(self) -> None:
        """Ctrl+Shift+H: the note being typed private or shared; with an empty field, the note just added
        (or the one selected in the list) is made private or shared again (undoable)."""
        target = None
        if self.notes_view.hasFocus():
            target = self.selected_note()
        elif not self.capture.text().strip() and self._last_note_id is not None:
            target = self.notes_model.note_at(self.notes_model.row_of(self._last_note_id))
        if target is None or self.review_id is None:
            self.capture.set_private(not self.capture.is_private())
            return
        private = not target.private
        outcome = self._push(EditNoteCommand(self._services.capture, self.review_id, target.id,
                                             {"private": private}, on_error=self.command_failed))
        if outcome != "refused":
            self.capture.set_status(self.tr("Note made private: not on the room view.") if private
                                    else self.tr("Note shared again: on the room view."))

    def promote_selected(self, to: str) -> None:
        """Ctrl+L / Ctrl+Shift+A: a learning or an action from the selected note."""
        note = self.selected_note()
        if note is None or self.review_id is None:
            self.capture.set_status(self.tr("Select a note first (or add one)."))
            return
        command = PromoteCommand(self._services.capture, self.review_id, note.id, to,
                                 on_error=self.command_failed)
        outcome = self._push(command)
        if outcome == "refused":
            return
        if outcome == "waiting":
            self.capture.set_status(self.tr("Saving… it is added once the library is free: %1")
                                    .replace("%1", note.text))
        elif to == "learning":
            self.capture.set_status(self.tr("Added to learnings: %1").replace("%1", note.text))
        else:
            self.capture.set_status(self.tr("Added to actions: %1").replace("%1", note.text))

    def delete_selected_note(self) -> None:
        note = self.selected_note()
        if note is None or self.review_id is None:
            return
        if self.confirm(self.tr("Delete note"), self.tr("Delete this note?\n\n%1").replace("%1", note.text)):
            self._push(DeleteNoteCommand(self._services.capture, self.review_id, note.id, note.text,
                                         on_error=self.command_failed))

    # private
    def _install_shortcuts(self) -> None:
        """The page's own keys; promoting, phase steps and Ctrl+W are the main window's menu actions.

        Each shortcut carries its description (``whatsThis``) and group for the F1 cheat sheet.
        """
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for number, kind in enumerate(NOTE_KINDS, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self, context=context)
            shortcut.activated.connect(lambda kind=kind: self.set_kind_shortcut(kind))
            self._describe(shortcut, "Capture", self.tr("Note kind: %1 (the note being typed, or the one "
                                                        "just added)").replace("%1", label(kind)))
        bindings = (
            ("Ctrl+J", self.capture.focus_note, "Capture", self.tr("Go to the note field")),
            ("Alt+Down", lambda: self._walk(1), "Timeline & walkthrough", self.tr("Walkthrough: next event")),
            ("Alt+Up", lambda: self._walk(-1), "Timeline & walkthrough",
             self.tr("Walkthrough: previous event")),
            ("Ctrl+G", self._jump_to_time, "Timeline & walkthrough", self.tr("Walkthrough: jump to a time")),
        )
        for keys, slot, group, text in bindings:
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)
            self._describe(shortcut, group, text)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.notes_view,
                           context=Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected_note)
        self._describe(delete, "Capture", self.tr("Delete the selected note (in the notes list)"))
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.notes_view,
                         context=Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self.capture.focus_note)
        self._describe(back, "Capture", self.tr("Back from the notes list to the note field"))

    @staticmethod
    def _describe(shortcut: QShortcut, group: str, text: str) -> None:
        shortcut.setWhatsThis(text)
        shortcut.setProperty(SHORTCUT_GROUP, group)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """An empty note field leaves Ctrl+Z / Ctrl+Shift+Z to the app's undo (the timeline's edits)."""
        if (watched is self.capture.note_edit and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent) and not self.capture.note_edit.text()
                and is_undo_or_redo(QKeySequence(event.keyCombination()))):
            return True  # not overridden by the field: the Edit menu's shortcut fires
        return super().eventFilter(watched, event)

    def _walk(self, delta: int) -> None:
        """Alt+Down / Alt+Up: the walkthrough's next or previous event (timeline phase only)."""
        if self.current_phase() == "timeline":
            self.walkthrough.step(delta)

    def _jump_to_time(self) -> None:
        if self.current_phase() == "timeline":
            self.walkthrough.jump_to_time()
            self.capture.focus_note()

    def _push(self, command: ServiceCommand) -> Outcome:
        """Write ``command`` and make it an undo step: "stored", "waiting" (for the library) or "refused".

        Only a write that went through becomes an undo step; one that waits
        becomes one when it is stored (see :class:`PendingWrites`).
        """
        return self.writes.submit(command)

    def command_failed(self, exc: DomainError) -> None:
        """A refused write, or an undo step that found things changed: said under the note field."""
        if isinstance(exc, StorageError):
            self.capture.set_status(self.tr("Not saved: %1").replace("%1", str(exc)))
        else:
            self.capture.set_status(str(exc))

    def pending_count(self) -> int:
        """How many notes and changes typed here wait for the library."""
        return self.writes.count()

    def ready_to_close(self, question: str = "") -> bool:
        """Whether the review may close now; asks first when notes or changes still wait for the library.

        ``question`` replaces the one asked; in it, %1 is why they wait and %2 how many do.

        What waits is still written if the library takes it later (while
        Debrief runs), but no longer as an undo step of a review that is closed.
        """
        waiting = self.writes.count()
        if waiting == 0:
            return True
        problem = self.writes.problem()
        why = problem.message if problem is not None else self.tr("the library has not taken them yet")
        how_many = (self.tr("1 note or change") if waiting == 1
                    else self.tr("%1 notes or changes").replace("%1", str(waiting)))
        text = question or self.tr("%2 typed here are not in the library yet (%1).\n\nLeave this review "
                                   "anyway? They are stored if the library takes them while Debrief stays "
                                   "open; “Save this review elsewhere…” keeps a copy now.")
        if not self.confirm(self.tr("Not saved yet"), text.replace("%1", why).replace("%2", how_many)):
            return False
        self.writes.detach()
        return True

    def save_elsewhere(self) -> Path | None:
        """Write the review as this window holds it, with the notes not stored yet, to a bundle file.

        Works from the window's snapshot, never from the library (which may be
        gone or unreadable): what is on screen goes into the file.
        """
        if self.doc is None:
            return None
        folder = self._services.settings.get("last_export_dir") or str(Path.home())
        suggested = Path(folder) / f"{_safe_name(self.doc.title)} (not in the library).yaml"
        path_text = self.ask_rescue_path(str(suggested))
        if not path_text:
            return None
        path = Path(path_text)
        if path.suffix.lower() not in (".yaml", ".yml"):
            path = path.with_name(path.name + ".yaml")
        try:
            waiting = write_rescue_bundle(self.doc, self.writes.pending_notes(), path)
        except (OSError, DomainError) as exc:
            self.capture.set_status(self.tr("Could not write %1: %2").replace("%1", str(path))
                                    .replace("%2", str(exc)))
            return None
        self.capture.set_status(self.tr("Saved this review to %1, with the %2 notes not in the library yet. "
                                        "File ▸ Import review bundle brings it into a library.")
                                .replace("%1", str(path)).replace("%2", str(waiting)))
        return path

    def ask_rescue_path(self, suggested: str) -> str:
        """Where "Save this review elsewhere…" writes (tests replace the file dialog)."""
        return QFileDialog.getSaveFileName(self, self.tr("Save this review elsewhere"), suggested,
                                           self.tr("Review bundle (*.yaml)"))[0]

    def _writes_changed(self) -> None:
        """Show what waits for the library under the note field; the banner when it is broken, not busy."""
        problem = self.writes.problem()
        notes = [n.text for n in self.writes.pending_notes() if n.review_id == self.review_id]
        others = self.writes.count() - len(self.writes.pending_notes())
        lines = list(notes)
        if others > 0:
            lines.append(self.tr("1 other change") if others == 1
                         else self.tr("%1 other changes").replace("%1", str(others)))
        if problem is None:
            state = self.tr("Saving…")
        elif problem.retry:
            state = self.tr("Saving… the library is busy: another program is writing to it. What you typed "
                            "waits here and is stored, in this order, as soon as it is free.")
        else:
            state = self.tr("Not stored yet, kept here: the library cannot take it (see above).")
        self.capture.set_pending(lines, state)
        if problem is not None and not problem.retry:
            self.storage_banner.show_problem(problem, len(notes))
        else:
            self.storage_banner.clear()

    def _pending_stored(self, command: object) -> None:
        """A note that waited is in the library now."""
        if (isinstance(command, AddNoteCommand) and (row := command.row) is not None
                and command.review_id == self.review_id):
            self._services.prompts.show_cards_for_note(row.kind, row.text)
            self.capture.set_status(self.tr("Saved: %1 · %2").replace("%1", label(row.kind))
                                    .replace("%2", row.text))

    def _pending_refused(self, command: object) -> None:
        """A note that waited was refused for good (a bad value, not the library): back to the field."""
        if isinstance(command, AddNoteCommand) and command.review_id == self.review_id:
            self.capture.put_back(str(command.fields.get("text", "")))

    def _current_changed(self, changes: ReviewChanges) -> None:
        """Follow the open review: its header, the notes of the phase, the outcomes, the room."""
        doc = self.doc
        if changes.opened:
            self._last_note_id = None
            self._listed_template = None
            if doc is not None:
                self._show_header(doc)
                self.capture.set_participants(doc.participants)
                self._size_note_columns(doc.participants)
                self.outcomes.show_review(doc)
                self._fill_notes()
                self._writes_changed()  # notes still waiting from another review are not listed here
                self._restore_draft(doc.id)
            self._similar_timer.stop()
            self.similar.show_review(None)  # the last review's are not this one's
            if doc is not None:
                self._ask_similar()
            return
        if doc is None:
            return
        if changes.facts or changes.touches_events():
            self._similar_timer.start()  # services, tags, words: asked again once the typing settles
        if changes.facts or changes.participants:
            self._show_header(doc)
            self.capture.set_participants(doc.participants)
            self._size_note_columns(doc.participants)
        if changes.outcomes or changes.touches_notes():
            self.outcomes.show_review(doc)  # the parking lot is notes
        if changes.all_notes or self._shows_changed_events(changes):
            self._fill_notes()
        else:
            self._put_notes(changes)
        if changes.touches_notes() or changes.touches_events():
            self._room_changed()

    def _show_header(self, doc: ReviewDoc) -> None:
        severity = self._services.catalog.severity(doc.severity)
        self.title_label.setText(doc.title)
        state = [severity.id if severity else doc.severity, label(doc.status)]
        self.state_label.setText("".join(f"  ·  {part}" for part in state if part))

    def _shows_changed_events(self, changes: ReviewChanges) -> bool:
        """Whether a note listed here names an event that changed (its text is in the notes table)."""
        if changes.timeline:
            return self.notes_model.rowCount() > 0
        changed = {e.id for e in changes.events} | changes.events_removed
        return bool(changed) and any(
            (note := self.notes_model.note_at(row)) is not None and note.event_id in changed
            for row in range(self.notes_model.rowCount()))

    def _put_notes(self, changes: ReviewChanges) -> None:
        """Notes added, changed or removed, one row each: selection and scroll stay where they are."""
        phase = self.current_phase()
        if phase is None or self.doc is None:
            return
        listed = {n.id for n in self.doc.notes_for_phase(phase)}
        about = {row.event_id for row in changes.notes if row.event_id is not None}
        unknown = about - self.notes_model.event_ids()
        if unknown:  # a note about an event no note listed here was about yet: its text too
            self.notes_model.add_events({e.id: e.text for e in self.doc.events if e.id in unknown})
        for note_id in changes.notes_removed:
            self.notes_model.remove(note_id)
        for row in changes.notes:
            if row.id not in listed:
                self.notes_model.remove(row.id)  # moved to another phase, or parked no more
            elif self.notes_model.row_of(row.id) >= 0:
                self.notes_model.replace(row)
            else:
                self.notes_model.append(row)
        self._update_notes_label()

    def _setting_changed(self, key: str) -> None:
        if key == "language_coach":
            self.capture.set_coach_enabled(bool(self._services.settings.get(key)))
            self.language_guard.enabled = bool(self._services.settings.get(key))
            self._mark_held()
            self._room_changed()

    def _room_changed(self, *_args: object) -> None:
        self.room_changed.emit()

    def room_state(self) -> RoomState:
        """What the projector shows now: shared data only (no private notes, no language flags)."""
        phase = self._services.meeting.phase
        if self.doc is None or phase is None:
            return RoomState(phase=self.tr("Debrief"))
        return project_room(
            self.doc, phase,
            prompt=self._services.prompts.pinned() or self._services.prompts.current_prompt() or "",
            event=self.walkthrough.current_event() if phase.id == "timeline" else None,
            roles=bool(self._services.settings.get("show_roles")),
            timer=self.room_timer_text(), overrun=self.room_overrun(),
            held=self._held(self.doc.notes_for_phase(phase.id, include_private=False)))

    def _held(self, notes: Iterable[NoteRow]) -> frozenset[int]:
        people = [p.name for p in self.doc.participants] if self.doc is not None else []
        return self.language_guard.held(notes, people)

    def _mark_held(self) -> None:
        """Mark the listed notes the coach keeps from the room."""
        self.notes_model.set_held(self._held(self.notes_model.rows()))

    def set_side_panels(self, shown: bool) -> None:
        """Show or hide the phase list and the right-hand panels (the middle keeps the phase's content)."""
        for panel in (self.phases_panel, self.right_splitter):
            panel.setVisible(shown)

    def side_panels_shown(self) -> bool:
        return self.phases_panel.isVisibleTo(self)

    def show_note(self, note_id: int) -> None:
        """Go to a note: its phase, the note selected in the list (from the export dialog's flags)."""
        note = next((n for n in self.doc.notes if n.id == note_id), None) if self.doc is not None else None
        if note is None:
            return
        template = self._services.meeting.template
        if template is not None and template.phase(note.phase) is not None:
            self._services.meeting.go_to(note.phase)
        self._select_note(note.id)
        self.notes_view.setFocus()

    def confirm_for_room(self) -> None:
        """Ctrl+Shift+K: show the selected (or just added) flagged note in the room as it is."""
        target = self.selected_note() if self.notes_view.hasFocus() or self._last_note_id is None else (
            self.notes_model.note_at(self.notes_model.row_of(self._last_note_id)))
        if target is None or not self._held([target]):
            self.capture.set_status(self.tr("No note held back from the room is selected."))
            return
        self.language_guard.confirm(target.id)
        self._mark_held()
        self._room_changed()
        self.capture.set_status(self.tr("Shown in the room as it is."))

    def _schedule_actions_meeting(self) -> None:
        if self.doc is None:
            return
        controller = self._services.meeting
        default = controller.default_meeting_time(self.doc.zone())
        when = ScheduleMeetingDialog.ask(self, self.doc.timezone, default)
        if when is None:
            return
        try:
            controller.schedule_actions_meeting(when, self.doc.id)
        except DomainError as exc:
            self.capture.set_status(str(exc))
            return
        local = when.astimezone(self.doc.zone()).strftime("%a %d %b %H:%M")
        self.capture.set_status(self.tr("Actions meeting scheduled for %1; it starts from the parking lot.")
                                .replace("%1", local))

    def schedule_review_meeting(self) -> None:
        """Meeting ▸ Schedule the review meeting…: when the room meets about this review (a draft
        review becomes scheduled; the library shows the meeting in its status)."""
        if self.doc is None:
            return
        controller = self._services.meeting
        default = controller.default_review_time(self.doc.zone())
        when = ScheduleMeetingDialog.ask(self, self.doc.timezone, default, kind="review")
        if when is None:
            return
        try:
            controller.schedule_meeting("review", when, self.doc.id)
        except DomainError as exc:
            self.capture.set_status(str(exc))
            return
        local = when.astimezone(self.doc.zone()).strftime("%a %d %b %H:%M")
        self.capture.set_status(self.tr("Review meeting scheduled for %1; on that day, Start begins it.")
                                .replace("%1", local))

    def room_timer_text(self) -> str:
        """The phase clock as the room sees it."""
        state = self._services.meeting.state()
        return phase_clock_text(state) if state.phase_id is not None else ""

    def room_overrun(self) -> int:
        return int(self._services.meeting.state().overrun)

    def _list_phases(self, template: Template) -> None:
        """The navigator lists the active meeting's phases (an actions meeting has its own)."""
        if self._listed_template == template.id:
            return
        self._listed_template = template.id
        self.phase_list.blockSignals(True)
        self.phase_list.clear()
        for phase in template.phases:
            item = QListWidgetItem(phase.name)
            item.setData(PHASE_ID_ROLE, phase.id)
            item.setToolTip(phase.goal)
            self.phase_list.addItem(item)
        self.phase_list.blockSignals(False)

    def _show_phase(self, phase_id: str) -> None:
        template = self._services.meeting.template
        phase = template.phase(phase_id) if template else None
        if template is None or phase is None or self.doc is None:
            return
        self._list_phases(template)
        index = template.phase_ids().index(phase_id) if template else 0
        # ✓: the meeting spent time in that phase (not merely "listed before the current one").
        visited = {t.phase for t in self._services.meeting.phase_times() if t.actual.total_seconds() > 0}
        for row in range(self.phase_list.count()):
            item = self.phase_list.item(row)
            phase_row = template.phases[row]
            marker = "▶" if row == index else ("✓" if phase_row.id in visited else "·")
            item.setText(f"{marker}  {phase_row.name}")
            item.setToolTip(phase_row.goal + ("\n" + self.tr("Visited in this meeting.")
                                              if phase_row.id in visited and row != index else ""))
        self.phase_list.blockSignals(True)
        self.phase_list.setCurrentRow(index)
        self.phase_list.blockSignals(False)
        self.phase_title.setText(phase.name)
        self.goal_label.setText(self.tr("Goal: %1").replace("%1", phase.goal))
        self._show_context(phase_id)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(template is not None and index < len(template.phases) - 1)
        self.capture.set_phase(phase_id)
        self._last_note_id = None
        self._fill_notes()
        self._room_changed()

    def _ask_similar(self) -> None:
        """The similar earlier reviews, asked on a worker while level setting shows them (else later)."""
        self._similar_stale = not self.similar.isVisibleTo(self)
        if not self._similar_stale:
            self.similar.show_review(self.review_id)

    def _show_context(self, phase_id: str) -> None:
        """Level setting and the timeline get the upper part of the phase; other phases are all notes."""
        context = {"level-setting": self.level_setting, "timeline": self.walkthrough,
                   "wrap-up": self.wrap_up}.get(phase_id)
        self.similar.setVisible(phase_id == "level-setting")
        if phase_id == "level-setting" and self._similar_stale:
            self._ask_similar()
        self.context_stack.setVisible(context is not None)
        if context is None:
            return
        self.context_stack.setCurrentWidget(context)
        self._notes_sized_by_hand = False
        self._fit_notes()

    def _fill_notes(self) -> None:
        phase = self.current_phase()
        if self.doc is None or phase is None:
            return
        notes = list(self.doc.notes_for_phase(phase))
        linked = {n.event_id for n in notes if n.event_id is not None}
        # The texts of the events these notes are about (not a map of a 50,000-event timeline).
        events = {e.id: e.text for e in self.doc.events if e.id in linked} if linked else {}
        self.notes_model.set_rows(notes, self.doc.zone(), events)
        self._update_notes_label()
        if self._last_note_id is not None:
            self._select_note(self._last_note_id)

    def _size_note_columns(self, participants: tuple[ParticipantRow, ...]) -> None:
        """Said, Kind and Speaker as wide as what they can show, from the font: never "0…" or "Dan…"."""
        metrics = self.notes_view.fontMetrics()
        header = self.notes_view.horizontalHeader()
        pad = 18
        kinds = max(metrics.horizontalAdvance(label(kind)) for kind in NOTE_KINDS)
        names = max((metrics.horizontalAdvance(p.name) for p in participants),
                    default=metrics.horizontalAdvance(self.tr("Speaker")))
        header.resizeSection(NotesTableModel.COL_TIME, metrics.horizontalAdvance("88:88") + pad)
        header.resizeSection(NotesTableModel.COL_KIND, kinds + 22 + pad)  # and its colour dot
        header.resizeSection(NotesTableModel.COL_SPEAKER, min(names, 180) + pad)

    def _expand_current_note(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The selected note shows its whole text (wrapped); the one before goes back to one line."""
        header = self.notes_view.verticalHeader()
        if 0 <= self._expanded_row < self.notes_model.rowCount():
            header.resizeSection(self._expanded_row, header.defaultSectionSize())
        self._expanded_row = current.row() if current.isValid() else -1
        if self._expanded_row >= 0:
            wanted = self.notes_view.sizeHintForRow(self._expanded_row)
            header.resizeSection(self._expanded_row, max(wanted, header.defaultSectionSize()))
        self._fit_notes()

    def _fit_notes(self) -> None:
        """The notes list takes the height its notes need (a few rows at most, two at least) when the
        phase has content above it (level setting, the walkthrough): that content gets the rest.

        Once the splitter is dragged, the hand wins until the next phase."""
        if not self.context_stack.isVisible() or self._notes_sized_by_hand:
            return
        sizes = self.context_splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        count = self.notes_model.rowCount()
        header = self.notes_view.horizontalHeader().height()
        row = self.notes_view.verticalHeader().defaultSectionSize()
        # The last rows, as tall as they are (the selected note shows all of its text), two at least.
        shown = range(max(count - NOTES_ROWS_SHOWN, 0), count)
        rows = sum(self.notes_view.rowHeight(r) for r in shown) + max(2 - count, 0) * row
        wanted = self.notes_label.sizeHint().height() + header + rows + 8
        wanted = min(wanted, total // 2)
        if abs(sizes[1] - wanted) > row // 2:
            self.context_splitter.setSizes([total - wanted, wanted])

    def _notes_splitter_moved(self, *_args: object) -> None:
        self._notes_sized_by_hand = True

    def _update_notes_label(self) -> None:
        self._fit_notes()
        self._mark_held()
        phase = self._services.meeting.phase
        name = phase.name.upper() if phase else ""
        self.notes_label.setText(self.tr("NOTES · %1 (%2)").replace("%1", name)
                                 .replace("%2", str(self.notes_model.rowCount())))

    def _add_note(self, text: str, kind: str, speaker: int) -> None:
        phase = self.current_phase()
        if self.review_id is None or phase is None:
            return
        fields: NoteDetails = {}
        if speaker >= 0:
            fields["author_id"] = speaker
        if phase == "timeline" and self.walkthrough.current_event_id() is not None:
            fields["event_id"] = self.walkthrough.current_event_id()
        # When it was said, not when the library took it (it may have to wait).
        fields["said_at"] = self._services.capture.now()
        if self.capture.is_private():
            fields["private"] = True
        command = AddNoteCommand(self._services.capture, self.review_id,
                                 {"phase": phase, "text": text, "kind": kind, **fields},
                                 on_error=self.command_failed)
        outcome = self._push(command)
        row = command.row if outcome == "stored" else None
        if row is not None:  # committed before the field clears: a crash now loses nothing
            self._last_note_id = row.id
            self._select_note(row.id)
            self._services.prompts.show_cards_for_note(row.kind, row.text)
            self.capture.clear_after_submit()
            if not row.private and self._held([row]):
                self.capture.set_status(self.tr("Saved, and kept off the room view: the coach flagged it. "
                                                "Reword it (F2 in the list) or show it as it is "
                                                "(Ctrl+Shift+K)."))
            else:
                self.capture.set_status(self.tr("Saved: %1 · %2").replace("%1", label(row.kind))
                                        .replace("%2", row.text))
        elif outcome == "waiting":
            # Listed under the field until it is stored: the field is free for the next note.
            self._last_note_id = None
            self.capture.clear_after_submit()
            self.capture.set_status("")  # not "Saved: …" of the note before: the list says where it is

    def _forget_last_note(self) -> None:
        self._last_note_id = None

    def _select_note(self, note_id: int) -> None:
        row = self.notes_model.row_of(note_id)
        if row < 0:
            return
        index = self.notes_model.index(row, NotesTableModel.COL_TEXT)
        self.notes_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.notes_view.scrollTo(index)

    def _edit_note_text(self, note_id: int, text: str) -> None:
        if self.review_id is None:
            return
        shown = self.notes_model.note_at(self.notes_model.row_of(note_id))
        began = shown.text if shown is not None else None
        # An earlier edit of this note still waiting for the library: this one starts from it.
        for waiting in self.writes.waiting():
            if not isinstance(waiting, EditNoteCommand) or waiting.item_id != note_id:
                continue
            if "text" in waiting.fields:
                began = waiting.fields["text"]
        review_id, capture = self.review_id, self._services.capture
        self._push_edit(lambda fields, expected, on_error: EditNoteCommand(
            capture, review_id, note_id, cast(NoteFields, fields), expected=expected, on_error=on_error),
            {"text": text}, {"text": began} if began is not None else {})

    def _push_edit(self, make: MakeEdit, fields: dict[str, object], expected: dict[str, object]) -> None:
        """Write ``fields`` of an edit that began from ``expected`` (what the dialog or the cell
        showed); when someone else changed one of those fields meanwhile, nothing is written and the
        user chooses."""
        def refused(exc: DomainError) -> None:
            if isinstance(exc, StaleEditError):  # asked once the write has returned
                QTimer.singleShot(0, lambda: self._resolve_stale_edit(exc, make, fields, expected))
            else:
                self.command_failed(exc)

        self._push(make(fields, expected, refused))

    def _resolve_stale_edit(self, error: StaleEditError, make: MakeEdit, fields: dict[str, object],
                            expected: dict[str, object]) -> None:
        """Reload keeps theirs for that field (already shown) and still writes the user's other
        changes; Keep mine writes mine over what is stored now (a third change meanwhile is asked
        about the same way)."""
        zone = self.doc.zone() if self.doc is not None else None
        choice = StaleEditDialog.ask(self, error, field_label(error.item, error.field), zone=zone)
        if choice is StaleEditChoice.RELOAD:
            rest = {field: value for field, value in fields.items() if field != error.field}
            if not rest:
                self.capture.set_status(self.tr("Kept the change made elsewhere; yours was not written."))
                return
            self.capture.set_status(self.tr("Kept the change made elsewhere to that field; your other "
                                            "changes are written."))
            self._push_edit(make, rest, {f: v for f, v in expected.items() if f in rest})
            return
        self._push_edit(make, fields, {**expected, error.field: error.theirs})

    def _phase_clicked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self._services.meeting.go_to(item.data(PHASE_ID_ROLE))

    def _edit_learning(self, learning_id: int) -> None:
        learning = next((x for x in self.doc.learnings if x.id == learning_id), None) if self.doc else None
        if learning is None or self.review_id is None:
            return
        fields = LearningDialog.ask(learning, self)
        changed = _changed(learning, fields or {})
        if changed:  # only what was changed: a colleague's change to another field stays
            review_id, capture = self.review_id, self._services.capture
            self._push_edit(lambda fields, expected, on_error: EditLearningCommand(
                capture, review_id, learning_id, cast(LearningFields, fields), expected=expected,
                on_error=on_error), changed, {field: getattr(learning, field) for field in changed})

    def _delete_learning(self, learning_id: int) -> None:
        if self.review_id is not None and self.confirm(self.tr("Delete learning"),
                                                       self.tr("Delete this learning?")):
            self._push(DeleteLearningCommand(self._services.capture, self.review_id, learning_id,
                                             on_error=self.command_failed))

    def _edit_action(self, action_id: int) -> None:
        action = next((a for a in self.doc.actions if a.id == action_id), None) if self.doc else None
        if action is None or self.review_id is None:
            return
        people = [p.name for p in self.doc.participants] if self.doc else []
        fields = ActionDialog.ask(action, self, people=people)
        changed = _changed(action, fields or {})
        if changed:  # only what was changed: a colleague's change to another field stays
            review_id, capture = self.review_id, self._services.capture
            self._push_edit(lambda fields, expected, on_error: EditActionCommand(
                capture, review_id, action_id, cast(ActionFields, fields), expected=expected,
                on_error=on_error), changed, {field: getattr(action, field) for field in changed})

    def _delete_action(self, action_id: int) -> None:
        if self.review_id is not None and self.confirm(self.tr("Delete action"),
                                                       self.tr("Delete this action item?")):
            self._push(DeleteActionCommand(self._services.capture, self.review_id, action_id,
                                           on_error=self.command_failed))


def _changed(shown: object, fields: Mapping[str, object]) -> dict[str, object]:
    """The fields a dialog returned that differ from the row it showed."""
    return {field: value for field, value in fields.items() if getattr(shown, field) != value}


def _safe_name(title: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " -_" else "-" for c in title).strip()
    return cleaned[:80] or "review"
