"""Text helpers shared by every layer: search folding, and the one escaping function for markup."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any, TypeVar

_T = TypeVar("_T")

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` for searching ('Réunion' matches 'reunion')."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def matches_all_words(haystack_folded: str, query: str) -> bool:
    """True when every word of `query` occurs in the already folded haystack."""
    return all(word in haystack_folded for word in fold(query).split())


def escape_markup(text: str) -> str:
    """`text` shown literally inside markup: the one escaping function for every reportlab
    Paragraph and every Qt rich-text label built from data ("</para>", "<a href=…>" and
    "<img src=…>" stay text, never tags)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# C0/C1 controls, DEL, lone surrogates and the two non-characters: nothing a person types, and
# what the exports cannot carry (openpyxl refuses them, SQLite cannot encode a surrogate).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LONG_TEXT_ALLOWED = frozenset("\t\n")
REPLACEMENT = "\ufffd"


def control_character(text: str, *, long_text: bool = False) -> str | None:
    """The first character of `text` no one types (a control character), or None; tab and
    newline are allowed in long texts only."""
    for match in _CONTROL.finditer(text):
        if not (long_text and match.group() in LONG_TEXT_ALLOWED):
            return match.group()
    return None


def printable(text: str) -> str:
    """`text` with each control character other than tab and newline replaced by U+FFFD: what
    a store written before the input checks may still hold, made displayable by the exports."""
    if control_character(text, long_text=True) is None:
        return text
    return "".join(REPLACEMENT if _CONTROL.fullmatch(ch) and ch not in LONG_TEXT_ALLOWED else ch for ch in text)


def printable_data(value: _T) -> _T:
    """A copy of `value` (dataclasses, tuples, lists, dicts, sets of them) with every string
    made :func:`printable`; the same object when nothing needs replacing."""
    return _printable(value)  # type: ignore[no-any-return]


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = _printable(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, (tuple, list, set, frozenset)) and not hasattr(value, "_fields"):
        items = [_printable(v) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(_printable(k), _printable(v)) for k, v in value.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items())):
            return value
        return type(value)(pairs)
    return value
