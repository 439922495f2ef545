"""Similar past incidents beside an open review: "have we seen this before?"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from models.review_summary import zone_named
from models.similar import SimilarReview, reason_text
from models.vocabulary import label

if TYPE_CHECKING:
    from app.background import Operation
    from app.patterns_service import PatternsService


Index = QModelIndex | QPersistentModelIndex
#: Space around a line's text and between two lines, in pixels.
PADDING = 6


class TwoLineDelegate(QStyledItemDelegate):
    """An item's first line (the title) in bold, the rest (date, severity, reason) muted and wrapped."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        title, detail = _split(index)
        if not detail:  # a sentence in place of the list (nothing found, looking…)
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else QApplication.style()
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        muted = text if selected else option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        area = option.rect.adjusted(PADDING, PADDING // 2, -PADDING, -PADDING // 2)
        bold = QFont(option.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        painter.save()
        try:
            painter.setFont(bold)
            painter.setPen(text)
            painter.drawText(QRect(area.left(), area.top(), area.width(), bold_metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, area.width()))
            painter.setFont(option.font)
            painter.setPen(muted)
            below = area.adjusted(0, bold_metrics.height() + 2, 0, 0)
            painter.drawText(below, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), detail)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        title, detail = _split(index)
        if not detail:
            return super().sizeHint(option, index)
        view = option.widget
        room = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        width = room - 2 * PADDING
        bold = QFont(option.font)
        bold.setBold(True)
        wrapped = QFontMetrics(option.font).boundingRect(QRect(0, 0, max(width, 40), 10_000),
                                                         int(Qt.TextFlag.TextWordWrap), detail)
        return QSize(max(width, 40), QFontMetrics(bold).height() + 2 + wrapped.height() + PADDING)


def _split(index: Index) -> tuple[str, str]:
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    title, _newline, detail = text.partition("\n")
    return title, detail


class SimilarPanel(QWidget):
    """The earlier reviews most like the open one, best first: title, date, severity and why.

    Give it the rows (:meth:`show_similar`), or a
    :class:`~app.patterns_service.PatternsService` and a review
    (:meth:`show_review`: asked on a worker, the list says it is looking meanwhile).

    Signals:
        open_requested(int): the id of the review to open (double-click or Enter on its line).
        loaded(): the answer to :meth:`show_review` is shown.
    """

    open_requested = Signal(int)
    loaded = Signal()

    #: The item role holding the listed review's id.
    ID_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, service: PatternsService | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.review_id: int | None = None
        self.rows: tuple[SimilarReview, ...] = ()
        self._operation: Operation[tuple[SimilarReview, ...]] | None = None
        self.heading = QLabel(self.tr("SIMILAR PAST INCIDENTS"))
        self.heading.setObjectName("panelHeading")
        self.heading.setToolTip(self.tr("Earlier reviews that share services, tags or telling words "
                                        "with this one: have we seen this before?"))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setItemDelegate(TwoLineDelegate(self.list))
        # Lines are as tall as their wrapped reason at the panel's width: laid out again on resize.
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setUniformItemSizes(False)
        self.list.setAccessibleName(self.tr("Similar past incidents"))
        self.list.itemActivated.connect(self._activated)  # double-click, Enter (and Return)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        self._placeholder(self.tr("Open a review to see similar earlier ones."))

    # public
    def show_review(self, review_id: int | None) -> None:
        """Look for the reviews similar to ``review_id`` (None: nothing open) on a worker."""
        if self._operation is not None:
            self._operation.cancel()
            self._operation = None
        self.review_id = review_id
        if review_id is None or self.service is None:
            self.show_similar(())
            if review_id is None:
                self._placeholder(self.tr("Open a review to see similar earlier ones."))
            return
        operation = self.service.similar_in_background(review_id).owned_by(self)
        self._operation = operation

        def found(rows: tuple[SimilarReview, ...]) -> None:
            if operation is self._operation:
                self._operation = None
                self.show_similar(rows)
                self.loaded.emit()

        def failed(exc: Exception) -> None:
            if operation is self._operation:
                self._operation = None
                self.rows = ()
                self._placeholder(self.tr("Could not look for similar reviews: %1").replace("%1", str(exc)))
                self.loaded.emit()

        operation.on_success(found).on_failure(failed)
        if not self.rows:
            self._placeholder(self.tr("Looking for similar earlier reviews…"))
        operation.start()

    def show_similar(self, rows: Sequence[SimilarReview]) -> None:
        """List ``rows`` (best first, as given)."""
        self.rows = tuple(rows)
        self.heading.setText(self.tr("SIMILAR PAST INCIDENTS (%n)", "", len(self.rows)) if self.rows
                             else self.tr("SIMILAR PAST INCIDENTS"))
        if not self.rows:
            self._placeholder(self.tr("No similar earlier reviews."))
            return
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(f"{row.title}\n{self.describe(row)}")
            item.setData(self.ID_ROLE, row.id)
            item.setToolTip(self.tr("%1\nSimilarity %2 of 1. Double-click or Enter opens it.")
                            .replace("%1", row.title).replace("%2", f"{row.score:.2f}"))
            self.list.addItem(item)

    def describe(self, row: SimilarReview) -> str:
        """The line under a review's title: its date, severity (and near miss) and the reason."""
        when = row.when.astimezone(zone_named(row.timezone)).date().isoformat()
        parts = [when, row.severity or "", self.tr("near miss") if row.kind == "near-miss" else "",
                 label(row.status),
                 reason_text(row.services, row.tags, row.words, services_label=self.tr("shared services"),
                             tags_label=self.tr("tags"), words_label=self.tr("words"))]
        return " · ".join(p for p in parts if p)

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(self.ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    # private
    def _placeholder(self, text: str) -> None:
        self.list.clear()
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)

    def _activated(self, item: QListWidgetItem | None) -> None:
        value = item.data(self.ID_ROLE) if item is not None else None
        if value is not None:
            self.open_requested.emit(int(value))
