"""User settings: one small JSON file in the config folder, written only when changed."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

DEFAULTS: dict[str, Any] = {
    "last_export_dir": "",
    "last_import_dir": "",
    "last_export_format": "docx",
    "language_coach": True,
    "show_roles": False,
    "report_template": "",  # path of the company .docx the Word report is built on; "" = built-in
    # Working days after resolution the analysis is due (models.lifecycle; 0 to 260).
    "analysis_due_working_days": 5,
}


class Settings(QObject):
    """Settings with defaults; unknown or broken files fall back to the defaults.

    Signals:
        changed(str): the name of the setting that changed.
    """

    changed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._values = dict(DEFAULTS)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        if isinstance(stored, dict):
            self._values.update({k: v for k, v in stored.items() if k in DEFAULTS})

    def get(self, key: str) -> Any:
        return self._values[key]

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        if self._values.get(key) == value:
            return
        self._values[key] = value
        self._save()
        self.changed.emit(key)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        changed = {k: v for k, v in self._values.items() if DEFAULTS.get(k) != v}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(changed, handle, indent=2)
        os.replace(tmp, self.path)
