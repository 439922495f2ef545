"""debrief import --update: a bundle of a review the library has updates it instead of copying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main

V2 = Path(__file__).resolve().parents[1] / "data" / "full_bundle_v2.yaml"


def test_import_update_keeps_one_review(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Twice with --update: the same id both times; without it, a copy with an id of its own."""
    assert main(["--db", db_url, "import", str(V2)]) == 0
    first = capsys.readouterr().out
    assert main(["--db", db_url, "import", "--update", str(V2)]) == 0
    assert capsys.readouterr().out == first
    assert main(["--db", db_url, "import", str(V2)]) == 0
    assert capsys.readouterr().out != first
