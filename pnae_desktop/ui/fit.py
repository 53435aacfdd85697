"""Widgets whose height follows their content, so that a page scrolls as one document instead
of nesting small scrolled boxes (1366×768 laptops, 150 % scaling): text boxes that grow with
their text, tables and lists that show every row."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QListView,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTableView,
    QTreeView,
)

_ALWAYS_OFF = Qt.ScrollBarPolicy.ScrollBarAlwaysOff


class _Refitter(QObject):
    """Recomputes a widget's height when its width changes (wrapped lines change with it)."""

    def __init__(self, widget, refit) -> None:
        super().__init__(widget)
        self.refit = refit
        self.width = -1
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and watched.width() != self.width:  # type: ignore[attr-defined]
            self.width = watched.width()  # type: ignore[attr-defined]
            self.refit()
        return False


class _Later(QTimer):
    """Runs `work` once, when the event loop is next idle, however many times it is poked; it
    belongs to the widget, so a signal that arrives while the widget is destroyed finds nobody."""

    def __init__(self, widget, work) -> None:
        super().__init__(widget)
        self.setSingleShot(True)
        self.setInterval(0)
        self.timeout.connect(work)

    def poke(self, *_args) -> None:
        self.start()


def _chrome(area: QAbstractScrollArea) -> int:
    """Vertical pixels of a scroll area's frame (its header, held in the viewport margins, is
    counted by the caller: the margins are only set once the view has laid itself out)."""
    margins = area.contentsMargins()
    return margins.top() + margins.bottom()


def grow_with_text(editor: QPlainTextEdit, minimum_lines: int = 3) -> None:
    """The text box is as tall as its text (at least `minimum_lines`), never with its own
    vertical scrollbar: the page around it scrolls."""
    editor.setVerticalScrollBarPolicy(_ALWAYS_OFF)
    editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

    def refit() -> None:
        document = editor.document()
        layouter = document.documentLayout()
        lines = 0
        block = document.begin()
        while block.isValid():
            if isinstance(layouter, QPlainTextDocumentLayout):
                layouter.ensureBlockLayout(block)  # blocks out of sight are laid out lazily
            layout = block.layout()
            lines += max(1, layout.lineCount() if layout is not None else 1)
            block = block.next()
        line = editor.fontMetrics().lineSpacing()
        text = max(lines, minimum_lines) * line + 2 * int(document.documentMargin())
        height = text + _chrome(editor) + 4
        if editor.height() != height or editor.minimumHeight() != height:
            editor.setFixedHeight(height)

    editor.document().documentLayout().documentSizeChanged.connect(lambda _size: refit())
    _Refitter(editor, refit)
    refit()


def show_every_row(view: QAbstractItemView, minimum_rows: int = 1) -> None:
    """The table, list or tree is as tall as all its rows (at least `minimum_rows`), never with
    its own vertical scrollbar; wrapped rows are measured at the view's current width."""
    view.setVerticalScrollBarPolicy(_ALWAYS_OFF)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def refit() -> None:
        if not shiboken6.isValid(view):  # the view's model outlives it by a moment at close
            return
        model = view.model()
        if model is None:
            return
        rows = _row_heights(view)
        body = sum(rows) + (max(0, minimum_rows - len(rows)) * view.fontMetrics().height() * 3 // 2)
        header = 0
        if isinstance(view, QTableView) and view.horizontalHeader().isVisible():
            header = view.horizontalHeader().sizeHint().height()
        elif isinstance(view, QTreeView) and not view.isHeaderHidden():
            header = view.header().sizeHint().height()
        scrollbar = view.horizontalScrollBar()
        extra = scrollbar.sizeHint().height() if scrollbar.isVisible() else 0
        height = body + header + extra + _chrome(view) + 2
        if view.minimumHeight() != height or view.maximumHeight() != height:
            view.setFixedHeight(height)

    later = _Later(view, refit)  # once per burst of changes, after the layout
    model = view.model()
    if model is not None:
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(later.poke)
        model.dataChanged.connect(later.poke)
    if isinstance(view, QTableView):  # columns resized to their contents: wrapped rows change height
        view.horizontalHeader().sectionResized.connect(later.poke)
    _Refitter(view, refit)
    refit()
    view.refit = refit  # type: ignore[attr-defined]  # for views whose rows are rebuilt elsewhere


def _row_heights(view: QAbstractItemView) -> list[int]:
    model = view.model()
    if isinstance(view, QTableView):
        if view.wordWrap():
            view.resizeRowsToContents()
        return [view.rowHeight(r) for r in range(model.rowCount()) if not view.isRowHidden(r)]
    if isinstance(view, QTreeView):
        heights: list[int] = []
        index = view.model().index(0, 0) if model.rowCount() else None
        while index is not None and index.isValid():
            heights.append(max(view.rowHeight(index), view.sizeHintForIndex(index).height()))
            index = view.indexBelow(index)
        return heights
    view.doItemsLayout()  # lists lay their (wrapped) items out lazily
    gap = 2 * view.spacing() if isinstance(view, QListView) else 0  # spacing surrounds each item
    return [view.visualRect(model.index(r, 0)).height() + gap for r in range(model.rowCount())]


def wrap_tree_items(tree: QTreeView) -> None:
    """Long items of a one-column tree wrap at its width (whole texts, no horizontal scroll): Qt
    measures wrapped rows once, so they are measured again whenever the column's width changes."""
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    tree.setHorizontalScrollBarPolicy(_ALWAYS_OFF)
    tree.header().setStretchLastSection(True)
    tree.setItemDelegate(_WrappingDelegate(tree))
    later = _Later(tree, tree.doItemsLayout)
    tree.header().sectionResized.connect(later.poke)


class _WrappingDelegate(QStyledItemDelegate):
    """Measures an item's wrapped text at the width its column gives it (Qt's own measure of a
    tree item ignores the width, so the text would be elided instead of wrapped)."""

    def sizeHint(self, option, index) -> QSize:
        tree = self.parent()
        hint = super().sizeHint(option, index)
        if not isinstance(tree, QTreeView):
            return hint
        depth, parent = 1, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = tree.header().sectionSize(index.column()) - depth * tree.indentation() - 12
        text = str(index.data() or "")
        needed = option.fontMetrics.boundingRect(QRect(0, 0, max(width, 40), 1_000_000), _WRAP, text)
        return QSize(hint.width(), max(hint.height(), needed.height() + 4))


_WRAP = int((Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft).value)
