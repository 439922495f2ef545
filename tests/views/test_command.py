"""The ``debrief`` program: the command line with this package's window handed over."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app import cli
from views import command, launch

ROOT = Path(__file__).resolve().parents[2]


def test_the_program_is_views_command_main() -> None:
    """pyproject's console script is this module's main (a reinstall picks a change up)."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["debrief"] == "views.command:main"


@pytest.mark.parametrize(("argv", "url"), [([], None), (["--db", "sqlite:////tmp/x.db"], "sqlite:////tmp/x.db"),
                                           (["--db=sqlite:////tmp/x.db"], "sqlite:////tmp/x.db")])
def test_the_window_starts_without_an_entry_point_lookup(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                                         url: str | None) -> None:
    """No command: views.launch.run on the URL given; the debrief.gui entry point is not looked up."""
    started: list[str | None] = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(launch, "run", lambda db_url: started.append(db_url) or 0)
    monkeypatch.setattr(cli, "_launch_gui", lambda _url: pytest.fail("the entry point was looked up"))
    assert command.main(argv) == 0
    assert started == [url]


def test_the_window_status_is_the_program_status(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(launch, "run", lambda _db_url: 2)
    assert command.main([]) == 2


def test_a_command_loads_no_widget(services, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`debrief list` through the program: it lists, and loads neither QtWidgets nor the window's modules."""
    services.reviews.create(title="Checks", template="standard")
    script = ("import sys\nfrom views.command import main\nstatus = main(['list', '--db', sys.argv[1]])\n"
              "window = ('PySide6.QtWidgets', 'views.launch', 'views.main_window')\n"
              "print('loaded:', [m for m in window if m in sys.modules])\nsys.exit(status)\n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", script, db_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded: []"
    assert done.stdout.splitlines()[0].endswith("\tChecks")
