"""Bringing timelines in from files: preview first, then one all-or-nothing write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.background import Operation, OperationContext
from app.changes import ChangeHub, ReviewChanges
from models.catalog import Catalog
from models.gc_pause import gc_paused
from models.store import Library

if TYPE_CHECKING:  # the readers (CSV, Slack, bundles, text) load when a file is first read, not at start-up
    from models.snapshot import EventRow
    from models.timeline_import import ImportPreview

#: Where pasted timelines are kept, in the user's data folder (:meth:`TimelineImportService.save_pasted`).
PASTED_FOLDER = "pasted"


@dataclass(frozen=True)
class ImportRecord:
    """An import as written: the preview it wrote and the ids of the events it added."""

    review_id: int
    preview: ImportPreview
    event_ids: tuple[int, ...]


class TimelineImportService(QObject):
    """Reads timeline files (CSV, Slack exports, review bundles, text) for a preview and imports them.

    A preview reads the file and the review's timeline and writes nothing; it
    can be shown, re-made with other options, and thrown away. :meth:`commit`
    writes a preview without problems in one transaction. Refusals of a whole
    file are ``SourceError`` (naming the file), a bad option is
    ``InvalidFieldError``, and an unknown review ``NotFoundError``.
    :meth:`preview_in_background` and :meth:`import_in_background` do the same
    on a worker thread, each with its own session (the dialog uses them; the
    command line uses the models directly).

    Signals:
        events_imported(int, int): review id, number of events added (after the commit, and after
            the change set that tells the open review to read its timeline again).
    """

    events_imported = Signal(int, int)

    def __init__(self, library: Library, catalog: Catalog, changes: ChangeHub | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._catalog = catalog
        self.changes = changes if changes is not None else ChangeHub(self)
        # The last import written, until its undo step takes it (:meth:`take_last_import`).
        self._last_import: ImportRecord | None = None

    def preview(self, review_id: int, path: Path, *, channel: str | None = None,
                all_channels: bool = False, mapping: Mapping[str, str | int | None] | None = None,
                time_format: str | None = None, timezone: str | None = None) -> ImportPreview:
        """The preview for whatever ``path`` is (a Slack export, a bundle, a text timeline, else CSV).

        ``timezone`` applies to a CSV file's and a text timeline's times without an offset.
        """
        from models.timeline_import import file_kind

        kind = file_kind(path)
        if kind == "slack":
            return self.preview_slack(review_id, path, channel=channel, all_channels=all_channels)
        if kind == "bundle":
            return self.preview_bundle(review_id, path)
        if kind == "text":
            return self.preview_text(review_id, path, timezone=timezone)
        return self.preview_csv(review_id, path, mapping=mapping, time_format=time_format, timezone=timezone)

    def preview_csv(self, review_id: int, path: Path, *,
                    mapping: Mapping[str, str | int | None] | None = None, time_format: str | None = None,
                    timezone: str | None = None) -> ImportPreview:
        from models import csv_timeline

        with gc_paused(), self._library.begin() as session:
            return csv_timeline.preview_csv(session, review_id, path, mapping=mapping,
                                            time_format=time_format, timezone=timezone)

    def preview_text(self, review_id: int, path: Path, *, timezone: str | None = None) -> ImportPreview:
        """A text timeline (lines that start with a time): bare times on the incident's date, in its zone."""
        from models import text_timeline

        with gc_paused(), self._library.begin() as session:
            return text_timeline.preview_text(session, review_id, path, timezone=timezone)

    def save_pasted(self, review_id: int, text: str, path: Path | None = None) -> Path:
        """Keep pasted ``text`` as a file to preview; returns its path.

        The file is ``pasted/<review>-<yyyymmdd-hhmmss>.txt`` in the user's data
        folder, or ``path`` again (the same paste, edited and previewed once more).
        It is written whole or not at all, so what was pasted is never lost
        to a crash between pasting and importing. ``OSError`` when it cannot be written.
        """
        from datetime import datetime

        from exports.common import write_atomic
        from models.store import data_dir

        if path is None:
            folder = data_dir() / PASTED_FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{review_id}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
            path = folder / f"{stem}.txt"
            number = 1
            while path.exists():
                number += 1
                path = folder / f"{stem}-{number}.txt"
        # "replace": a lone surrogate (which no file can hold) must not cost the rest of the paste.
        write_atomic(path, text.encode("utf-8", "replace"))
        return path

    def preview_slack(self, review_id: int, path: Path, *, channel: str | None = None,
                      all_channels: bool = False) -> ImportPreview:
        """A Slack export's channel (``channel``), or every channel of it (``all_channels``)."""
        from models import slack_export

        with gc_paused(), self._library.begin() as session:
            return slack_export.preview_slack(session, review_id, path, channel=channel,
                                              all_channels=all_channels)

    def preview_bundle(self, review_id: int, path: Path) -> ImportPreview:
        from models.timeline_import import preview_bundle

        with gc_paused(), self._library.begin() as session:
            return preview_bundle(session, review_id, path, self._catalog)

    def profiles(self) -> list[tuple[str, str]]:
        """The import profiles a CSV can be read with (built-in and the user's): (id, name), by name."""
        from models.import_profiles import load_profiles
        from models.store import config_dir

        profiles, _problems = load_profiles(config_dir())
        return sorted(((p.id, p.name) for p in profiles.values()), key=lambda item: item[1].casefold())

    def preview_in_background(self, review_id: int, path: Path, *, channel: str | None = None,
                              all_channels: bool = False,
                              mapping: Mapping[str, str | int | None] | None = None,
                              time_format: str | None = None, timezone: str | None = None,
                              profile: str | None = None) -> Operation[ImportPreview]:
        """:meth:`preview` as an operation to start; a CSV reports rows read, and a cancel discards it."""
        from models import csv_timeline, slack_export, text_timeline
        from models.timeline_import import file_kind, preview_bundle

        kind = file_kind(path)

        def work(context: OperationContext) -> ImportPreview:
            with gc_paused(), self._library.begin() as session:
                if kind == "slack":
                    preview = slack_export.preview_slack(session, review_id, path, channel=channel,
                                                         all_channels=all_channels)
                elif kind == "bundle":
                    preview = preview_bundle(session, review_id, path, self._catalog)
                elif kind == "text":
                    preview = text_timeline.preview_text(session, review_id, path, timezone=timezone)
                else:
                    preview = csv_timeline.preview_csv(session, review_id, path, mapping=mapping,
                                                       time_format=time_format, timezone=timezone,
                                                       progress=context.report, profile=profile)
            context.check()
            return preview

        return Operation(work)

    def import_in_background(self, review_id: int,
                             preview: ImportPreview) -> Operation[tuple[EventRow, ...]]:
        """:meth:`commit` as an operation to start: its result is the events added (as the window holds them).

        Cancelled before the commit, the transaction is rolled back and nothing
        is written; the signals follow a commit on the UI thread even when the
        one who started it is gone. The import is then :meth:`take_last_import`'s, for
        an undo step that can take it back (:meth:`unimport`).
        """
        from models.timeline_import import import_event_rows

        def work(context: OperationContext) -> tuple[EventRow, ...]:
            with gc_paused(), self._library.begin() as session:
                rows = import_event_rows(session, review_id, preview)
                context.check()  # the last moment a cancel can still roll the whole import back
            return rows

        def finish(rows: tuple[EventRow, ...]) -> None:
            self._announce(review_id, preview, rows)

        return Operation(work, finish=finish)

    def unimport(self, review_id: int, event_ids: Sequence[int]) -> tuple[tuple[int, str], ...]:
        """Take an import back in one transaction: its events go (its new participants stay).

        Returns the notes' links to those events, for :meth:`reimport` to restore.
        """
        from models.timeline_import import unimport_events

        with gc_paused(), self._library.begin() as session:
            links = unimport_events(session, review_id, event_ids)
        # The events removed by id: nothing to read again.
        self.changes.announce(ReviewChanges(review_id, events_removed=frozenset(event_ids),
                                            all_notes=bool(links)))
        return links

    def reimport(self, review_id: int, preview: ImportPreview,
                 links: Sequence[tuple[int, str]] = ()) -> tuple[int, ...]:
        """Write ``preview`` again after :meth:`unimport` (redo), linking its notes again; the new ids."""
        from models.timeline_import import import_event_rows, relink_notes

        with gc_paused(), self._library.begin() as session:
            rows = import_event_rows(session, review_id, preview)
            relink_notes(session, review_id, links)
        self.changes.announce(ReviewChanges(review_id, facts=True, participants=True, events=rows,
                                            all_notes=bool(links)))
        return tuple(row.id for row in rows)

    def take_last_import(self, review_id: int) -> ImportRecord | None:
        """The import last written to ``review_id``, for its undo step; None when it added nothing.

        Handed over once: the service keeps no reference, so a 50,000-row preview
        lives only as long as the undo step that holds it (the window drops those
        when the review closes).
        """
        record, self._last_import = self._last_import, None
        return record if record is not None and record.review_id == review_id else None

    def slack_channels(self, path: Path) -> list[str]:
        """The channels of a Slack export that have messages, by name."""
        from models import slack_export

        return slack_export.slack_channels(path)

    def commit(self, review_id: int, preview: ImportPreview) -> int:
        """Write ``preview`` to ``review_id`` in one transaction; returns the number of events added.

        A preview with problems is refused (``ImportRefusedError``) and nothing is written.
        """
        from models.timeline_import import import_event_rows

        with gc_paused(), self._library.begin() as session:
            rows = import_event_rows(session, review_id, preview)
        return len(self._announce(review_id, preview, rows))

    # private
    def _announce(self, review_id: int, preview: ImportPreview,
                  rows: tuple[EventRow, ...]) -> tuple[int, ...]:
        """Say what an import added (the rows it wrote: the window reads nothing again); their ids."""
        ids = tuple(row.id for row in rows)
        self._last_import = ImportRecord(review_id, preview, ids) if ids else None
        if ids:
            # An import may also add participants (a chat's authors) and set the incident start.
            self.changes.announce(ReviewChanges(review_id, facts=True, participants=True, events=rows))
            self.events_imported.emit(review_id, len(ids))
        return ids
