"""A library on a full disk or a read-only medium: a line that says which, never "disk I/O error" alone.

These mount a small tmpfs (root only: CI runs as root); elsewhere they skip.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_full_disk_is_named_as_such(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{small_disk / 'library.db'}"
    assert main(["--db", url, "import", str(FULL)]) == 0
    capsys.readouterr()
    _fill(small_disk)
    assert main(["--db", url, "import", str(FULL)]) == 2
    assert "disk is full" in _one_line(capsys.readouterr().err)
    assert main(["--db", f"sqlite:///{small_disk / 'new.db'}", "list"]) == 2
    assert "disk is full" in _one_line(capsys.readouterr().err)


def test_a_read_only_medium_is_named_as_such(
        small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{small_disk / 'library.db'}"
    assert main(["--db", url, "import", str(FULL)]) == 0
    capsys.readouterr()
    remount = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, check=False)
    if remount.returncode != 0:
        pytest.skip("cannot remount read-only here")
    # SQLite cannot open a WAL library on a read-only medium without its -shm file: a line saying so.
    if main(["--db", url, "list"]) == 0:
        assert "Checkout errors" in capsys.readouterr().out
    else:
        assert "read-only" in _one_line(capsys.readouterr().err)
    assert main(["--db", url, "import", str(FULL)]) == 2
    assert "read-only" in _one_line(capsys.readouterr().err)
