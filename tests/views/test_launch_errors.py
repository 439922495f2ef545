"""The window's start when the library cannot be used: a dialog that says why, exit 2, nothing changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from models.store import open_library
from views import launch


def test_a_library_from_a_newer_debrief_shows_a_dialog_and_changes_nothing(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "library.db"
    url = f"sqlite:///{path}"
    open_library(url).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    before = path.read_bytes()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))

    assert launch.run(url) == 2
    assert len(shown) == 1 and "made by a newer Debrief (schema revision 0099" in shown[0]
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".bak" in p.name]
    assert "newer Debrief" in capsys.readouterr().err


def test_a_file_that_is_not_a_library_shows_a_dialog(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.db"
    path.write_bytes(b"This is a text file that someone named .db\n" * 50)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert launch.run(f"sqlite:///{path}") == 2
    assert len(shown) == 1 and "not a Debrief library" in shown[0]
