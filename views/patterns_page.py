"""The patterns page: charts of the whole library, each to copy or save as a picture."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.patterns_service import PatternsReport, PatternsService
from exports.pattern_charts import ChartPicture, PatternTexts

if TYPE_CHECKING:
    from app.background import Operation
    from models.catalog import Catalog
    from models.store import Library

#: Charts side by side on the page.
COLUMNS = 2
#: A change to the library is read this long after the last one (an import commits many at once).
REFRESH_DELAY_MS = 600


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

    Signals:
        loaded(): a read ended and what it found is shown (the charts, or the empty state).
        close_requested(): the user wants to go back (the Library button).
    """

    loaded = Signal()
    close_requested = Signal()

    def __init__(self, source: PatternsService | _HasServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if isinstance(source, PatternsService):
            self.service = source
        else:
            self.service = PatternsService(source.library, self, catalog=source.catalog,
                                           changes=getattr(source, "changes", None))
        self.report: PatternsReport | None = None
        self.cards: dict[str, ChartCard] = {}
        self._operation: Operation[PatternsReport] | None = None
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
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(heading)
        header.addWidget(self.summary_label, 1)
        header.addWidget(self.busy)
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
        self.busy.show()
        if self.report is None:
            self.stack.setCurrentWidget(self.loading_label)
        operation.start()

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
        self.busy.hide()

    def _status(self, text: str) -> None:
        self.summary_label.setText(text)
        QTimer.singleShot(5000, self, self._restore_summary)

    def _restore_summary(self) -> None:
        if self.report is not None:
            self.summary_label.setText(self._summary(self.report))

    def _library_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    # Qt overrides
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale and not self.loading:
            self.refresh()
