"""The ``debrief`` command line: headless commands, one-line errors, the display check."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import cli
from app.cli import NO_DISPLAY, main
from models import reviews
from models.entities import Review
from models.store import open_library
from models.yamlsource import load_yaml_file

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "tests" / "data" / "full_bundle.yaml"
FULL_V2 = ROOT / "tests" / "data" / "full_bundle_v2.yaml"


def _count(db_url: str) -> int:
    library = open_library(db_url)
    try:
        with library.begin() as session:
            return session.scalar(select(func.count()).select_from(Review)) or 0
    finally:
        library.close()


def _import_full(db_url: str, capsys: pytest.CaptureFixture[str]) -> int:
    assert main(["--db", db_url, "import", str(FULL)]) == 0
    return int(capsys.readouterr().out.strip())


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("debrief: ")
    assert "Traceback" not in err
    return lines[0]


def test_import_prints_the_new_id(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """import FILE prints only the new review's id and exits 0."""
    assert main(["--db", db_url, "import", str(FULL)]) == 0
    out, err = capsys.readouterr()
    assert out == "1\n" and err == ""
    assert main(["import", str(FULL), "--db", db_url]) == 0
    assert capsys.readouterr().out == "2\n"


def test_import_of_a_bad_bundle_is_one_line_and_changes_nothing(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad bundle: exit 2, one stderr line naming file, line and field, library unchanged."""
    _import_full(db_url, capsys)
    bad = tmp_path / "bad.yaml"
    bad.write_text(FULL.read_text(encoding="utf-8").replace("  event: 3\n", "  event: 9\n"), encoding="utf-8")
    assert main(["--db", db_url, "import", str(bad)]) == 2
    out, err = capsys.readouterr()
    line = _one_error_line(err)
    assert out == ""
    assert line.startswith(f"debrief: {bad}, line 83: notes[3].event: event 9 is out of range")
    assert _count(db_url) == 1


def test_a_bad_bundle_never_creates_the_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Validation comes first: a refused bundle does not even create the database file."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "debrief.review", "version": 3}', encoding="utf-8")
    db = tmp_path / "fresh.db"
    assert main(["--db", f"sqlite:///{db}", "import", str(bad)]) == 2
    assert "version 3 is newer than this Debrief reads (2)" in _one_error_line(capsys.readouterr().err)
    assert not db.exists()


def test_import_of_a_missing_file(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not there is one line, not a traceback."""
    assert main(["--db", db_url, "import", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read the file" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_bundle_to_a_path(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 fmt: str) -> None:
    """export --format yaml|json writes the same document that was imported (a version 2 bundle)."""
    assert main(["--db", db_url, "import", str(FULL_V2)]) == 0
    review_id = int(capsys.readouterr().out.strip())
    target = tmp_path / f"out.{fmt}"
    assert main(["--db", db_url, "export", str(review_id), "--format", fmt, "-o", str(target)]) == 0
    assert capsys.readouterr() == ("", "")
    text = target.read_text(encoding="utf-8")
    doc = json.loads(text) if fmt == "json" else load_yaml_file(target)
    assert doc == load_yaml_file(FULL_V2)
    if fmt == "yaml":
        assert text == FULL_V2.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_round_trips_through_the_command_line(db_url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """export json, import it into another library, export yaml: the fixture again (its uid too)."""
    assert main(["--db", db_url, "import", str(FULL_V2)]) == 0
    first = int(capsys.readouterr().out)
    as_json = tmp_path / "one.json"
    assert main(["--db", db_url, "export", str(first), "--format", "json", "-o", str(as_json)]) == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["--db", other, "import", str(as_json)]) == 0
    second = int(capsys.readouterr().out)
    again = tmp_path / "two.yaml"
    assert main(["--db", other, "export", str(second), "--format", "yaml", "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == FULL_V2.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_export_reports(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """docx and md go through the report writers; private notes only when asked."""
    review_id = _import_full(db_url, capsys)
    plain = tmp_path / f"report.{fmt}"
    private = tmp_path / f"private.{fmt}"
    assert main(["--db", db_url, "export", str(review_id), "--format", fmt, "-o", str(plain)]) == 0
    assert main(["--db", db_url, "export", str(review_id), "--format", fmt, "-o", str(private),
                 "--include-private"]) == 0
    assert capsys.readouterr().err == ""
    assert plain.stat().st_size > 0 and private.stat().st_size > 0
    if fmt == "md":
        secret = "Facilitator's aside"
        assert secret not in plain.read_text(encoding="utf-8")
        assert secret in private.read_text(encoding="utf-8")
    else:
        assert plain.read_bytes()[:2] == b"PK"


def test_export_of_an_unknown_review(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing id is one line naming it, and no file appears."""
    target = tmp_path / "out.yaml"
    assert main(["--db", db_url, "export", "7", "--format", "yaml", "-o", str(target)]) == 2
    assert _one_error_line(capsys.readouterr().err) == "debrief: no review with id 7"
    assert not target.exists()


def test_export_into_a_missing_folder(db_url: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """An unwritable target is one line naming it."""
    review_id = _import_full(db_url, capsys)
    target = tmp_path / "no" / "such" / "out.json"
    assert main(["--db", db_url, "export", str(review_id), "--format", "json", "-o", str(target)]) == 2
    assert _one_error_line(capsys.readouterr().err).startswith(f"debrief: cannot write {target}")


def test_export_keeps_the_old_file_when_it_fails(db_url: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A failed export leaves an existing target untouched."""
    target = tmp_path / "out.yaml"
    target.write_text("precious\n", encoding="utf-8")
    assert main(["--db", db_url, "export", "3", "--format", "yaml", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "precious\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "1", "--format", "odt", "-o", "x.odt"],
        ["export", "one", "--format", "yaml", "-o", "x.yaml"],
        ["export", "1", "--format", "yaml"],
        ["import"],
        ["frobnicate"],
    ],
)
def test_usage_errors_are_one_line(db_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """argparse mistakes are one line and exit 2, like every other error."""
    assert main(["--db", db_url, *argv]) == 2
    assert "--help" in _one_error_line(capsys.readouterr().err)


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """--help prints usage to stdout and succeeds."""
    assert main(["--help"]) == 0
    assert "import" in capsys.readouterr().out


def test_list_is_tab_separated(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """list: id, started date, severity, status, title; '-' for what is missing."""
    _import_full(db_url, capsys)
    library = open_library(db_url)
    with library.begin() as session:
        reviews.create(session, title="Quiet\tnear miss\nwith breaks", kind="near-miss")
    library.close()
    assert main(["--db", db_url, "list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    # The order is the library's (newest first), which depends on today's date here.
    assert sorted(out.splitlines()) == [
        "1\t2026-03-02\tSEV2\treviewed\tCheckout errors after config push",
        "2\t-\t-\tdraft\tQuiet near miss with breaks",
    ]


def test_list_shows_the_date_in_the_reviews_timezone(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An incident at 23:30 UTC happened the next day in Berlin, and the list says so."""
    from datetime import UTC, datetime

    library = open_library(db_url)
    with library.begin() as session:
        reviews.create(session, title="Late one", timezone="Europe/Berlin",
                       started_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    library.close()
    assert main(["--db", db_url, "list"]) == 0
    assert capsys.readouterr().out == "1\t2026-03-03\t-\tdraft\tLate one\n"


def test_list_of_an_empty_library(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty library lists nothing and succeeds."""
    assert main(["--db", db_url, "list"]) == 0
    assert capsys.readouterr() == ("", "")


def test_templates_lists_id_name_and_phases(capsys: pytest.CaptureFixture[str]) -> None:
    """templates: id, name and comma-separated phase ids of each template."""
    assert main(["templates"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "learning-focused\tLearning-focused review\t"
        "level-setting,timeline,went-well,surprises,learnings,wrap-up",
        "standard\tStandard incident review\t"
        "level-setting,timeline,went-well,surprises,learnings,actions,wrap-up",
    ]


def test_catalog_problems_are_warnings(user_dirs: dict[str, Path],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A broken user template is one warning line on stderr; the command still works."""
    folder = user_dirs["config"] / "templates"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("id: mine\nname: Mine\nphases: [\n", encoding="utf-8")
    assert main(["templates"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2
    assert err.startswith("debrief: warning: ") and "mine.yaml" in err and len(err.splitlines()) == 1


def test_a_bad_library_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A URL that is not a database is one line, exit 2."""
    assert main(["--db", "nosuchdriver://x", "list"]) == 2
    assert "nosuchdriver" in _one_error_line(capsys.readouterr().err)


def test_debrief_db_is_the_default_library(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Without --db, DEBRIEF_DB names the library."""
    monkeypatch.setenv("DEBRIEF_DB", db_url)
    assert main(["import", str(FULL)]) == 0
    assert _count(db_url) == 1


# ---------------------------------------------------------------- the window


def _no_display(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    launched: list[str] = []
    monkeypatch.setattr(cli.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "_launch_gui", lambda url: launched.append(url) or 0)
    return launched


def test_no_display_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Without X11 or Wayland the window is not attempted; the message points at the command line."""
    launched = _no_display(monkeypatch)
    assert main([]) == 2
    assert capsys.readouterr().err == NO_DISPLAY + "\n"
    assert NO_DISPLAY == ("debrief: no display found, so the window cannot open. "
                          "The command line works without one: try 'debrief --help'.")
    assert launched == []


@pytest.mark.parametrize(("name", "value"), [
    ("DISPLAY", ":0"),
    ("WAYLAND_DISPLAY", "wayland-0"),
    ("QT_QPA_PLATFORM", "offscreen"),
    ("QT_QPA_PLATFORM", "vnc:size=800x600"),
])
def test_the_window_opens_where_it_can(monkeypatch: pytest.MonkeyPatch, db_url: str,
                                       name: str, value: str) -> None:
    """With a display (or a headless Qt platform) no sub-command starts the window on the library."""
    launched = _no_display(monkeypatch)
    monkeypatch.setenv(name, value)
    assert main(["--db", db_url]) == 0
    assert launched == [db_url]


@pytest.mark.parametrize(("argv", "url", "window"), [
    ([], None, True),
    (["--db", "sqlite:////tmp/x.db"], "sqlite:////tmp/x.db", True),
    (["--db=sqlite:////tmp/x.db"], "sqlite:////tmp/x.db", True),
    (["list"], None, False),
    (["--db", "sqlite:////tmp/x.db", "list"], None, False),
    (["--db"], None, False),        # the parser says what is missing
    (["--db="], None, False),
    (["--db", "--help"], None, False),
    (["--help"], None, False),
    (["--version"], None, False),
])
def test_the_window_alone_is_started_without_building_the_parser(
        monkeypatch: pytest.MonkeyPatch, argv: list[str], url: str | None, window: bool) -> None:
    """`debrief` and `debrief --db URL` go straight to the window; anything else through argparse."""
    built: list[bool] = []
    real = cli.build_parser

    def build() -> argparse.ArgumentParser:
        built.append(True)
        return real()

    monkeypatch.setattr(cli, "build_parser", build)
    launched = _no_display(monkeypatch)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr("app.cli_commands.run", lambda args: 0)
    main(argv)
    if window:
        assert launched == [url] and built == []
    else:
        assert built == [True]


def test_xcb_without_a_display_is_refused(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Asking for X11 explicitly does not help when there is no X server."""
    launched = _no_display(monkeypatch)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert main([]) == 2
    assert launched == [] and capsys.readouterr().err == NO_DISPLAY + "\n"


# ---------------------------------------------------------------- python -m app


def test_python_dash_m_app_runs_the_same_entry_point(db_url: str, tmp_path: Path) -> None:
    """`python -m app list --db URL` works as a real process, with the exit status."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DEBRIEF_DB", None)
    imported = subprocess.run([sys.executable, "-m", "app", "--db", db_url, "import", str(FULL)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "1\n", "")
    listed = subprocess.run([sys.executable, "-m", "app", "list", "--db", db_url], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == "1\t2026-03-02\tSEV2\treviewed\tCheckout errors after config push\n"
    missing = subprocess.run([sys.executable, "-m", "app", "export", "5", "--db", db_url, "--format", "yaml",
                              "-o", str(tmp_path / "x.yaml")], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120, check=False)
    assert (missing.returncode, missing.stderr) == (2, "debrief: no review with id 5\n")


def test_a_path_in_an_unreadable_folder_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError reaching a path (permissions) is reported as one line naming it, exit 2."""
    from app import cli

    real_is_dir = Path.is_dir

    def refuse(self: Path) -> bool:
        if "locked" in self.parts:  # as for a non-root user and a folder without x permission
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(Path, "is_dir", refuse)
    code = cli.main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "export", "1", "-f", "md",
                     "-o", str(tmp_path / "locked" / "x.md")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "locked/x.md: Permission denied" in err


def test_import_timeline_takes_several_slack_channels_in_one_call(db_url: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: --channel a --channel b imports both (one transaction), not only the last one."""
    folder = tmp_path / "export"
    users = [{"id": "U1", "name": "ana", "real_name": "Ana Lima", "profile": {"real_name": "Ana Lima"}}]
    channels = [{"id": "C1", "name": "incident-42"}, {"id": "C2", "name": "incident-42-comms"}]
    (folder / "incident-42").mkdir(parents=True)
    (folder / "incident-42-comms").mkdir()
    (folder / "users.json").write_text(json.dumps(users), encoding="utf-8")
    (folder / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    (folder / "incident-42" / "2026-03-02.json").write_text(json.dumps([
        {"type": "message", "user": "U1", "text": "<!group> errors are up", "ts": "1772442840.000100"}]),
        encoding="utf-8")
    (folder / "incident-42-comms" / "2026-03-02.json").write_text(json.dumps([
        {"type": "message", "user": "U1", "text": "status page updated", "ts": "1772442900.000100"}]),
        encoding="utf-8")
    review_id = _import_full(db_url, capsys)
    assert main(["--db", db_url, "import-timeline", str(review_id), str(folder),
                 "--channel", "incident-42", "--channel", "incident-42-comms"]) == 0
    out = capsys.readouterr().out
    assert "#incident-42: 1 event" in out and "#incident-42-comms: 1 event" in out
    assert "added 2 events" in out
    library = open_library(db_url)
    try:
        with library.begin() as session:
            doc = reviews.get_or_raise(session, review_id)
            texts = {e.text for e in doc.events}
    finally:
        library.close()
    assert "@group errors are up" in texts and "status page updated" in texts


def test_list_narrows_as_the_filter_bar_does(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--since/--until (the review's own day), --severity (none too), --status, --kind, --service, --tag,
    --template: together, a review must match them all."""
    from datetime import UTC, datetime

    library = open_library(db_url)
    with library.begin() as session:
        reviews.create(session, title="Checkout", severity="SEV2", status="reviewed",
                       services=["Checkout API"], tags=["deploy"],
                       started_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        reviews.create(session, title="Cert near miss", kind="near-miss", status="closed",
                       timezone="Asia/Tokyo", services=["auth"],
                       started_at=datetime(2025, 11, 30, 23, 30, tzinfo=UTC))
        reviews.create(session, title="Payments", severity="SEV1", services=["checkout  api"],
                       template="learning-focused", started_at=datetime(2026, 2, 14, tzinfo=UTC))
    library.close()

    def titles(*options: str) -> list[str]:
        assert main(["list", "--db", db_url, *options]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        return [line.split("\t")[-1] for line in out.splitlines()]

    assert titles() == ["Checkout", "Payments", "Cert near miss"]
    assert titles("--service", "CHECKOUT API") == ["Checkout", "Payments"]
    assert titles("--service", "checkout api", "--severity", "SEV1") == ["Payments"]
    assert titles("--severity", "none") == ["Cert near miss"]
    assert titles("--since", "2025-12-01", "--until", "2025-12-01") == ["Cert near miss"]  # 1 Dec in Tokyo
    assert titles("--since", "2026-02-01") == ["Checkout", "Payments"]
    assert titles("--kind", "near-miss") == ["Cert near miss"]
    assert titles("--status", "reviewed", "--tag", "Deploy") == ["Checkout"]
    assert titles("--template", "learning-focused") == ["Payments"]
    assert titles("--tag", "nothing-has-this") == []


@pytest.mark.parametrize(("options", "says"), [
    (["--since", "2026-13-01"], "must be a day written YYYY-MM-DD, not '2026-13-01'"),
    (["--until", "yesterday"], "must be a day written YYYY-MM-DD"),
    (["--status", "done"], "invalid choice: 'done'"),
    (["--since", "2026-03-02", "--until", "2026-03-01"], "--since 2026-03-02 is after --until 2026-03-01"),
])
def test_list_filters_it_cannot_read_are_one_line(db_url: str, capsys: pytest.CaptureFixture[str],
                                                  options: list[str], says: str) -> None:
    assert main(["list", "--db", db_url, *options]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and says in err, err
