"""The patterns page: charts of the whole library, each to copy or save as a picture, all in one report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.patterns_service import REPORT_STEPS, PatternsReport, PatternsService
from exports.pattern_charts import ChartPicture, PatternTexts

if TYPE_CHECKING:
    from app.background import Operation
    from app.settings import Settings
    from exports.patterns_report import ReportFormat, ReportTexts
    from models.catalog import Catalog
    from models.store import Library

#: Charts side by side on the page.
COLUMNS = 2
#: A change to the library is read this long after the last one (an import commits many at once).
REFRESH_DELAY_MS = 600
#: The setting of the folder reports were last written to: the review export's, so both start there.
LAST_FOLDER_SETTING = "last_export_dir"
#: How long the status bar says where the report went.
STATUS_MS = 10000


class _HasServices(Protocol):
    """The window's services (app.bootstrap.Services): what the page needs of them."""

    library: Library
    catalog: Catalog


class ChartView(QWidget):
    """One chart picture, as wide as the column it is in, keeping its shape."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(320)

    def set_png(self, png: bytes) -> None:
        self._image = QImage.fromData(png)
        self._image.setDevicePixelRatio(1.0)  # scaled to the widget below, whatever the PNG says
        self.updateGeometry()
        self.update()

    def image(self) -> QImage:
        return self._image

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if self._image.isNull() or self._image.width() == 0:
            return round(width * 9 / 16)
        return round(width * self._image.height() / self._image.width())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(560, self.heightForWidth(560))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        if self._image.isNull():
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            left = (self.width() - size.width()) // 2
            painter.drawImage(self.rect().adjusted(left, 0, 0, 0).topLeft(), self._image.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        finally:
            painter.end()


class ChartCard(QFrame):
    """A chart with its Copy and Save as PNG… buttons."""

    def __init__(self, picture: ChartPicture, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = picture
        self.setObjectName("chartCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.view = ChartView()
        self.view.set_png(picture.png)
        self.view.setAccessibleName(picture.title)
        self.view.setToolTip(picture.title)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the chart to the clipboard as a picture"))
        self.save_button = QPushButton(self.tr("Save as PNG…"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)


class PatternsPage(QWidget):
    """Charts of the library's patterns in a scrollable grid, read in the background.

    Built over a :class:`~app.patterns_service.PatternsService`, or over the
    window's services (one is made over their library then). It reads when it
    is first shown, on Refresh, and again a moment after the library changed
    while it is shown (once shown again, if it was not).

    Export report… writes every chart with its numbers to one Word or HTML
    file, made on a worker while the page stays usable; the folder is
    remembered in ``settings`` (the review export's folder) when there are any.

    Signals:
        loaded(): a read ended and what it found is shown (the charts, or the empty state).
        close_requested(): the user wants to go back (the Library button).
        report_ended(): making a report ended, written or not (what became of it is shown).
    """

    loaded = Signal()
    close_requested = Signal()
    report_ended = Signal()

    def __init__(self, source: PatternsService | _HasServices, parent: QWidget | None = None, *,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        if isinstance(source, PatternsService):
            self.service = source
        else:
            self.service = PatternsService(source.library, self, catalog=source.catalog,
                                           changes=getattr(source, "changes", None))
            settings = settings or getattr(source, "settings", None)  # the window's: the last folder
        self.settings = settings
        self.report: PatternsReport | None = None
        self.cards: dict[str, ChartCard] = {}
        self._operation: Operation[PatternsReport] | None = None
        self._report_operation: Operation[Path] | None = None
        #: The folder of the last report when there are no settings to remember it in.
        self._last_folder = ""
        self._stale = True

        self.back_button = QPushButton(self.tr("Library"))
        self.back_button.clicked.connect(self.close_requested)
        heading = QLabel(self.tr("Patterns"))
        heading.setObjectName("pageHeading")
        self.summary_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy, not a percentage
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Reading the library"))
        self.busy.hide()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip(self.tr("Read the library again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export report…"))
        self.export_button.setToolTip(self.tr("Every chart with the numbers behind it, in one Word or HTML "
                                              "file"))
        self.export_button.clicked.connect(self.export_report)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(heading)
        header.addWidget(self.summary_label, 1)
        header.addWidget(self.busy)
        header.addWidget(self.export_button)
        header.addWidget(self.refresh_button)

        self.empty_label = QLabel(self.tr(
            "No reviews in the library yet.\nPatterns appear here once there are reviews to compare."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.loading_label = QLabel(self.tr("Reading the library…"))
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid_widget = QWidget()
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setSpacing(12)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.grid_widget)
        self.stack = QStackedWidget()
        for page in (self.loading_label, self.empty_label, self.scroll_area):
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(self.loading_label)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.service.library_changed.connect(self._library_changed)

    # public
    @property
    def loading(self) -> bool:
        return self._operation is not None and self._operation.running

    @property
    def exporting(self) -> bool:
        """Whether a report is being made."""
        return self._report_operation is not None and self._report_operation.running

    def refresh(self) -> None:
        """Read the patterns and draw the charts again, on a worker; the page stays usable meanwhile."""
        self._refresh_timer.stop()
        if self._operation is not None:
            self._operation.cancel()  # what it would bring is older than what this one will
        self._stale = False
        operation = self.service.read_in_background(self.chart_texts()).owned_by(self)
        self._operation = operation

        def done(report: PatternsReport) -> None:
            if operation is self._operation:
                self._ended()
                self.show_report(report)

        def failed(exc: Exception) -> None:
            if operation is self._operation:
                self._ended()
                self._stale = True
                QMessageBox.warning(self, self.tr("Patterns"), str(exc))
                self.loaded.emit()

        def cancelled() -> None:
            if operation is self._operation:
                self._ended()

        operation.on_success(done).on_failure(failed).on_cancel(cancelled)
        if self.report is None:
            self.stack.setCurrentWidget(self.loading_label)
        operation.start()
        self._show_busy()

    def show_report(self, report: PatternsReport) -> None:
        """Show ``report``'s charts (or the empty state when the library has no reviews)."""
        self.report = report
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        self.summary_label.setText(self._summary(report))
        if report.patterns.empty:
            self.stack.setCurrentWidget(self.empty_label)
        else:
            for index, picture in enumerate(report.charts):
                card = ChartCard(picture)
                card.copy_button.clicked.connect(lambda _checked=False, i=picture.id: self.copy_chart(i))
                card.save_button.clicked.connect(lambda _checked=False, i=picture.id: self.save_chart(i))
                self.grid.addWidget(card, index // COLUMNS, index % COLUMNS)
                self.cards[picture.id] = card
            self.stack.setCurrentWidget(self.scroll_area)
        self.loaded.emit()

    def copy_chart(self, chart_id: str) -> bool:
        """Put the chart on the clipboard as a picture; False when there is no such chart."""
        picture = self._picture(chart_id)
        if picture is None:
            return False
        image = QImage.fromData(picture.png)
        QGuiApplication.clipboard().setImage(image)
        self._status(self.tr("Copied “%1” as a picture.").replace("%1", picture.title))
        return True

    def save_chart(self, chart_id: str) -> Path | None:
        """Ask where, then write the chart's PNG there; the path written, or None."""
        from exports.common import write_atomic

        picture = self._picture(chart_id)
        if picture is None:
            return None
        chosen = self.ask_save_path(f"{picture.id}.png")
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        try:
            write_atomic(path, picture.png)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Save chart"), self.tr("Could not write %1: %2")
                                .replace("%1", str(path)).replace("%2", exc.strerror or str(exc)))
            return None
        self._status(self.tr("Saved %1").replace("%1", str(path)))
        return path

    def ask_save_path(self, suggested: str) -> str:
        """The file to save a chart to ("" when cancelled). Tests replace this."""
        from PySide6.QtWidgets import QFileDialog

        folder = Path.home() / suggested
        return QFileDialog.getSaveFileName(self, self.tr("Save chart as PNG"), str(folder),
                                           self.tr("PNG images (*.png)"))[0]

    def export_report(self) -> Path | None:
        """Ask where, then make the patterns report there on a worker; the path it goes to, or None.

        The outcome arrives later (:attr:`report_ended`): the status bar and the
        summary line say where the report went; a message box names the file and
        why it could not be written. A failed report leaves no file behind.
        """
        from exports.patterns_report import FORMATS, UnknownReportFormat, report_format
        from models.errors import DomainError

        if self.exporting:
            return None
        filters: dict[ReportFormat, str] = {"docx": self.tr("Word report (*.docx)"),
                                            "html": self.tr("HTML report (*.html)")}
        suggested = Path(self._last_report_folder()) / f"patterns-{date.today().isoformat()}.docx"
        chosen, used_filter = self.ask_report_path(str(suggested), ";;".join(filters.values()),
                                                   filters["docx"])
        if not chosen:
            return None
        path = Path(chosen)
        fmt = report_format(path)
        if fmt is None:  # no known suffix typed: the chosen filter says which
            by_filter: ReportFormat = next((f for f, text in filters.items() if text == used_filter), "docx")
            fmt, path = by_filter, path.with_name(path.name + FORMATS[by_filter])
        try:
            operation = self.service.report_in_background(path, fmt=fmt, texts=self.report_texts())
        except (DomainError, UnknownReportFormat) as refused:  # the library's own files, refused at once
            self._report_failed(path, refused)
            self.report_ended.emit()
            return None
        self._start_report(operation.owned_by(self), path)
        return path

    def ask_report_path(self, suggested: str, filters: str, chosen_filter: str) -> tuple[str, str]:
        """The file to write the report to, and the filter chosen ("" when cancelled). Tests replace this."""
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getSaveFileName(self, self.tr("Export patterns report"), suggested, filters,
                                           chosen_filter)

    def report_texts(self) -> ReportTexts:
        """The report's words in the user's language (the charts' words included)."""
        from exports.patterns_report import ReportTexts

        return ReportTexts(
            charts=self.chart_texts(),
            title=self.tr("Patterns across the library"),
            review_count_one=self.tr("{n} review"),
            review_count=self.tr("{n} reviews"),
            span=self.tr("{reviews}, {months}"),
            month_range=self.tr("{first} – {last}"),
            month_year=self.tr("{month} {year}"),
            month_names=(self.tr("January"), self.tr("February"), self.tr("March"), self.tr("April"),
                         self.tr("May"), self.tr("June"), self.tr("July"), self.tr("August"),
                         self.tr("September"), self.tr("October"), self.tr("November"), self.tr("December")),
            made=self.tr("Made on {date} at {time}"),
            date=self.tr("{day} {month} {year}"),
            nothing_yet=self.tr("No reviews in the library yet. Patterns appear here once there are reviews "
                                "to compare."),
            picture_alt=self.tr("{title}: chart. The numbers are in the table below."),
            total_header=self.tr("total"),
            median_of_header=self.tr("reviews"),
        )

    def chart_texts(self) -> PatternTexts:
        """The charts' words in the user's language."""
        return PatternTexts(
            per_month=self.tr("Reviews per month, by severity"),
            per_month_axis=self.tr("reviews"),
            month_axis=self.tr("month (UTC)"),
            metric_titles={
                "time-to-detect": self.tr("Time to detect: median per month"),
                "time-to-mitigate": self.tr("Time to mitigate: median per month"),
                "time-to-resolve": self.tr("Time to resolve: median per month"),
            },
            metric_axis=self.tr("median time"),
            services=self.tr("Most frequent services"),
            services_axis=self.tr("reviews naming the service"),
            tags=self.tr("Most frequent tags"),
            tags_axis=self.tr("reviews with the tag"),
            learnings=self.tr("Learnings by category"),
            learnings_axis=self.tr("learnings"),
            surprises=self.tr("Surprises per service"),
            surprises_axis=self.tr("surprises noted in reviews"),
            service_header=self.tr("service"),
            tag_header=self.tr("tag"),
            category_header=self.tr("category"),
            no_severity=self.tr("no severity"),
            no_service=self.tr("no service named"),
            empty=self.tr("No data yet"),
            more=self.tr("+ {n} more ({total} in all)"),
        )

    # private
    def _picture(self, chart_id: str) -> ChartPicture | None:
        return self.report.chart(chart_id) if self.report is not None else None

    def _summary(self, report: PatternsReport) -> str:
        count = self.locale().toString(report.patterns.reviews)
        return self.tr("Reviews in the library: %1").replace("%1", count)

    def _ended(self) -> None:
        self._operation = None
        self._show_busy()

    def _show_busy(self) -> None:
        """The busy bar while the page reads or makes a report; Export report… waits for the report."""
        self.busy.setVisible(self.loading or self.exporting)
        self.export_button.setEnabled(not self.exporting)

    def _start_report(self, operation: Operation[Path], path: Path) -> None:
        """Run ``operation`` (the report to ``path``), its steps said on the summary line."""
        self._report_operation = operation

        def step(done: int) -> None:
            if 0 <= done < len(REPORT_STEPS):
                self.summary_label.setText(self.tr(REPORT_STEPS[done]))

        def written(_path: Path) -> None:
            self._report_operation = None
            self._show_busy()
            self._remember_folder(path.parent)
            self._status(self.tr("Report saved to %1").replace("%1", str(path)), window=True)
            self.report_ended.emit()

        def failed(exc: Exception) -> None:
            self._report_operation = None
            self._show_busy()
            self._restore_summary()
            self._report_failed(path, exc)
            self.report_ended.emit()

        def cancelled() -> None:
            self._report_operation = None
            self._show_busy()
            self._restore_summary()
            self.report_ended.emit()

        operation.on_progress(step).on_success(written).on_failure(failed).on_cancel(cancelled)
        operation.start()
        self._show_busy()
        self.summary_label.setText(self.tr(REPORT_STEPS[0]))

    def _report_failed(self, path: Path, exc: Exception) -> None:
        """Say which file could not be written and why; an error that is a bug goes on to the crash dialog."""
        from sqlalchemy.exc import SQLAlchemyError

        from exports.patterns_report import UnknownReportFormat
        from models.errors import DomainError

        if not isinstance(exc, (OSError, DomainError, UnknownReportFormat, SQLAlchemyError)):
            raise exc
        if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
            reason = self.tr("the folder %1 does not exist").replace("%1", str(path.parent))
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        QMessageBox.warning(self, self.tr("Export patterns report"),
                            self.tr("Could not write %1: %2").replace("%1", str(path)).replace("%2", reason))

    def _last_report_folder(self) -> str:
        """Where the last report (or review export) went; the home folder at first."""
        settings = self.settings
        remembered = settings.get(LAST_FOLDER_SETTING) if settings is not None else self._last_folder
        return str(remembered) if remembered and Path(remembered).is_dir() else str(Path.home())

    def _remember_folder(self, folder: Path) -> None:
        self._last_folder = str(folder)
        if self.settings is not None:
            self.settings.set(LAST_FOLDER_SETTING, str(folder))

    def _status(self, text: str, *, window: bool = False) -> None:
        """``text`` on the summary line for a moment; with ``window``, in the window's status bar too."""
        self.summary_label.setText(text)
        QTimer.singleShot(5000, self, self._restore_summary)
        top = self.window()
        if window and isinstance(top, QMainWindow):
            top.statusBar().showMessage(text, STATUS_MS)

    def _restore_summary(self) -> None:
        """The summary line back to what the charts are of (empty before the first read)."""
        self.summary_label.setText(self._summary(self.report) if self.report is not None else "")

    def _library_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    # Qt overrides
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale and not self.loading:
            self.refresh()
