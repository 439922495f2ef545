"""Keyboard-first note capture: type, Enter, next."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.language import Flag, Rule, check
from models.snapshot import ParticipantRow
from models.vocabulary import NOTE_KINDS, label
from views.form_inputs import let_shrink

#: The kind a note starts with in each phase of the built-in templates.
PHASE_DEFAULT_KIND = {
    "went-well": "went-well",
    "surprises": "surprise",
    "learnings": "learning",
    "actions": "action",
}

#: Language flags shown at most, one line per rule; the rest are summed up in one more line.
MAX_FLAG_LINES = 3
#: Notes waiting for the library listed at most under the field; the rest are counted.
MAX_PENDING_LINES = 5

#: An ``@`` mention being typed, right before the cursor: at the start or after a space, no spaces in it.
_MENTION = re.compile(r"(?:^|(?<=\s))@([^\s@]*)$")
#: Clears the speaker (Ctrl+0: next to Ctrl+1…7, which set the kind; free everywhere else).
CLEAR_SPEAKER_KEYS = "Ctrl+0"
_CHOOSE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


def _never() -> bool:
    return False


class _NoteEdit(QLineEdit):
    """The note field: while the ``@`` list is open, Enter and Tab choose from it instead of submitting."""

    choose_requested = Signal()
    dismiss_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.popup_open: Callable[[], bool] = _never

    def event(self, event: QEvent) -> bool:
        # Tab is taken for focus before keyPressEvent: catch both here. The
        # completer also hands the popup's keys to this method directly.
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and self.popup_open()
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            if event.key() in _CHOOSE_KEYS:
                self.choose_requested.emit()
                event.accept()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.dismiss_requested.emit()
                event.accept()
                return True
        return super().event(event)


# Amber as an accent only: the text keeps the palette's colour, readable in light and dark themes.
_FLAG_STYLE = ("QLabel#languageFlag { border: none; border-left: 3px solid #e0a100; padding-left: 6px; "
               "font-size: 9.5pt; }")
# The notes waiting for the library: a quiet grey bar, not an alarm (they are safe on screen).
_PENDING_STYLE = ("QWidget#pendingNotes QLabel { border: none; border-left: 3px solid #8a8f98; "
                  "padding-left: 6px; font-size: 9.5pt; }")


class CaptureBar(QWidget):
    """The note field, its kind and its speaker.

    Enter emits ``submitted`` and clears the field; the kind then returns to the
    phase's default. The kind and speaker boxes never take focus, so the
    note-taker's hands stay on the keyboard (Ctrl+1…7 sets the kind).

    The speaker is picked by typing ``@`` and a few letters of their name: a
    list of the participants whose name contains them pops up; Enter or Tab
    takes the first (or the one chosen with the arrows), sets the speaker and
    removes the ``@…`` from the note. Escape closes the list. The speaker is
    for one note: it returns to "No speaker" once the note is stored, since the
    next one is usually someone else. Ctrl+0 clears the speaker.

    The blameless language coach checks the note as it is typed and shows each
    flagged phrase under the field with a suggested reframe (why it matters is
    the tooltip). Flags are for the facilitator only: they never block Enter
    and never become part of the submitted text.

    A note the library cannot take yet (another program is writing to it, or
    it is gone) is listed right under the field as "saving…" until it is
    stored (:meth:`set_pending`): the field is free for the next note, and
    what was typed stays on screen.

    Signals:
        submitted(str, str, int): text, kind, speaker participant id (-1 for none).
    """

    submitted = Signal(str, str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_kind = "observation"
        self._rules: tuple[Rule, ...] = ()
        self._people: tuple[str, ...] = ()
        self._coach_enabled = True
        self._flags: tuple[Flag, ...] = ()
        self._flag_lines: tuple[tuple[str, str], ...] = ()
        self._speaker_ids: dict[str, int] = {}
        self.note_edit = _NoteEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("Type a note and press Enter · @name sets who said it"))
        self.note_edit.returnPressed.connect(self._submit)
        self.note_edit.textChanged.connect(self._text_changed)
        self.note_edit.textEdited.connect(self._update_mention)
        self.note_edit.choose_requested.connect(self._choose_mention)
        self.note_edit.dismiss_requested.connect(self._close_mentions)
        self._names = QStringListModel(self)
        #: The ``@`` list: participants whose name contains the letters typed after ``@``.
        self.speaker_completer = QCompleter(self._names, self)
        self.speaker_completer.setObjectName("speakerCompleter")
        self.speaker_completer.setWidget(self.note_edit)
        self.speaker_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.speaker_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.speaker_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.speaker_completer.activated.connect(self._choose_name)
        self.note_edit.popup_open = self.mention_popup_open
        clear = QShortcut(QKeySequence(CLEAR_SPEAKER_KEYS), self.note_edit,
                          context=Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.clear_speaker)
        self.kind_combo = QComboBox()
        self.kind_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for number, kind in enumerate(NOTE_KINDS, start=1):
            self.kind_combo.addItem(f"{label(kind)}  (Ctrl+{number})", kind)
        #: The note being typed is private: for the facilitator, never on the room view.
        self.private_button = QToolButton()
        self.private_button.setObjectName("privateNote")
        self.private_button.setText(self.tr("Private"))
        self.private_button.setCheckable(True)
        self.private_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.private_button.setToolTip(self.tr("A private note: kept for the facilitator, never shown on the "
                                               "room view, in reports only when asked (Ctrl+Shift+H)"))
        self.speaker_combo = QComboBox()
        self.speaker_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # As wide as a usual name whatever the review's longest: the note field keeps the row.
        let_shrink(self.speaker_combo, 12)
        self.status_label = QLabel()
        self.status_label.setObjectName("captureStatus")
        self.status_label.setWordWrap(True)
        self._hints = self.tr("Enter adds · @name sets the speaker, Ctrl+0 clears it · Ctrl+1…7 sets the "
                              "kind (right after Enter: of the note just added) · Ctrl+L learning · "
                              "Ctrl+Shift+A action · Ctrl+PgDown next phase")
        self.status_label.setText(self._hints)
        self.flags_box = QWidget()
        self.flags_box.setObjectName("languageFlags")
        self.flags_box.setStyleSheet(_FLAG_STYLE)
        flags_layout = QVBoxLayout(self.flags_box)
        flags_layout.setContentsMargins(0, 2, 0, 2)
        flags_layout.setSpacing(2)
        #: One label per flagged rule, and a last one for "…and N more".
        self.flag_labels: list[QLabel] = []
        for _ in range(MAX_FLAG_LINES + 1):
            flag_label = QLabel()
            flag_label.setObjectName("languageFlag")
            flag_label.setTextFormat(Qt.TextFormat.RichText)
            flag_label.setWordWrap(True)
            flag_label.hide()
            flags_layout.addWidget(flag_label)
            self.flag_labels.append(flag_label)
        self.flags_box.hide()
        self.pending_box = QWidget()
        self.pending_box.setObjectName("pendingNotes")
        self.pending_box.setStyleSheet(_PENDING_STYLE)
        pending_layout = QVBoxLayout(self.pending_box)
        pending_layout.setContentsMargins(0, 2, 0, 2)
        pending_layout.setSpacing(1)
        #: "Saving…" and why: the state of the notes listed below it.
        self.saving_label = QLabel()
        self.saving_label.setObjectName("savingState")
        self.saving_label.setWordWrap(True)
        #: The notes entered but not stored yet, oldest first.
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingList")
        self.pending_label.setWordWrap(True)
        self.pending_label.setTextFormat(Qt.TextFormat.PlainText)
        pending_layout.addWidget(self.saving_label)
        pending_layout.addWidget(self.pending_label)
        self._pending: tuple[str, ...] = ()
        self.pending_box.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.kind_combo)
        row.addWidget(self.private_button)
        row.addWidget(self.speaker_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.pending_box)
        layout.addWidget(self.flags_box)
        layout.addWidget(self.status_label)
        self.set_participants(())

    def set_phase(self, phase_id: str) -> None:
        self._default_kind = PHASE_DEFAULT_KIND.get(phase_id, "observation")
        self.set_kind(self._default_kind)

    def set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def is_private(self) -> bool:
        """Whether the note being typed is private."""
        return self.private_button.isChecked()

    def set_private(self, private: bool) -> None:
        self.private_button.setChecked(private)

    def set_participants(self, participants: tuple[ParticipantRow, ...] | list[ParticipantRow]) -> None:
        current = self.speaker_combo.currentData()
        self.speaker_combo.clear()
        self.speaker_combo.addItem(self.tr("No speaker"), -1)
        for participant in participants:
            self.speaker_combo.addItem(participant.name, participant.id)
        index = self.speaker_combo.findData(current)
        self.speaker_combo.setCurrentIndex(max(index, 0))
        self._speaker_ids = {p.name: p.id for p in participants}
        self._names.setStringList([p.name for p in participants])
        self.set_people(p.name for p in participants)

    def speaker(self) -> int:
        """The speaker's participant id (-1 for none)."""
        return int(self.speaker_combo.currentData())

    def set_speaker(self, participant_id: int) -> None:
        """Make ``participant_id`` the speaker (-1, or someone not listed: no speaker)."""
        self.speaker_combo.setCurrentIndex(max(self.speaker_combo.findData(participant_id), 0))

    def clear_speaker(self) -> None:
        """Ctrl+0: no speaker for the note being typed."""
        self.set_speaker(-1)

    def mention_popup_open(self) -> bool:
        """The ``@`` list of participants is showing."""
        popup = self.speaker_completer.popup()
        return popup is not None and popup.isVisible()

    def set_language_rules(self, rules: Sequence[Rule]) -> None:
        """The language coach's rules (none: nothing is flagged)."""
        self._rules = tuple(rules)
        self._refresh_flags()

    def set_people(self, names: Iterable[str]) -> None:
        """The names ``{person}`` rules match (``set_participants`` sets the participants' names)."""
        people = tuple(names)
        if people != self._people:
            self._people = people
            self._refresh_flags()

    def set_coach_enabled(self, enabled: bool) -> None:
        """Switch the language coach on or off; off hides every flag."""
        if enabled != self._coach_enabled:
            self._coach_enabled = enabled
            self._refresh_flags()

    def coach_enabled(self) -> bool:
        return self._coach_enabled

    def language_flags(self) -> tuple[Flag, ...]:
        """The flags shown for the text in the field (none when the coach is off)."""
        return self._flags

    def set_status(self, text: str) -> None:
        """Show ``text`` under the field (the keyboard hints when empty)."""
        self.status_label.setText(text or self._hints)

    def text(self) -> str:
        return self.note_edit.text()

    def set_pending(self, texts: Sequence[str], state: str = "") -> None:
        """List the notes entered but not stored yet under the field, headed by ``state`` ("Saving…").

        No texts hides the list.
        """
        self._pending = tuple(texts)
        if not self._pending:
            self.pending_box.hide()
            self.saving_label.clear()
            self.pending_label.clear()
            return
        lines = [f"• {' '.join(text.split())}" for text in self._pending[:MAX_PENDING_LINES]]
        rest = len(self._pending) - MAX_PENDING_LINES
        if rest > 0:
            lines.append(self.tr("…and %1 more").replace("%1", str(rest)))
        self.saving_label.setText(state)
        self.pending_label.setText("\n".join(lines))
        self.pending_box.show()

    def pending(self) -> tuple[str, ...]:
        """The lines listed as not stored yet: the notes' texts, then a count of other changes."""
        return self._pending

    def put_back(self, text: str) -> None:
        """A note that could not be stored returns to the field (after what is there, if anything)."""
        current = self.note_edit.text().strip()
        self.note_edit.setText(f"{current} {text}" if current else text)
        self.note_edit.end(False)

    def focus_note(self) -> None:
        self.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _submit(self) -> None:
        text = self.note_edit.text().strip()
        if not text:
            return
        self.submitted.emit(text, self.kind(), self.speaker())

    def clear_after_submit(self) -> None:
        """Called once the note is safely stored; the speaker was for that note only."""
        self._close_mentions()
        self.note_edit.clear()
        self.set_kind(self._default_kind)
        self.set_private(False)
        self.clear_speaker()
        self._refresh_flags()

    # ------------------------------------------------------------ @ mentions

    def _mention(self) -> re.Match[str] | None:
        """The ``@…`` being typed right before the cursor, if any."""
        return _MENTION.search(self.note_edit.text()[:self.note_edit.cursorPosition()])

    def _update_mention(self, _text: str = "") -> None:
        """Show the participants matching the ``@…`` being typed (hide the list when there is none)."""
        mention = self._mention()
        completer = self.speaker_completer
        if mention is None or not self._speaker_ids:
            self._close_mentions()
            return
        completer.setCompletionPrefix(mention.group(1))
        if completer.completionCount() == 0:
            self._close_mentions()
            return
        popup = completer.popup()
        assert popup is not None  # a completer always has one
        popup.setCurrentIndex(completer.completionModel().index(0, 0))
        rect = self.note_edit.cursorRect()
        rect.setWidth(max(popup.sizeHintForColumn(0) + 24, 160))
        completer.complete(rect)

    def _close_mentions(self) -> None:
        popup = self.speaker_completer.popup()
        if popup is not None and popup.isVisible():
            popup.hide()

    def _choose_mention(self) -> None:
        """Enter or Tab in the list: the highlighted participant (else the first) becomes the speaker."""
        completer = self.speaker_completer
        popup = completer.popup()
        index = popup.currentIndex() if popup is not None else QModelIndex()
        if not index.isValid():
            index = completer.completionModel().index(0, 0)
        self._choose_name(str(index.data()) if index.isValid() else "")

    def _choose_name(self, name: str) -> None:
        """``name`` becomes the speaker and the ``@…`` being typed leaves the note."""
        self._close_mentions()
        mention = self._mention()
        if name not in self._speaker_ids or mention is None:
            return
        self.set_speaker(self._speaker_ids[name])
        text = self.note_edit.text()
        start, end = mention.start(), self.note_edit.cursorPosition()
        before, after = text[:start], text[end:]
        if (not before or before.endswith(" ")) and after.startswith(" "):
            after = after[1:]
        self.note_edit.setText(before + after)
        self.note_edit.setCursorPosition(len(before))

    def _text_changed(self, _text: str) -> None:
        self._refresh_flags()

    def _refresh_flags(self) -> None:
        """Check the note against the rules; touch the labels only when what they say changes."""
        text = self.note_edit.text()
        enabled = self._coach_enabled and bool(self._rules) and bool(text.strip())
        self._flags = tuple(check(text, self._rules, people=self._people)) if enabled else ()
        lines = self._lines(self._flags)
        if lines == self._flag_lines:
            return
        self._flag_lines = lines
        shown = lines[:MAX_FLAG_LINES]
        for flag_label, (text_html, tooltip) in zip(self.flag_labels, shown, strict=False):
            flag_label.setText(text_html)
            flag_label.setToolTip(tooltip)
            flag_label.show()
        for flag_label in self.flag_labels[len(shown):]:
            flag_label.hide()
            flag_label.clear()
        rest = lines[MAX_FLAG_LINES:]
        if rest:
            more = self.flag_labels[MAX_FLAG_LINES]
            more.setText(html.escape(self.tr("…and %1 more").replace("%1", str(len(rest)))))
            more.setToolTip("".join(f"<p>{text_html}</p>" for text_html, _ in rest))
            more.show()
        self.flags_box.setVisible(bool(lines))

    def _lines(self, flags: tuple[Flag, ...]) -> tuple[tuple[str, str], ...]:
        """One (rich text, tooltip) line per rule, naming each distinct phrase it flagged."""
        by_rule: dict[str, list[Flag]] = {}
        for flag in flags:
            by_rule.setdefault(flag.rule_id, []).append(flag)
        lines = []
        for same_rule in by_rule.values():
            phrases: dict[str, str] = {}
            for flag in same_rule:
                phrases.setdefault(" ".join(flag.matched_text.casefold().split()), flag.matched_text)
            quoted = ", ".join(f"“{phrase}”" for phrase in phrases.values())
            first = same_rule[0]
            text_html = (self.tr("%1 — try: %2").replace("%2", html.escape(first.reframe, quote=False))
                         .replace("%1", f"<b>{html.escape(quoted, quote=False)}</b>"))
            lines.append((text_html, f"<p>{html.escape(first.why, quote=False)}</p>"))
        return tuple(lines)
