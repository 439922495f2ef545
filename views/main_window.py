"""The main window: the library as start page, a review's meeting when one is open."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from models.review_summary import ReviewSummary
from views.library_page import LibraryPage
from views.style import apply_style, is_dark
from views.window_fit import first_size, fit_to_screen

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QScreen
    from PySide6.QtWidgets import QLineEdit, QMessageBox  # noqa: F401 (annotations; imported where used)

    from app.bootstrap import Services
    from app.changes import ReviewChanges
    from models.search import HitPlace
    from models.snapshot import ReviewDoc
    from views.export_dialog import ExportChoice
    from views.review_page import ReviewPage
    from views.room_window import RoomWindow
    from views.shortcuts_dialog import ShortcutsDialog

# The window paints in two steps (see views/launch.py): the frame and the library's list first,
# with nothing heavier than PySide6 loaded; the meeting page, the services and every dialog once
# the library is open. The modules of the second step are imported where they are first used.

#: A review with more timeline events than this is read on a worker, with progress and Cancel.
LARGE_REVIEW = 5_000


class MainWindow(QMainWindow):
    """Library and meeting pages, the menus, and the file dialogs."""

    #: The services over the open library: set by :meth:`attach` (see :attr:`ready`).
    services: Services
    review_page: ReviewPage
    room: RoomWindow

    def __init__(self, services: Services | None = None, parent: QWidget | None = None, *,
                 rows: Sequence[ReviewSummary] | None = None) -> None:
        """The window; with ``services``, ready at once. Without, a frame showing the library's
        ``rows`` (read before the library is opened; None: not known yet) until :meth:`attach`."""
        super().__init__(parent)
        self.ready = False
        self.setWindowTitle("Debrief")
        self.resize(1400, 860)
        apply_style(self)
        self._dark = is_dark(self.palette())
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._restyle)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        #: What was asked for before the library was open ("new", or a review id): done once it is.
        self._asked: str | int | None = None
        self.library_page = LibraryPage(rows=rows)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.library_page)
        self.setCentralWidget(self.pages)
        self.library_page.open_requested.connect(self._open_asked)
        self.library_page.open_at_requested.connect(self._open_at_hit)
        self.library_page.new_requested.connect(self._new_asked)
        # The menu bar is there from the first paint (nothing moves when the menus fill in).
        self._menus = [self.menuBar().addMenu(title) for title in (
            self.tr("&File"), self.tr("&Edit"), self.tr("&Meeting"), self.tr("&View"), self.tr("&Settings"),
            self.tr("&Help"))]
        for menu in self._menus:
            menu.setEnabled(False)
        self.statusBar().showMessage(self.tr("Opening the library…"))
        self.problems_box: QMessageBox | None = None
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            first_size(self)  # most of the screen it opens on: a 1080p screen is not left two-thirds empty
        fit_to_screen(self)  # saved on a larger monitor, or the default on a laptop: all of it on screen
        if services is not None:
            self.attach(services)

    def attach(self, services: Services, *, resume: bool = False) -> None:
        """The library is open: build the meeting page and the menus over ``services``.

        With ``resume``, a meeting the last session left without closing comes back where it
        was; otherwise what was asked for meanwhile (a review opened, a new one) is done.
        """
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from app.search_service import SearchService
        from views.learnings_page import LearningsPage
        from views.open_actions_page import OpenActionsPage
        from views.patterns_page import PatternsPage
        from views.review_page import ReviewPage
        from views.room_window import RoomWindow
        from views.typing_guard import TypingGuard

        self.services = services
        self.library_page.due_states = services.lifecycle.due_states
        self.library_page.bind(services.reviews, search=SearchService(services.library, self))
        self.review_page = ReviewPage(services)
        self.pages.addWidget(self.review_page)
        self.review_page.close_requested.connect(self.show_library)
        self.review_page.similar_open_requested.connect(self._open_similar)
        self.patterns_page = PatternsPage(services.patterns, settings=services.settings)
        self.pages.addWidget(self.patterns_page)
        self.patterns_page.close_requested.connect(self.show_library)
        self.open_actions_page = OpenActionsPage(services.lifecycle, changes=services.changes)
        self.pages.addWidget(self.open_actions_page)
        self.open_actions_page.close_requested.connect(self.show_library)
        self.open_actions_page.open_requested.connect(self._open_asked)
        self.learnings_page = LearningsPage(services.learnings, changes=services.changes)
        self.pages.addWidget(self.learnings_page)
        self.learnings_page.close_requested.connect(self.show_library)
        self.learnings_page.open_requested.connect(self._open_learning)
        services.current.changed.connect(self._review_changed)
        # Every import this window starts becomes one undo step when it is written, also one that
        # was written just as its dialog closed (Cancel came too late): see _import_written.
        services.imports.events_imported.connect(self._import_written)
        self._import_name = ""
        self._build_menus()
        for menu in self._menus:
            menu.setEnabled(True)
        # Printable keys that would land on the menu bar, a list or a button go to the note field.
        self.typing_guard = TypingGuard(self, self._note_field)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.typing_guard)
        self.statusBar().showMessage(self.tr("Library: %1").replace("%1", services.library.describe()))
        if self._user_file_problems():
            QTimer.singleShot(0, self.report_catalog_problems)
        self.room = RoomWindow(self)  # its own top-level window, deleted with this one
        self.review_page.room_changed.connect(self._update_room)
        self.review_page.restore_layout()
        #: How the last session ended (read before this one writes its own).
        self.previous_session = services.drafts.session()
        self.ready = True
        self.show_library()
        services.meeting.phase_changed.connect(self._record_session)
        self.review_page.walkthrough.current_event_changed.connect(self._record_session)
        # What the command line or a colleague writes shows here within a couple of seconds.
        services.watch.start()
        asked, self._asked = self._asked, None
        if resume and self.resume_after_crash():
            return
        if asked == "new":
            QTimer.singleShot(0, self.new_review)
        elif isinstance(asked, int):
            self.open_review(asked)

    def _open_at_hit(self, review_id: int, place: HitPlace) -> None:
        """A search hit: the review, at the phase, event or note where the words are."""
        if not self.ready:
            self._open_asked(review_id)
            return
        self.open_review(review_id)
        if self.review_page.review_id != review_id:
            return  # being read on a worker (a large review opens as usual), or gone
        meeting = self.services.meeting
        template = meeting.template
        if place.kind == "event" and place.item_id is not None:
            meeting.go_to("timeline")
            self.review_page.walkthrough.timeline.select_event(place.item_id)
        elif place.kind == "note" and place.item_id is not None:
            self.review_page.show_note(place.item_id)
        elif place.phase and template is not None and template.phase(place.phase) is not None:
            meeting.go_to(place.phase)

    def _open_learning(self, review_id: int, learning_id: int) -> None:
        """A line of the learnings page: the review in its learnings phase, that learning selected."""
        from PySide6.QtWidgets import QAbstractItemView

        from models.search import HitPlace
        from views.outcomes_panel import ID_ROLE

        self._open_at_hit(review_id, HitPlace(kind="learning", field="text", item_id=learning_id,
                                              phase="learnings"))
        if self.review_page.review_id != review_id:
            return  # being read on a worker (a large review opens as usual), or gone
        listed = self.review_page.outcomes.learnings_list
        for row in range(listed.count()):
            item = listed.item(row)
            if item.data(ID_ROLE) == learning_id:
                listed.setCurrentItem(item)
                listed.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
                break

    def _open_asked(self, review_id: int) -> None:
        if self.ready:
            self.open_review(review_id)
        else:
            self._asked = review_id
            self.statusBar().showMessage(self.tr("Opening the library… the review opens as soon as it is."))

    def _new_asked(self) -> None:
        if self.ready:
            self.new_review()
        else:
            self._asked = "new"
            self.statusBar().showMessage(self.tr("Opening the library… the new review starts then."))

    # actions
    def new_review(self) -> int | None:
        from PySide6.QtWidgets import QMessageBox

        from models.errors import DomainError
        from views.new_review_dialog import NewReviewDialog

        answer = NewReviewDialog.ask(self.services.catalog, self)
        if answer is None:
            return None
        try:
            review_id = self.services.reviews.create(title=answer.title, template=answer.template,
                                                     severity=answer.severity, timezone=answer.timezone)
        except DomainError as exc:
            QMessageBox.warning(self, self.tr("New review"), str(exc))
            return None
        self.open_review(review_id)
        return review_id

    def open_review(self, review_id: int) -> None:
        """Open ``review_id`` on the meeting page; a review of many events is read on a worker first."""
        events = self.services.current.event_count(review_id)
        if events > LARGE_REVIEW:
            self._open_in_background(review_id, events)
        elif self.review_page.open_review(review_id):
            self._review_opened()

    def _open_in_background(self, review_id: int, events: int) -> None:
        """Read a large review with the window responsive: a progress dialog whose Cancel changes nothing."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox, QProgressDialog

        from views.progress import dismiss

        progress = QProgressDialog(self.tr("Opening the review: %1 events…").replace("%1", f"{events:,}"),
                                   self.tr("Cancel"), 0, 0, self)
        progress.setWindowTitle(self.tr("Opening"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        operation = self.services.current.read_in_background(review_id).owned_by(self)

        def done() -> None:
            dismiss(progress)

        def read(doc: ReviewDoc | None) -> None:
            wanted = not operation.cancelled
            done()
            if wanted and self.services.current.adopt(doc):
                self._review_opened()

        def failed(exc: Exception) -> None:
            done()
            QMessageBox.warning(self, self.tr("Open review"), str(exc))

        def cancelled() -> None:
            done()

        operation.on_success(read).on_failure(failed).on_cancel(cancelled)
        progress.canceled.connect(operation.cancel)
        self.opening = operation
        operation.start()

    def _note_field(self) -> QLineEdit | None:
        """Where stray typing goes: the note field, while a review's meeting is shown."""
        if self.pages.currentWidget() is self.review_page:
            return self.review_page.capture.note_edit
        return None

    def end_meeting(self) -> bool:
        """Meeting ▸ End meeting: after asking, stop the clock and record the end (reports give it)."""
        meeting = self.services.meeting
        if meeting.review_id is None or not (meeting.is_running or meeting.is_paused):
            self.statusBar().showMessage(self.tr("No meeting is running: Start (Ctrl+T) begins one."), 8000)
            return False
        if not self.review_page.confirm(self.tr("End meeting"), self.tr(
                "End the meeting now? Its clock stops and the reports give its end and length. Notes can "
                "still be added afterwards.")):
            return False
        meeting.end()
        self.statusBar().showMessage(self.tr("Meeting ended."), 8000)
        return True

    def resume_after_crash(self) -> bool:
        """After a session that did not close cleanly, reopen its review, in its phase, at its event.

        What was typed and not stored comes back with the review (its drafts).
        """
        last = self.previous_session
        if last.clean or last.review_id is None:
            return False
        self.open_review(last.review_id)
        if self.services.current.review_id != last.review_id:
            return False  # gone since, or being read on a worker (a large review opens as usual)
        template = self.services.meeting.template
        if last.phase and template is not None and template.phase(last.phase) is not None:
            self.services.meeting.go_to(last.phase)
        if last.event_id is not None:
            self.review_page.walkthrough.timeline.set_current_event(last.event_id)
        self.statusBar().showMessage(self.tr("Debrief did not close properly last time: the meeting is open "
                                             "where it was, with what was typed and not stored."), 15000)
        return True

    def _record_session(self, *_args: object) -> None:
        """Remember where the window is, in case it does not get to close properly."""
        from app.drafts import Session

        review_id = self.services.current.review_id
        self.services.drafts.set_session(Session(
            review_id=review_id,
            phase=self.services.meeting.phase_id if review_id is not None else None,
            event_id=self.review_page.walkthrough.current_event_id() if review_id is not None else None,
            clean=False))

    def _review_opened(self) -> None:
        self._record_session()
        self.pages.setCurrentWidget(self.review_page)
        self.review_page.capture.focus_note()  # only a visible widget can take focus
        self._update_actions()
        self._update_title()

    def show_library(self) -> None:
        if self.review_page.review_id is not None:
            if not self.review_page.ready_to_close():
                return  # notes wait for the library: the note-taker chose to stay with them
            self.library_page.select(self.review_page.review_id)
        self.review_page.close_review()
        self._record_session()
        # Undo steps belong to the review that was open: Ctrl+Z in the library must not
        # change a review nobody is looking at.
        self.services.undo.clear()
        self.pages.setCurrentWidget(self.library_page)
        if self.library_page.searching():  # the hits stand where the list was
            self.library_page.search_panel.view.setFocus()
        else:
            self.library_page.table.setFocus()
        self._update_actions()
        self._update_title()

    def show_patterns(self) -> None:
        """View ▸ Patterns: charts of the whole library (leaving an open review the usual way)."""
        if self.pages.currentWidget() is self.review_page:
            self.show_library()
            if self.pages.currentWidget() is not self.library_page:
                return  # the note-taker stayed with notes the library has not taken yet
        self.pages.setCurrentWidget(self.patterns_page)
        self._update_actions()
        self._update_title()

    def show_open_actions(self) -> None:
        """View ▸ Open actions: every review's open actions (leaving an open review the usual way)."""
        if self.pages.currentWidget() is self.review_page:
            self.show_library()
            if self.pages.currentWidget() is not self.library_page:
                return  # the note-taker stayed with notes the library has not taken yet
        self.pages.setCurrentWidget(self.open_actions_page)
        self._update_actions()
        self._update_title()

    def show_learnings(self) -> None:
        """View ▸ Learnings: every review's learnings by category (leaving an open review the usual way)."""
        if self.pages.currentWidget() is self.review_page:
            self.show_library()
            if self.pages.currentWidget() is not self.library_page:
                return  # the note-taker stayed with notes the library has not taken yet
        self.pages.setCurrentWidget(self.learnings_page)
        self.learnings_page.table.setFocus()
        self._update_actions()
        self._update_title()

    def _open_similar(self, review_id: int) -> None:
        """A similar earlier review, from level setting: opened in place of this one."""
        if review_id != self.review_page.review_id and self.review_page.ready_to_close():
            self.open_review(review_id)

    def save_elsewhere(self) -> Path | None:
        """The open review, with notes not yet stored, as a bundle where the user chooses."""
        if self.review_page.review_id is None:
            return None
        return self.review_page.save_elsewhere()

    def export_current(self) -> Path | None:
        from PySide6.QtWidgets import QMessageBox

        from app.export_service import (
            EXPORT_STEPS,
            FORMATS,
            ReportTemplateError,
            export_in_background,
            format_for_suffix,
        )
        from models.errors import DomainError
        from views.export_dialog import ExportChoice
        from views.progress import Finished, run_with_progress

        if self.review_page.review_id is not None:
            self.review_page.commit_pending()  # what is on screen goes into the report
        review_id = self.review_page.review_id or self.library_page.selected_id()
        if review_id is None:
            return None
        settings = self.services.settings
        remembered = settings.get("last_export_format")
        choice = self.ask_export_choice(review_id, ExportChoice(
            format=remembered if remembered in FORMATS else "docx",
            anonymize=bool(settings.get("show_roles"))))
        if choice is None:
            return None
        folder = settings.get("last_export_dir") or str(Path.home())
        doc = self.services.reviews.get(review_id)
        if doc is None:
            return None
        suggested = Path(folder) / f"{_safe_name(doc.title)}{FORMATS.get(choice.format, FORMATS['docx'])[1]}"
        filters = [f"{self.tr(name)} (*{suffix})" for name, suffix in FORMATS.values()]
        chosen_filter = next((f for f, key in zip(filters, FORMATS, strict=True) if key == choice.format),
                             filters[0])
        path_text, used_filter = self.ask_save_path(str(suggested), ";;".join(filters), chosen_filter)
        if not path_text:
            return None
        path = Path(path_text)
        fmt = format_for_suffix(path)
        if fmt is None:  # no known suffix typed: go by the chosen filter
            fmt = list(FORMATS)[filters.index(used_filter)] if used_filter in filters else "docx"
            path = path.with_suffix(FORMATS[fmt][1])
        template = self.services.settings.get("report_template")
        try:
            operation = export_in_background(self.services.library, self.services.catalog, review_id, fmt,
                                             path, anonymize=choice.anonymize, options=choice.options,
                                             docx_template=Path(template) if template else None)
        except DomainError as refused:  # the library's own files, refused at once
            finished: Finished[Path] = Finished(error=refused)
        else:
            finished = run_with_progress(self, operation, [self.tr(step) for step in EXPORT_STEPS],
                                         title=self.tr("Export"))
        if finished.cancelled:
            self.statusBar().showMessage(self.tr("Export cancelled: nothing was written."), 10000)
            return None
        if (error := finished.error) is not None:
            if not isinstance(error, (OSError, DomainError, ReportTemplateError)):
                raise error  # a bug: the crash dialog
            QMessageBox.warning(self, self.tr("Export"), self.tr("Could not write %1: %2")
                                .replace("%1", str(path)).replace("%2", str(error)))
            return None
        settings.set("last_export_dir", str(path.parent))
        settings.set("last_export_format", fmt)
        self.statusBar().showMessage(self.tr("Exported to %1").replace("%1", str(path)), 10000)
        return path

    def import_bundle(self) -> int | None:
        from PySide6.QtWidgets import QMessageBox

        from models.errors import DomainError
        from models.yamlsource import SourceError

        settings = self.services.settings
        path_text = self.ask_open_path(settings.get("last_import_dir") or str(Path.home()),
                                       self.tr("Review bundles (*.yaml *.yml *.json)"))
        if not path_text:
            return None
        path = Path(path_text)
        try:
            bundle = self.services.reviews.read_bundle(path)
            existing = self.services.reviews.existing_for(bundle)
            update = False
            if existing is not None:
                answer = self.ask_update_existing(existing.title)
                if answer is None:
                    return None
                update = answer
            review_id = self.services.reviews.import_parsed(bundle, update_existing=update)
        except (SourceError, DomainError) as exc:
            QMessageBox.warning(self, self.tr("Import"), self.tr("Nothing was imported.\n\n%1")
                                .replace("%1", str(exc)))
            return None
        settings.set("last_import_dir", str(path.parent))
        self.library_page.select(review_id)
        self.statusBar().showMessage(self.tr("Imported %1").replace("%1", path.name), 10000)
        return review_id

    def import_timeline(self, path: Path | None = None) -> int | None:
        """Add events to the open review from a file the user picks (CSV, Slack export zip, bundle)."""
        from views.timeline_import_dialog import TimelineImportDialog

        review_id = self.review_page.review_id
        if review_id is None:
            return None
        if path is None:
            folder = self.services.settings.get("last_import_dir") or str(Path.home())
            filters = ";;".join((
                self.tr("Timelines (*.csv *.tsv *.txt *.md *.zip *.yaml *.yml *.json)"),
                self.tr("CSV files (*.csv *.tsv *.txt)"),
                self.tr("Text timelines (*.txt *.md)"),
                self.tr("Slack export (*.zip)"),
                self.tr("Review bundles (*.yaml *.yml *.json)"),
                self.tr("All files (*)"),
            ))
            path_text = self.ask_timeline_path(folder, filters)
            if not path_text:
                return None
            path = Path(path_text)
        self._import_name = path.name
        added = TimelineImportDialog.ask(self, self.services, review_id, path)
        if added is None:
            return None
        self.services.settings.set("last_import_dir", str(path.parent))
        return added

    def paste_timeline(self) -> int | None:
        """File ▸ Paste timeline…: add events to the open review from lines of text that start with a time."""
        from views.paste_timeline_dialog import PasteTimelineDialog

        review_id = self.review_page.review_id
        if review_id is None:
            return None
        self._import_name = self.tr("the pasted timeline")
        return PasteTimelineDialog.ask(self, self.services, review_id)

    def _import_written(self, review_id: int, added: int) -> None:
        """An import of this window's was written: one undo step (Ctrl+Z takes every event of it
        away again) and a word in the status bar, whether or not its dialog is still open.

        The step is the only holder of the import's preview; an import into a review no longer
        open is let go (undo steps belong to the open review).
        """
        from app.undo import ImportCommand

        record = self.services.imports.take_last_import(review_id)
        if record is None or review_id != self.review_page.review_id:
            return
        name = self._import_name or record.preview.path.name
        self.services.undo.push(ImportCommand(self.services.imports, record, name,
                                              on_error=self.review_page.command_failed))
        text = (self.tr("Added 1 event from %2 (Ctrl+Z takes it away again)") if added == 1 else
                self.tr("Added %1 events from %2 (Ctrl+Z takes them away again)"))
        self.statusBar().showMessage(text.replace("%1", f"{added:,}").replace("%2", name), 15000)

    def import_slack_folder(self) -> int | None:
        """Add events to the open review from an unpacked Slack export folder."""
        if self.review_page.review_id is None:
            return None
        folder = self.ask_timeline_folder(self.services.settings.get("last_import_dir") or str(Path.home()))
        if not folder:
            return None
        return self.import_timeline(Path(folder))

    def report_catalog_problems(self) -> None:
        """Say which of the user's template or severity files were skipped, without blocking."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        problems = self._user_file_problems()
        self.problems_box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Some of your files were skipped"),
                                        self.tr("Debrief started with its built-in templates, severities, "
                                                "prompts and language rules, but could not use these files "
                                                "of yours:"),
                                        QMessageBox.StandardButton.Ok, self)
        self.problems_box.setInformativeText("\n\n".join(problems))
        self.problems_box.setWindowModality(Qt.WindowModality.NonModal)
        self.problems_box.show()

    def _user_file_problems(self) -> tuple[str, ...]:
        services = self.services
        return (*services.catalog.problems, *services.prompt_problems, *services.language_rules.problems)

    def toggle_room_view(self) -> None:
        """Open the room view on the projector (another screen when there is one), or close it."""
        if self.room.isVisible():
            self.room.hide()
            return
        self.room.show_state(self.review_page.room_state())
        self.room.show_on(self.projector_screen(), full_screen=len(QGuiApplication.screens()) > 1)
        self.activateWindow()  # keys stay with the facilitator

    def projector_screen(self) -> QScreen | None:
        """The screen the room view goes to: the chosen one, else any screen but this window's."""
        screens = QGuiApplication.screens()
        chosen = next((s for s in screens if s.name() == self._room_screen_name), None)
        if chosen is not None:
            return chosen
        others = [s for s in screens if s is not self.screen()]
        return others[0] if others else self.screen()

    def _choose_room_screen(self, name: str, _checked: bool = False) -> None:
        self._room_screen_name = name
        if self.room.isVisible():
            self.room.show_on(self.projector_screen())

    def _fill_screen_menu(self) -> None:
        self.screen_menu.clear()
        for screen in QGuiApplication.screens():
            size = screen.size()
            action = self.screen_menu.addAction(f"{screen.name()} ({size.width()}×{size.height()})")
            action.setCheckable(True)
            action.setChecked(screen is self.projector_screen())
            action.triggered.connect(partial(self._choose_room_screen, screen.name()))

    def _update_room(self) -> None:
        if self.room.isVisible():
            self.room.show_state(self.review_page.room_state())

    def _toggle_coach(self) -> None:
        self.services.settings.set("language_coach", self.coach_action.isChecked())

    def _setting_changed(self, key: str) -> None:
        if key == "language_coach":
            self.coach_action.setChecked(bool(self.services.settings.get(key)))
        if key == "show_roles":
            self.roles_action.setChecked(bool(self.services.settings.get(key)))
            self._update_room()
        if key == "analysis_due_working_days":
            self.library_page.refresh()  # the Analysis column counts the new window

    def choose_analysis_window(self) -> int | None:
        """Settings ▸ Analysis window: the working days after resolution a review's analysis is due."""
        from models.lifecycle import MAX_WORKING_DAYS

        setting = "analysis_due_working_days"
        days = self.ask_analysis_window(self.services.lifecycle.working_days(), MAX_WORKING_DAYS)
        if days is not None:
            self.services.settings.set(setting, days)
        return days

    def ask_analysis_window(self, current: int, most: int) -> int | None:
        """The number asked for (None: cancelled); tests replace this."""
        from PySide6.QtWidgets import QInputDialog

        days, ok = QInputDialog.getInt(
            self, self.tr("Analysis window"),
            self.tr("A review's analysis is due this many working days after the incident is resolved "
                    "(Monday to Friday, in the review's timezone; a due date set on a review wins):"),
            current, 0, most)
        return days if ok else None

    def _toggle_roles(self) -> None:
        self.services.settings.set("show_roles", self.roles_action.isChecked())

    # dialogs, separate so tests can replace them
    def ask_export_choice(self, review_id: int, initial: ExportChoice) -> ExportChoice | None:
        from views.export_dialog import ExportDialog

        jump = self.review_page.show_note if review_id == self.review_page.review_id else None
        return ExportDialog.ask(self, self.services, review_id, initial, on_jump=jump)

    def choose_report_template(self) -> Path | None:
        """Settings ▸ Reports: build Word reports on the company's .docx (checked before it is kept)."""
        from PySide6.QtWidgets import QMessageBox

        from app.export_service import ReportTemplateError, check_report_template

        path_text = self.ask_template_path()
        if not path_text:
            return None
        path = Path(path_text)
        try:
            check_report_template(path)
        except ReportTemplateError as exc:
            QMessageBox.warning(self, self.tr("Word template"), str(exc))
            return None
        self.services.settings.set("report_template", str(path))
        self.statusBar().showMessage(self.tr("Word reports now use %1").replace("%1", path.name), 10000)
        return path

    def clear_report_template(self) -> None:
        self.services.settings.set("report_template", "")
        self.statusBar().showMessage(self.tr("Word reports use the built-in look"), 10000)

    def ask_template_path(self) -> str:
        from PySide6.QtWidgets import QFileDialog

        current = self.services.settings.get("report_template") or str(Path.home())
        return QFileDialog.getOpenFileName(self, self.tr("Word template for reports"), current,
                                           self.tr("Word documents and templates (*.docx *.dotx)"))[0]

    def ask_save_path(self, suggested: str, filters: str, selected: str) -> tuple[str, str]:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getSaveFileName(self, self.tr("Export review"), suggested, filters, selected)

    def ask_update_existing(self, title: str) -> bool | None:
        """The bundle is of a review the library has: update it (True), import a copy (False), or cancel."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Import review bundle"),
                          self.tr("This library has this review already: “%1”.").replace("%1", title),
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(self.tr("Update it with the bundle's content (its notes, timeline and "
                                       "meetings are replaced), or import the bundle as a separate copy?"))
        update = box.addButton(self.tr("&Update it"), QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton(self.tr("Import a &copy"), QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(update)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return True if clicked is update else False if clicked is copy else None

    def ask_open_path(self, folder: str, filters: str) -> str:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getOpenFileName(self, self.tr("Import review bundle"), folder, filters)[0]

    def ask_timeline_path(self, folder: str, filters: str) -> str:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getOpenFileName(self, self.tr("Import timeline"), folder, filters)[0]

    def ask_timeline_folder(self, folder: str) -> str:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getExistingDirectory(self, self.tr("Import Slack export folder"), folder)

    # private
    def _build_menus(self) -> None:
        from PySide6.QtGui import QKeySequence

        from views.keys import redo_keys, undo_keys
        from views.shortcuts_dialog import SHORTCUT_GROUP, SHORTCUT_LABEL

        # Every command has keys; the F1 sheet lists them by each action's group.
        file_menu, edit_menu, meeting_menu, view_menu, settings_menu, help_menu = self._menus
        self._group = "Files"
        self.new_action = self._action(file_menu, self.tr("&New review…"), QKeySequence.StandardKey.New,
                                       self.new_review)
        self.import_action = self._action(file_menu, self.tr("&Import review bundle…"), "Ctrl+I",
                                          self.import_bundle)
        self.import_timeline_action = self._action(file_menu, self.tr("Import &timeline…"), "Ctrl+Shift+I",
                                                   self.import_timeline)
        self.import_slack_folder_action = self._action(file_menu, self.tr("Import &Slack export folder…"),
                                                       "Ctrl+Shift+O", self.import_slack_folder)
        self.paste_timeline_action = self._action(file_menu, self.tr("&Paste timeline…"), "Ctrl+Shift+V",
                                                  self.paste_timeline)
        self.export_action = self._action(file_menu, self.tr("&Export…"), "Ctrl+E", self.export_current)
        # Works from what is on screen (and the notes waiting to be stored), so it works when the
        # library itself cannot be read: gone, full, read-only.
        self.save_elsewhere_action = self._action(file_menu, self.tr("Save this review &elsewhere…"),
                                                  "Ctrl+Shift+S", self.save_elsewhere)
        file_menu.addSeparator()
        self.library_action = self._action(file_menu, self.tr("Back to &library"), "Ctrl+W",
                                           self.show_library)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), "Ctrl+Q", self.close)
        self.undo_action = self.services.undo.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcuts(undo_keys())
        self.redo_action = self.services.undo.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts(redo_keys())
        for action, name in ((self.undo_action, self.tr("Undo (notes, learnings, actions, timeline)")),
                             (self.redo_action, self.tr("Redo"))):
            action.setProperty(SHORTCUT_GROUP, "Edit")
            action.setProperty(SHORTCUT_LABEL, name)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        # One action per shortcut: the timeline's own Ctrl+Z would make both ambiguous.
        self.review_page.timeline.set_undo_shortcuts(False)
        # The phase and promote keys live here only (not also as page shortcuts: one binding per key).
        self._group = "Phases & timer"
        self.next_action = self._action(meeting_menu, self.tr("&Next phase"), "Ctrl+PgDown",
                                        self.services.meeting.next_phase)
        self.prev_action = self._action(meeting_menu, self.tr("&Previous phase"), "Ctrl+PgUp",
                                        self.services.meeting.previous_phase)
        meeting_menu.addSeparator()
        # The phase timer's own action (Ctrl+T, Ctrl+Space): one action, shown here and on the button.
        self.clock_action = self.review_page.timer.toggle_action
        self.clock_action.setProperty(SHORTCUT_GROUP, self._group)
        self.clock_action.setProperty(SHORTCUT_LABEL, self.tr("Start, pause or resume the meeting clock"))
        meeting_menu.addAction(self.clock_action)
        self.end_meeting_action = self._action(meeting_menu, self.tr("&End meeting…"), "Ctrl+Shift+End",
                                               self.end_meeting)
        self.schedule_review_action = self._action(meeting_menu, self.tr("&Schedule the review meeting…"),
                                                   "Ctrl+Shift+M", self.review_page.schedule_review_meeting)
        self.schedule_review_action.setStatusTip(self.tr("When the room meets about this review: a draft "
                                                         "review becomes scheduled"))
        meeting_menu.addSeparator()
        self._group = "Capture"
        self.learning_action = self._action(meeting_menu, self.tr("Promote note to &learning"), "Ctrl+L",
                                            lambda: self.review_page.promote_selected("learning"))
        self.action_action = self._action(meeting_menu, self.tr("Promote note to &action"), "Ctrl+Shift+A",
                                          lambda: self.review_page.promote_selected("action"))
        self.private_action = self._action(meeting_menu, self.tr("Private note (not on the room &view)"),
                                           "Ctrl+Shift+H", self.review_page.toggle_private)
        self.confirm_room_action = self._action(
            meeting_menu, self.tr("Show a &flagged note in the room as it is"), "Ctrl+Shift+K",
            self.review_page.confirm_for_room)
        self._group = "View"
        self.room_action = self._action(view_menu, self.tr("&Room view (projector)"), "Ctrl+Shift+R",
                                        self.toggle_room_view)
        self._room_screen_name = ""
        self.screen_menu = view_menu.addMenu(self.tr("Room view &screen"))
        self.screen_menu.aboutToShow.connect(self._fill_screen_menu)
        view_menu.addSeparator()
        self.coach_action = self._action(view_menu, self.tr("Blameless &language coach"), "Ctrl+Shift+B",
                                         self._toggle_coach)
        self.coach_action.setCheckable(True)
        self.coach_action.setChecked(bool(self.services.settings.get("language_coach")))
        self.coach_action.setStatusTip(self.tr("Flag blaming or hindsight phrases under the note field "
                                               "(only the facilitator sees them)"))
        self.patterns_action = self._action(view_menu, self.tr("&Patterns across the library"),
                                            "Ctrl+Shift+G", self.show_patterns)
        self.patterns_action.setStatusTip(self.tr("Charts of every review: incidents per month, time to "
                                                  "detect and resolve, services, tags, learnings, surprises"))
        self.open_actions_action = self._action(view_menu, self.tr("Open &actions across the library"),
                                                "Ctrl+Shift+J", self.show_open_actions)
        self.open_actions_action.setStatusTip(self.tr("Every review's open and in-progress actions, the "
                                                      "overdue ones in red; double-click opens the review"))
        # L&earnings: "Blameless &language coach" has the L of this menu already.
        self.learnings_action = self._action(view_menu, self.tr("L&earnings across the library"),
                                             "Ctrl+Shift+L", self.show_learnings)
        self.learnings_action.setStatusTip(self.tr("Every review's learnings by category; double-click "
                                                   "opens the review at the learning"))
        self.panels_action = self._action(view_menu, self.tr("Side &panels (phases, questions, outcomes)"),
                                          "Ctrl+Shift+F11", self._toggle_side_panels)
        self.panels_action.setCheckable(True)
        self.panels_action.setChecked(True)
        self.panels_action.setStatusTip(self.tr("Hide the phase list and the right-hand panels: the "
                                                "phase's content gets the whole width"))
        self.roles_action = self._action(view_menu, self.tr("Show &roles instead of names"), "Ctrl+Shift+N",
                                         self._toggle_roles)
        self.roles_action.setCheckable(True)
        self.roles_action.setChecked(bool(self.services.settings.get("show_roles")))
        self.roles_action.setStatusTip(self.tr("In the room view and in exported reports, people appear by "
                                               "their role (\u201cResponder 2\u201d)"))
        self.services.settings.changed.connect(self._setting_changed)
        self.services.meeting.meeting_scheduled.connect(lambda *_: self.library_page.refresh())
        self.template_action = self._action(settings_menu, self.tr("Reports: Word &template…"),
                                            "Ctrl+Shift+T", self.choose_report_template)
        self.clear_template_action = self._action(settings_menu, self.tr("Reports: use the &built-in look"),
                                                  "Ctrl+Shift+U", self.clear_report_template)
        settings_menu.addSeparator()
        self.analysis_window_action = self._action(settings_menu, self.tr("&Analysis window…"),
                                                   "Ctrl+Shift+W", self.choose_analysis_window)
        self.analysis_window_action.setStatusTip(self.tr("How many working days after resolution a review's "
                                                         "analysis is due (the library's Analysis column)"))
        self.shortcuts_action = self._action(help_menu, self.tr("&Keyboard shortcuts"),
                                             QKeySequence.StandardKey.HelpContents, self.show_shortcuts)
        self._update_actions()

    def show_shortcuts(self) -> ShortcutsDialog:
        """F1: the keyboard cheat sheet, beside the window (non-modal)."""
        from views.shortcuts_dialog import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show_sheet()
        return self.shortcuts_dialog

    def _toggle_side_panels(self) -> None:
        shown = self.panels_action.isChecked()
        self.review_page.set_side_panels(shown)
        self.statusBar().showMessage(self.tr("Side panels shown.") if shown else self.tr(
            "Side panels hidden: View ▸ Side panels (Ctrl+Shift+F11) brings them back."), 8000)

    def _action(self, menu, text, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QAction, QKeySequence

        from views.shortcuts_dialog import SHORTCUT_GROUP

        action = QAction(text, self)
        action.setProperty(SHORTCUT_GROUP, self._group)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _update_actions(self) -> None:
        in_review = self.pages.currentWidget() is self.review_page
        for action in (self.library_action, self.next_action, self.prev_action, self.learning_action,
                       self.clock_action, self.end_meeting_action, self.schedule_review_action,
                       self.private_action,
                       self.confirm_room_action,
                       self.action_action, self.import_timeline_action, self.import_slack_folder_action,
                       self.paste_timeline_action):
            action.setEnabled(in_review)

    def _update_title(self, *_args: object) -> None:
        doc = self.review_page.doc if self.review_page.review_id is not None else None
        # Qt adds " — Debrief" (the application's display name) itself.
        self.setWindowTitle(doc.title if doc else "Debrief")

    def _review_changed(self, changes: ReviewChanges) -> None:
        if changes.deleted and self.pages.currentWidget() is self.review_page:
            self.show_library()  # the open review is gone (deleted here or elsewhere)
        elif changes.facts:
            self._update_title()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A light or dark palette (the system's scheme changed): the colours in the stylesheet follow."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self, *_args: object) -> None:
        dark = is_dark(self.palette())
        if dark != getattr(self, "_dark", dark):
            self._dark = dark
            apply_style(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Remember the layout; never quit silently over notes the library has not taken yet."""
        if not self.ready:  # closed while the library was being opened: nothing of a review to keep
            QSettings().setValue("main_window/geometry", self.saveGeometry())
            super().closeEvent(event)
            return
        from app.drafts import Session

        waiting = self.review_page.pending_count()
        if waiting and not self.review_page.ready_to_close(self.tr(
                "%2 typed here are not in the library yet (%1).\n\nQuit and lose them? Cancel, then “Save "
                "this review elsewhere…”, keeps them in a file.")):
            event.ignore()
            return
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        self.review_page.save_layout(settings)
        self.room.hide()
        self.services.watch.stop()
        self.review_page.save_draft()
        self.services.drafts.set_session(Session(clean=True))
        super().closeEvent(event)


def _safe_name(title: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " -_" else "-" for c in title).strip()
    return cleaned[:80] or "review"
