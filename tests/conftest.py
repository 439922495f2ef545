"""Shared fixtures: a fresh library per test, user folders redirected, Qt offscreen."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, settings  # noqa: E402

from models.catalog import Catalog, load_catalog  # noqa: E402
from models.store import Library, open_library  # noqa: E402

#: ``make fuzz`` sets DEBRIEF_FUZZ=1: 20x the Hypothesis examples and fault injections of CI.
FUZZ = os.environ.get("DEBRIEF_FUZZ", "") not in ("", "0")
#: How many Hypothesis examples a property test runs: ~200 in CI, 20x that under ``make fuzz``.
EXAMPLES = 4000 if FUZZ else 200

settings.register_profile(
    "debrief", max_examples=EXAMPLES, deadline=None, derandomize=not FUZZ, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.load_profile("debrief")


def fuzz_count(ci: int) -> int:
    """How many times a fault-injection test repeats: ``ci`` in CI, 10x that under ``make fuzz``."""
    return ci * 10 if FUZZ else ci


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses Qt (qtbot/qapp) as ``gui`` so ``-m "not gui"`` works."""
    for item in items:
        if {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every platformdirs folder and DEBRIEF_DB at the test's own temp folder."""
    data = tmp_path / "user-data"
    config = tmp_path / "user-config"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(data))
    monkeypatch.setattr("platformdirs.user_config_dir", lambda *a, **k: str(config))
    monkeypatch.delenv("DEBRIEF_DB", raising=False)
    return {"data": data, "config": config}


@pytest.fixture(autouse=True)
def qsettings_dir(tmp_path: Path) -> Iterator[Path]:
    """Point QSettings (window geometry, splitters) at the test's temp folder, never ~/.config."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder / scope.name))
    yield folder


@pytest.fixture(scope="session")
def migrated_library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty library migrated once per test session (Alembic costs ~0.2 s a library)."""
    path = tmp_path_factory.mktemp("template") / "library.db"
    open_library(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_library_file: Path) -> str:
    """A new library for one test: a copy of the session's migrated empty library.

    Tests of migrating from scratch (tests/models/test_store.py,
    test_migration_safety.py) make their own files.
    """
    import shutil

    target = tmp_path / "library.db"
    shutil.copyfile(migrated_library_file, target)
    return f"sqlite:///{target}"


@pytest.fixture
def library(db_url: str) -> Iterator[Library]:
    lib = open_library(db_url)
    yield lib
    lib.close()


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL server for this test session (CI must have one: it installs postgresql)."""
    given = os.environ.get("DEBRIEF_TEST_PG_URL")
    if given:
        yield given
        return
    from tests.pg_server import PostgresUnavailable, ThrowawayPostgres

    try:
        server = ThrowawayPostgres().start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: {exc}")
        pytest.skip(str(exc))
    yield server.url
    server.stop()


@pytest.fixture
def pg_url(pg_admin_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    import re
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:40].lower() + "_" + uuid.uuid4().hex[:6]
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settled_heap() -> Iterator[None]:
    """For a test that times the UI thread: the objects earlier tests left are set aside.

    By the end of the suite this process holds far more objects than the app ever does, and
    a full garbage collection walks them all (0.6-1.3 s measured late in the suite, holding
    the interpreter lock): frozen, they are not walked, so the test measures our code, not
    the suite's history.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.fixture
def services(library: Library, catalog: Catalog, qapp):  # type: ignore[no-untyped-def]
    """Every service of the app over the test's library (a QApplication exists)."""
    from app.bootstrap import build_services

    built = build_services(library, catalog=catalog)
    yield built
    built.watch.stop()


@pytest.fixture
def main_window(services, qtbot):  # type: ignore[no-untyped-def]
    """The real main window over the test's library, shown and active (the library page)."""
    from views.main_window import MainWindow

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


@pytest.fixture
def review_window(main_window):  # type: ignore[no-untyped-def]
    """:func:`main_window` with a new review "Checkout errors" open (UTC, standard template).

    Quitting with notes the library has not taken yet asks first; pytest-qt closes the window
    before the fixtures end, so the answer is given here (a test may ask otherwise).
    """
    review_id = main_window.services.reviews.create(title="Checkout errors", template="standard",
                                                    timezone="UTC")
    main_window.open_review(review_id)
    main_window.review_page.confirm = lambda _title, _text: True
    return main_window
