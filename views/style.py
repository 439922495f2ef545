"""The application's stylesheet, from resources/."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

import resources


def apply_style(widget: QWidget) -> None:
    """Apply Debrief's stylesheet to ``widget`` and its children."""
    widget.setStyleSheet(resources.read_text("style.qss"))
