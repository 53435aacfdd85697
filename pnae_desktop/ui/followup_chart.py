"""A small bar chart painted with Qt's own QPainter (no charting library): per group (an axis of
the instruction, an indicator) a label over two horizontal bars, « Prévu » / « Cible » and
« Réalisé », each with its value written beside it. It reads in black-and-white print and for
people who do not tell colours apart: the forecast is hatched, the realised is solid, the
legend says which is which and every bar carries its figure in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from pnae_desktop.ui import palette

WRAP = int((Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft).value)


@dataclass(frozen=True)
class Bar:
    """One bar: its length in any unit (None: no value, nothing drawn) and the text beside it."""

    value: Decimal | None
    text: str


@dataclass(frozen=True)
class Group:
    """A label and its two bars (first: forecast or target, hatched; second: realised, solid)."""

    label: str
    planned: Bar
    realised: Bar


class BarChart(QWidget):
    """Two series of horizontal bars. `shared_scale`: one scale for every group (amounts in €);
    otherwise each group has its own (indicators of different units)."""

    PAD = 6
    BAR = 16  # bar thickness in pixels

    def __init__(self, title: str, series: tuple[str, str] = ("Prévu", "Réalisé"), parent=None):
        super().__init__(parent)
        self.title = title
        self.series = series
        self.groups: tuple[Group, ...] = ()
        self.shared_scale = True
        self.empty_text = "Rien à représenter pour cette année."
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(320)
        self._fit_width = -1

    # -- content ---------------------------------------------------------------------------
    def set_groups(self, groups: Sequence[Group], shared_scale: bool = True) -> None:
        self.groups = tuple(groups)
        self.shared_scale = shared_scale
        self.setAccessibleDescription(self.as_text())
        self.setToolTip(self.as_text())
        self._fit_width = -1
        self._fit()
        self.update()

    def as_text(self) -> str:
        """The chart in words, for screen readers and the tooltip."""
        if not self.groups:
            return f"{self.title} : {self.empty_text}"
        lines = [self.title]  # each bar's text names its series (« Prévu : 1 200,00 € »)
        lines += [f"{g.label} — {g.planned.text} ; {g.realised.text}" for g in self.groups]
        return "\n".join(lines)

    # -- geometry --------------------------------------------------------------------------
    def _label_height(self, label: str, width: int) -> int:
        metrics = QFontMetrics(self.font())
        return metrics.boundingRect(QRect(0, 0, max(width, 40), 100_000), WRAP, label).height()

    def _header_height(self) -> int:
        line = QFontMetrics(self.font()).lineSpacing()
        return 2 * line + 3 * self.PAD  # title, then the legend

    def _group_height(self, group: Group, width: int) -> int:
        return self._label_height(group.label, width - 2 * self.PAD) + 2 * self.BAR + 3 * self.PAD + 4

    def height_for(self, width: int) -> int:
        if not self.groups:
            return self._header_height() + QFontMetrics(self.font()).lineSpacing() + 2 * self.PAD
        return self._header_height() + sum(self._group_height(g, width) for g in self.groups) + self.PAD

    def _fit(self) -> None:
        """The chart is as tall as its groups at its width: the page around it scrolls."""
        width = self.width() if self.width() > 0 else 600
        if width == self._fit_width:
            return
        self._fit_width = width
        self.setFixedHeight(self.height_for(width))

    def sizeHint(self) -> QSize:
        width = max(self.width(), 600)
        return QSize(width, self.height_for(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    # -- painting --------------------------------------------------------------------------
    def _scale(self, group: Group) -> Decimal:
        values = [g.planned.value for g in self.groups] + [g.realised.value for g in self.groups]
        if not self.shared_scale:
            values = [group.planned.value, group.realised.value]
        biggest = max((abs(v) for v in values if v is not None), default=Decimal(0))
        return biggest if biggest > 0 else Decimal(1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _brushes(self) -> tuple[QBrush, QBrush]:
        hatched = QBrush(QColor(palette.NAVY), Qt.BrushStyle.BDiagPattern)
        solid = QBrush(QColor(palette.NAVY))
        return hatched, solid

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), QColor(palette.WHITE))
        text_pen, outline = QPen(QColor(palette.TEXT)), QPen(QColor(palette.NAVY))
        outline.setWidth(1)
        metrics = QFontMetrics(self.font())
        line = metrics.lineSpacing()
        pad, width = self.PAD, self.width()
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QPen(QColor(palette.NAVY)))
        painter.drawText(QRect(pad, pad, width - 2 * pad, line), int(Qt.AlignmentFlag.AlignLeft.value), self.title)
        painter.setFont(self.font())
        hatched, solid = self._brushes()
        y = 2 * pad + line
        x = pad
        for name, brush in zip(self.series, (hatched, solid)):  # the legend: a swatch and its name
            painter.setPen(outline)
            painter.fillRect(QRect(x, y + 2, 28, line - 4), QColor(palette.WHITE))
            painter.fillRect(QRect(x, y + 2, 28, line - 4), brush)
            painter.drawRect(QRect(x, y + 2, 28, line - 4))
            painter.setPen(text_pen)
            painter.drawText(QRect(x + 34, y, 200, line), int(Qt.AlignmentFlag.AlignVCenter.value), name)
            x += 40 + metrics.horizontalAdvance(name) + 2 * pad
        y = self._header_height()
        if not self.groups:
            painter.setPen(QPen(QColor(palette.MUTED)))
            painter.drawText(
                QRect(pad, y, width - 2 * pad, line), int(Qt.AlignmentFlag.AlignLeft.value), self.empty_text
            )
            return
        texts = [g.planned.text for g in self.groups] + [g.realised.text for g in self.groups]
        text_room = min(max(metrics.horizontalAdvance(t) for t in texts) + 2 * pad, (width - 2 * pad) // 2)
        bar_room = max(40, width - 2 * pad - text_room)
        for group in self.groups:
            label_height = self._label_height(group.label, width - 2 * pad)
            painter.setPen(text_pen)
            painter.drawText(QRect(pad, y, width - 2 * pad, label_height), WRAP, group.label)
            y += label_height + pad
            scale = self._scale(group)
            for bar, brush in ((group.planned, hatched), (group.realised, solid)):
                length = 0 if bar.value is None else int(bar_room * min(abs(bar.value) / scale, Decimal(1)))
                rect = QRect(pad, y, length, self.BAR)
                if length > 0:
                    painter.fillRect(rect, QColor(palette.WHITE))
                    painter.fillRect(rect, brush)
                    painter.setPen(outline)
                    painter.drawRect(rect)
                painter.setPen(text_pen)
                text_rect = QRect(pad + length + pad, y - 2, width - length - 3 * pad, self.BAR + 4)
                painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter.value), bar.text)
                y += self.BAR + pad // 2
            y += pad + 4
            painter.setPen(QPen(QColor(palette.GRID)))
            painter.drawLine(pad, y - pad // 2 - 2, width - pad, y - pad // 2 - 2)
