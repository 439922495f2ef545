"""The running panel beside every phase: learnings, actions and the parking lot."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from models.snapshot import ReviewDoc
from models.vocabulary import label

ID_ROLE = Qt.ItemDataRole.UserRole


class OutcomesPanel(QWidget):
    """Lists what the meeting has produced so far, visible in every phase.

    Signals:
        learning_edit_requested(int): learning id (double-click or Enter).
        learning_delete_requested(int): learning id (Delete).
        action_edit_requested(int): action id.
        action_delete_requested(int): action id.
    """

    learning_edit_requested = Signal(int)
    learning_delete_requested = Signal(int)
    action_edit_requested = Signal(int)
    action_delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.learnings_label = QLabel()
        self.actions_label = QLabel()
        self.parking_label = QLabel()
        for heading in (self.learnings_label, self.actions_label, self.parking_label):
            heading.setObjectName("panelHeading")
        self.learnings_list = self._make_list(self.learning_edit_requested, self.learning_delete_requested)
        self.actions_list = self._make_list(self.action_edit_requested, self.action_delete_requested)
        self.parking_list = QListWidget()
        self.parking_list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for heading, widget in ((self.learnings_label, self.learnings_list),
                                (self.actions_label, self.actions_list),
                                (self.parking_label, self.parking_list)):
            layout.addWidget(heading)
            layout.addWidget(widget, 1)
        self.show_review(None)

    def show_review(self, doc: ReviewDoc | None) -> None:
        learnings = doc.learnings if doc else ()
        actions = doc.actions if doc else ()
        parked = [n for n in doc.notes if n.kind == "parking-lot"] if doc else []
        self.learnings_label.setText(self.tr("LEARNINGS (%n)", "", len(learnings)))
        self.actions_label.setText(self.tr("ACTIONS (%n) · optional", "", len(actions)))
        self.parking_label.setText(self.tr("PARKING LOT (%n)", "", len(parked)))
        self._fill(self.learnings_list,
                   [(x.id, f"• {x.text}", label(x.category)) for x in learnings],
                   self.tr("Promote a note with Ctrl+L."))
        self._fill(self.actions_list,
                   [(a.id, f"• {a.title}" + (f" — {a.owner}" if a.owner else ""),
                     f"{label(a.status)} · {label(a.priority)}" + (f" · due {a.due}" if a.due else ""))
                    for a in actions],
                   self.tr("None, and that is fine. Ctrl+Shift+A turns a note into one."))
        self._fill(self.parking_list, [(n.id, f"• {n.text}", "") for n in parked],
                   self.tr("Ideas to come back to later (Ctrl+7)."))

    def _make_list(self, edit_signal: SignalInstance, delete_signal: SignalInstance) -> QListWidget:
        widget = QListWidget()
        widget.setWordWrap(True)
        widget.itemActivated.connect(lambda item: self._emit_id(item, edit_signal))
        delete = QShortcut(QKeySequence.StandardKey.Delete, widget, context=Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(lambda: self._emit_id(widget.currentItem(), delete_signal))
        return widget

    @staticmethod
    def _emit_id(item: QListWidgetItem | None, signal: SignalInstance) -> None:
        if item is not None and item.data(ID_ROLE) is not None:
            signal.emit(int(item.data(ID_ROLE)))

    @staticmethod
    def _fill(widget: QListWidget, rows: list[tuple[int, str, str]], empty_text: str) -> None:
        current = widget.currentItem().data(ID_ROLE) if widget.currentItem() else None
        widget.clear()
        if not rows:
            item = QListWidgetItem(empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(item)
            return
        for ident, text, tip in rows:
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, ident)
            if tip:
                item.setToolTip(tip)
            widget.addItem(item)
            if ident == current:
                widget.setCurrentItem(item)
