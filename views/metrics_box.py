"""The key metrics of a review: time to detect, mitigate and resolve, read-only."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from models.metrics import METRIC_IDS, Metric, format_duration, key_metrics
from models.snapshot import ReviewDoc

_OBJECT_NAMES = {
    "time-to-detect": "timeToDetect",
    "time-to-mitigate": "timeToMitigate",
    "time-to-resolve": "timeToResolve",
}


class MetricsBox(QWidget):
    """One label per key metric, from the stored times (and the timeline's approximate marks).

    ``field_labels`` names the time fields (``started_at``, ``detected_at``…) as
    the form beside the metrics does, for the tooltips that say what is measured.
    """

    def __init__(self, field_labels: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyMetrics")
        self._field_labels = field_labels
        self._names = {
            "time-to-detect": self.tr("To detect"),
            "time-to-mitigate": self.tr("To mitigate"),
            "time-to-resolve": self.tr("To resolve"),
        }
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._labels: dict[str, QLabel] = {}
        for metric_id in METRIC_IDS:
            value = QLabel()
            value.setObjectName(_OBJECT_NAMES[metric_id])
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(value, 1)
            self._labels[metric_id] = value

    def show_review(self, doc: ReviewDoc) -> None:
        """Show ``doc``'s key metrics."""
        for metric in key_metrics(doc):
            label = self._labels[metric.id]
            label.setText(f"{self._names[metric.id]}: {self._text(metric)}")
            label.setToolTip(self._tooltip(metric))

    def _text(self, metric: Metric) -> str:
        """What the metric reads: never zero for a missing time, marked when approximate or contradictory."""
        if metric.value is None:
            return self.tr("unknown")
        text = format_duration(metric.value)
        if metric.approximate:
            text = self.tr("≈ {duration}").format(duration=text)
        if metric.negative:
            notes = {
                "time-to-detect": self.tr("{duration} (detected before the recorded start)"),
                "time-to-mitigate": self.tr("{duration} (mitigated before the recorded start)"),
                "time-to-resolve": self.tr("{duration} (resolved before the recorded start)"),
            }
            text = notes[metric.id].format(duration=text)
        return text

    def _tooltip(self, metric: Metric) -> str:
        start = self._field_labels["started_at"]
        end = self._field_labels[metric.end_field]
        if metric.value is None:
            return self.tr("Unknown until both {start} and {end} are set.").format(start=start, end=end)
        text = self.tr("From {start} to {end}.").format(start=start, end=end)
        if metric.approximate:
            text += " " + self.tr("Approximate: the timeline marks an event at one of these times "
                                  "as approximate.")
        return text
