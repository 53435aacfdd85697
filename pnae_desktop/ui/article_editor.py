"""The article editor for people who do not write template code: each placeholder of the
stored text (`{amount:parties.total}`, `{ref:objet}`…) is shown as a labelled chip (« Montant
des financeurs signataires, en chiffres et en lettres ») that is one non-editable character of
the document, inserted from the « Insérer une donnée ▾ » menu, never typed as braces.

The stored text is unchanged: `setPlainText(raw)` shows it with chips and `toPlainText()`
gives the raw text back, exactly (the placeholder syntax stays an implementation detail)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPyTextObject,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QMenu, QPushButton, QTextEdit, QVBoxLayout, QWidget

from pnae_desktop.domain.convention.placeholders import (
    _CANDIDATE,
    BLOCK_KINDS,
    LISTS,
    TABLES,
    VALUES,
    Placeholder,
    placeholders_in,
)
from pnae_desktop.ui import palette

CHIP_TYPE = QTextFormat.ObjectTypes.UserObject + 1
RAW_PROPERTY = QTextFormat.Property.UserProperty + 1
LABEL_PROPERTY = QTextFormat.Property.UserProperty + 2
OBJECT_CHAR = "\ufffc"
REFUSED_BRACE = (
    "Les accolades sont réservées aux données insérées : utilisez « Insérer une donnée ▾ » "
    "pour citer un nom, un montant ou un autre article."
)
PHRASES = {
    "title_parties": "Parties à la convention (État, Région, association), selon les signataires",
    "parties_definition": "Définition des parties (« les financeurs »…), selon les signataires",
}
_WHO = {"state": "de l'État", "region": "de la Région", "cost": "du coût du programme"}
_WHO_PARTIES = "des financeurs signataires"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Labels:
    """French labels of placeholders, for a convention: its articles' titles and its funders."""

    def __init__(
        self, article_titles: Mapping[str, str] | None = None, funder_names: Mapping[str, str] | None = None
    ) -> None:
        self.articles = dict(article_titles or {})
        self.funders = dict(funder_names or {})

    def funder(self, key: str) -> str:
        if key == "parties":
            return _WHO_PARTIES
        if key in _WHO:
            return _WHO[key]
        name = self.funders.get(key)
        return f"de « {name} »" if name else f"du financeur « {key} »"

    def label(self, ph: Placeholder) -> str | None:
        """The chip's text, or None for a placeholder the engine does not know (kept as text)."""
        if ph.kind == "value":
            return _capitalised(VALUES[ph.arg]) if ph.arg in VALUES else None
        if ph.kind == "amount":
            who, _, when = ph.arg.rpartition(".")
            if not who or not (when == "total" or when.isdigit()):
                return None
            period = "total" if when == "total" else when
            return f"Montant {period} {self.funder(who)}, en chiffres et en lettres"
        if ph.kind == "ref":
            title = self.articles.get(ph.arg)
            return f"Renvoi à l'article « {title} »" if title else None
        if ph.kind == "phrase":
            return PHRASES.get(ph.arg, f"Formule « {ph.arg} »")
        if ph.kind == "table":
            return _capitalised(TABLES[ph.arg]) if ph.arg in TABLES else None
        if ph.kind == "list":
            return _capitalised(LISTS[ph.arg]) if ph.arg in LISTS else None
        return None


class ChipRenderer(QPyTextObject):
    """Draws a chip: its label in a rounded box, in the text's line."""

    def _font(self, doc: QTextDocument, fmt: QTextFormat):
        font = doc.defaultFont()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        return font

    def _label(self, doc: QTextDocument, fmt: QTextFormat) -> str:
        """The label, shortened with « … » only on screen when wider than the editor (the
        tooltip and the documents keep it whole)."""
        metrics = QFontMetricsF(self._font(doc, fmt))
        label = str(fmt.property(LABEL_PROPERTY))
        room = doc.textWidth() - 2 * doc.documentMargin() - 16 if doc.textWidth() > 0 else 10_000
        return metrics.elidedText(label, Qt.TextElideMode.ElideRight, max(room, 60))

    def intrinsicSize(self, doc: QTextDocument, _pos: int, fmt: QTextFormat) -> QSizeF:
        metrics = QFontMetricsF(self._font(doc, fmt))
        return QSizeF(metrics.horizontalAdvance(self._label(doc, fmt)) + 12, metrics.height() + 2)

    def drawObject(
        self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument, _pos: int, fmt: QTextFormat
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(rect).adjusted(1, 0, -1, 0)
        painter.setPen(QColor(palette.CHIP_BORDER))
        painter.setBrush(QColor(palette.CHIP_BG))
        painter.drawRoundedRect(box, 5, 5)
        painter.setFont(self._font(doc, fmt))
        painter.setPen(QColor(palette.CHIP_TEXT))
        metrics = QFontMetricsF(painter.font())
        painter.drawText(QPointF(box.left() + 5, box.top() + 1 + metrics.ascent()), self._label(doc, fmt))
        painter.restore()


class ArticleEditor(QTextEdit):
    """A rich-text view of an article's raw text: placeholders as chips, braces refused."""

    refused = Signal(str)  # a French message: why a key press was refused

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.labels = Labels()
        self._renderer = ChipRenderer(self)
        self.document().documentLayout().registerHandler(CHIP_TYPE, self._renderer)

    # -- raw text in and out ----------------------------------------------------------------
    def setPlainText(self, text: str | None) -> None:  # type: ignore[override]
        """Show `text` (the stored raw text): known placeholders become chips."""
        self.blockSignals(True)
        try:
            self.clear()
            self.document().documentLayout().registerHandler(CHIP_TYPE, self._renderer)
            cursor = QTextCursor(self.document())
            self._insert_raw(cursor, text or "")
        finally:
            self.blockSignals(False)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.textChanged.emit()

    def _insert_raw(self, cursor: QTextCursor, text: str) -> None:
        plain = QTextCharFormat()
        position = 0
        for match in _CANDIDATE.finditer(text):
            ph = placeholders_in(match.group(0))[0]
            label = self.labels.label(ph)
            if label is None:  # unknown: kept as typed, the article's check names it
                continue
            cursor.insertText(text[position : match.start()], plain)
            self._insert_chip(cursor, ph.raw, label)
            position = match.end()
        cursor.insertText(text[position:], plain)

    def _insert_chip(self, cursor: QTextCursor, raw: str, label: str) -> None:
        fmt = QTextCharFormat()
        fmt.setObjectType(CHIP_TYPE)
        fmt.setProperty(RAW_PROPERTY, raw)
        fmt.setProperty(LABEL_PROPERTY, label)
        fmt.setToolTip(label)
        cursor.insertText(OBJECT_CHAR, fmt)
        cursor.setCharFormat(QTextCharFormat())

    def toPlainText(self) -> str:  # type: ignore[override]
        """The raw text: each chip back to its placeholder, exactly as stored."""
        return self.raw_between(0, None)

    def raw_between(self, start: int, end: int | None) -> str:
        """The raw text of document positions [start, end) (None: to the end)."""
        out: list[str] = []
        block = self.document().begin()
        first = True
        while block.isValid():
            if not first and (end is None or block.position() <= end) and block.position() > start:
                out.append("\n")
            first = False
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                it += 1
                lo, hi = fragment.position(), fragment.position() + fragment.length()
                a, b = max(lo, start), hi if end is None else min(hi, end)
                if b <= a:
                    continue
                text = fragment.text()[a - lo : b - lo]
                fmt = fragment.charFormat()
                if fmt.objectType() == CHIP_TYPE:
                    out.append(("{" + str(fmt.property(RAW_PROPERTY)) + "}") * text.count(OBJECT_CHAR))
                else:
                    out.append(text.replace("\u2028", "\n").replace(OBJECT_CHAR, ""))
            block = block.next()
        return "".join(out)

    def chip_labels(self) -> list[str]:
        """The labels of the chips shown, in order (what the reader sees for the placeholders)."""
        labels = []
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.objectType() == CHIP_TYPE:
                    labels += [str(fmt.property(LABEL_PROPERTY))] * fragment.text().count(OBJECT_CHAR)
                it += 1
            block = block.next()
        return labels

    def visible_text(self) -> str:
        """The text as the reader sees it: chips shown by their labels, between ⟨ ⟩."""
        raw = self.toPlainText()
        return _CANDIDATE.sub(
            lambda m: "⟨" + (self.labels.label(placeholders_in(m.group(0))[0]) or m.group(0)) + "⟩", raw
        )

    # -- insertion ----------------------------------------------------------------------------
    def insert_placeholder(self, raw: str) -> None:
        """Insert the placeholder `raw` (without braces) at the cursor, as a chip; a table or a
        list goes on a line of its own."""
        ph = placeholders_in("{" + raw + "}")[0]
        label = self.labels.label(ph)
        if label is None:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        if ph.kind in BLOCK_KINDS:
            if cursor.positionInBlock() > 0:
                cursor.insertText("\n", QTextCharFormat())
            self._insert_chip(cursor, ph.raw, label)
            if not cursor.atBlockEnd():
                cursor.insertText("\n", QTextCharFormat())
        else:
            self._insert_chip(cursor, ph.raw, label)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- typing -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text() and any(c in "{}" for c in event.text()):
            self.refused.emit(REFUSED_BRACE)
            event.accept()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source) -> None:
        """Pasted text: its known placeholders become chips; formatting is dropped."""
        if source.hasText():
            cursor = self.textCursor()
            cursor.beginEditBlock()
            cursor.removeSelectedText()
            self._insert_raw(cursor, source.text())
            cursor.endEditBlock()
            self.setTextCursor(cursor)
            return
        super().insertFromMimeData(source)

    def createMimeDataFromSelection(self):
        """Copied text carries the raw placeholders, so a paste here gives the same chips."""
        mime = super().createMimeDataFromSelection()
        cursor = self.textCursor()
        mime.setText(self.raw_between(cursor.selectionStart(), cursor.selectionEnd()))
        return mime


def insert_menu(editor: ArticleEditor, parent: QWidget, choices: Sequence[tuple[str, Sequence[str]]]) -> QPushButton:
    """The « Insérer une donnée ▾ » button: `choices` are (group title, raw placeholders)."""
    button = QPushButton("&Insérer une donnée ▾", parent)
    button.setObjectName("insertDataButton")
    button.setAccessibleName("Insérer une donnée dans le texte de l'article")
    menu = QMenu(button)
    menu.setObjectName("insertDataMenu")
    fill_insert_menu(menu, editor, choices)
    button.setMenu(menu)
    return button


def fill_insert_menu(menu: QMenu, editor: ArticleEditor, choices: Sequence[tuple[str, Sequence[str]]]) -> None:
    menu.clear()
    for title, raws in choices:
        sub = menu.addMenu(title)
        for raw in raws:
            label = editor.labels.label(placeholders_in("{" + raw + "}")[0])
            if label is None:
                continue
            action = sub.addAction(label)
            action.setData(raw)
            action.triggered.connect(lambda _=False, r=raw: editor.insert_placeholder(r))


def insert_choices(
    article_titles: Mapping[str, str], funder_keys: Sequence[str], years: Sequence[int], phrases: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """What the menu offers, grouped: names and dates, amounts, cross-references, tables and lists."""
    who = ["parties", "cost", *funder_keys]
    amounts = [f"amount:{w}.{when}" for w in dict.fromkeys(who) for when in ("total", *map(str, years))]
    return [
        ("Parties, dates et signature", list(VALUES)),
        ("Montants du budget", amounts),
        ("Renvoi à un article", [f"ref:{k}" for k in article_titles]),
        ("Tableaux et listes (sur une ligne à part)", [f"table:{k}" for k in TABLES] + [f"list:{k}" for k in LISTS]),
        ("Formules selon les signataires", [f"phrase:{k}" for k in phrases]),
    ]


def place_under(owner: QWidget, editor: ArticleEditor, button: QPushButton) -> None:
    """Put `button` just under `editor`, in the layout that holds it."""
    for layout in owner.findChildren(QVBoxLayout):
        index = layout.indexOf(editor)
        if index >= 0:
            layout.insertWidget(index + 1, button, 0, Qt.AlignmentFlag.AlignLeft)
            return


def configure(
    editor: ArticleEditor,
    button: QPushButton,
    article_titles: Mapping[str, str],
    funders: Sequence,
    years: Sequence[int],
    phrases: Sequence[str],
) -> None:
    """Labels and menu for one convention: its articles' titles, its funders (key, name), its years."""
    editor.labels = Labels(article_titles, {f.key: f.name for f in funders})
    choices = insert_choices(article_titles, [f.key for f in funders], years, phrases)
    fill_insert_menu(button.menu(), editor, choices)
