"""Key sequences bound in more than one place, each listed once.

A QAction given the same sequence twice (``Ctrl+Shift+Z`` and the platform's
``QKeySequence.Redo``, which is also ``Ctrl+Shift+Z`` on Linux) is an
"ambiguous shortcut overload": Qt then fires neither. These lists are free of
repeats.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def _unique(sequences: list[QKeySequence]) -> list[QKeySequence]:
    seen: set[str] = set()
    unique: list[QKeySequence] = []
    for sequence in sequences:
        text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in seen:
            seen.add(text)
            unique.append(sequence)
    return unique


def undo_keys() -> list[QKeySequence]:
    """Ctrl+Z and whatever else the platform calls undo."""
    return _unique([QKeySequence("Ctrl+Z"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)])


def redo_keys() -> list[QKeySequence]:
    """Ctrl+Shift+Z and Ctrl+Y (both, on every platform), and the platform's own redo."""
    return _unique([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"),
                    *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)])


def is_undo_or_redo(sequence: QKeySequence) -> bool:
    """Whether ``sequence`` is one of :func:`undo_keys` or :func:`redo_keys`."""
    return any(sequence.matches(key) == QKeySequence.SequenceMatch.ExactMatch
               for key in (*undo_keys(), *redo_keys()))
