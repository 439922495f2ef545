"""The line across the review page that says the library cannot take what is typed, and what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from models.errors import StorageError

# Amber as an accent only (as the language coach's flags): the text keeps the palette's colour.
_STYLE = "QFrame#storageBanner { border: none; border-left: 4px solid #e0a100; padding: 4px 8px; }"


class StorageBanner(QFrame):
    """Says why the library takes no writes (gone, full, read-only), that nothing typed is lost, and
    offers to save the review elsewhere.

    A banner, not a dialog: it never takes the keyboard (its button is clicked,
    never tabbed to), so the note-taker keeps typing while it shows. A busy
    library (another program's lock) is not shown here: that is a short wait,
    shown as "saving…" under the note field.

    Signals:
        save_requested(): "Save this review elsewhere…" was clicked.
    """

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageBanner")
        self.setStyleSheet(_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message_label = QLabel()
        self.message_label.setObjectName("storageMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(self.tr("Save this review elsewhere…"))
        self.save_button.setObjectName("saveElsewhere")
        self.save_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button.setToolTip(self.tr("Write this review, with the notes not stored yet, to a review "
                                            "bundle (YAML) you can import into a library that works"))
        self.save_button.clicked.connect(self.save_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_problem(self, error: StorageError, waiting_notes: int) -> None:
        """Say what is wrong with the library and what happens to the ``waiting_notes`` typed meanwhile."""
        headline = {
            "missing": self.tr("The library is gone: its file was deleted, moved or unmounted while this "
                               "review was open."),
            "full": self.tr("The library's disk is full (or failing): nothing more can be stored in it."),
            "read-only": self.tr("The library is on a read-only disk or folder: nothing can be stored "
                                 "in it."),
            "newer": self.tr("The library was changed by a newer Debrief: this one cannot store into it."),
        }.get(error.reason, self.tr("The library cannot store changes now."))
        if waiting_notes:
            count = (self.tr("1 note waits") if waiting_notes == 1
                     else self.tr("%1 notes wait").replace("%1", str(waiting_notes)))
            kept = self.tr("What you type is kept, not lost: %1 under the note field. Debrief keeps "
                           "trying; “Save this review elsewhere…” writes the review with them to a file you "
                           "can import later.").replace("%1", count)
        else:
            kept = self.tr("Notes you type are kept under the note field, not lost. Other changes are not "
                           "stored until the library works again; “Save this review elsewhere…” writes the "
                           "review as you see it to a file.")
        self.message_label.setText(f"{headline} {kept}")
        self.message_label.setToolTip(error.message)
        self.show()

    def clear(self) -> None:
        """The library takes writes again."""
        self.hide()
        self.message_label.clear()
