"""Text helpers shared by search and validation."""

from __future__ import annotations

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` for searching ('Réunion' matches 'reunion')."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def matches_all_words(haystack_folded: str, query: str) -> bool:
    """True when every word of `query` occurs in the already folded haystack."""
    return all(word in haystack_folded for word in fold(query).split())
