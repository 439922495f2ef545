"""Layer rules import-linter cannot express: no Qt widgets below views/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("folder", ["app", "exports", "models"])
def test_no_widgets_below_views(folder: str) -> None:
    """app/, exports/ and models/ never import QtWidgets (exports/ may use QtGui for PDF)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / folder).rglob("*.py"))
        if any(name.startswith("PySide6.QtWidgets") for name in _imported_modules(path))
    ]
    assert offenders == []


def test_models_import_no_qt_at_all() -> None:
    """models/ is plain Python: no PySide6 anywhere."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "models").rglob("*.py"))
        if any(name.startswith("PySide6") for name in _imported_modules(path))
    ]
    assert offenders == []
