"""Export files: a replaced file keeps its permissions, a killed export's temporary file is cleaned up."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exports.common import remove_stale_temps, write_atomic

ROOT = Path(__file__).resolve().parents[2]


def test_replacing_a_private_file_keeps_it_private(tmp_path: Path) -> None:
    """Exporting over a 0600 file leaves it 0600 (it used to become 0644)."""
    target = tmp_path / "report.md"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "report.md"
    write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


_KILLED_WHILE_WRITING = """
    import os, signal, sys
    import exports.common as common
    real = os.fsync
    def die(fd):
        os.kill(os.getpid(), signal.SIGKILL)
    common.os.fsync = die
    common.write_atomic(sys.argv[1], b"x" * 100000)
"""


def test_a_killed_export_leaves_a_temporary_file_that_the_next_export_removes(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"the previous report")
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(_KILLED_WHILE_WRITING), str(target)],
                           cwd=ROOT, capture_output=True, check=False)
    assert child.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1, "the kill happened after the temporary file was made"
    assert target.read_bytes() == b"the previous report"

    write_atomic(target, b"the new report")
    assert target.read_bytes() == b"the new report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_a_temporary_file_of_a_running_export_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    mine = tmp_path / f".report.md.{os.getpid()}.0123abcd.tmp"
    mine.write_bytes(b"being written")
    other = tmp_path / ".report.md.notours.tmp"
    other.write_bytes(b"someone else's")
    assert remove_stale_temps(target) == []
    assert mine.exists() and other.exists()


def test_export_refuses_the_library_itself_in_the_window_too(tmp_path: Path, db_url: str) -> None:
    """The service the export dialog calls refuses the library file, not only the command line."""
    from app.export_service import export_review
    from models.catalog import load_catalog
    from models.errors import InvalidFieldError
    from models.store import open_library

    library = open_library(db_url)
    before = (tmp_path / "library.db").read_bytes()
    with pytest.raises(InvalidFieldError, match="is the library itself"):
        export_review(library, load_catalog(), 1, "md", tmp_path / "library.db")
    library.close()
    assert (tmp_path / "library.db").read_bytes() == before


def test_a_private_report_is_never_readable_while_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file gets the target's 0600 before the data goes in, not after."""
    import exports.common as common

    target = tmp_path / "report.md"
    target.write_text("old")
    os.chmod(target, 0o600)
    modes: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(common.os, "fsync", spy)
    write_atomic(target, b"secret")
    assert modes == [0o600]
