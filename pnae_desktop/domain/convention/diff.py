"""Comparing an override with the model, word by word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal" | "insert" | "delete"
    text: str


def diff(model_text: str, override_text: str) -> tuple[DiffPart, ...]:
    """Word-level differences from the model to the override, adjacent parts merged."""
    a = re.findall(r"\s+|[^\s]+", model_text or "")
    b = re.findall(r"\s+|[^\s]+", override_text or "")
    raw: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
        else:
            raw += [("delete", "".join(a[i1:i2])), ("insert", "".join(b[j1:j2]))]
    raw = [(op, text) for op, text in raw if text]

    parts: list[DiffPart] = []
    pending = {"delete": "", "insert": ""}

    def flush() -> None:
        for op in ("delete", "insert"):
            if pending[op]:
                parts.append(DiffPart(op, pending[op]))
            pending[op] = ""

    for i, (op, text) in enumerate(raw):
        if op != "equal":
            pending[op] += text
            continue
        # "[-prend-] [-effet-]" reads better as "[-prend effet-]": a lone space between two
        # replacements joins them, on both sides so that each text is still rebuilt exactly.
        between = i + 1 < len(raw) and raw[i + 1][0] != "equal"
        if text.isspace() and pending["delete"] and pending["insert"] and between:
            pending["delete"] += text
            pending["insert"] += text
            continue
        flush()
        parts.append(DiffPart("equal", text))
    flush()
    return tuple(parts)


def diff_text(model_text: str, override_text: str) -> str:
    """The differences in one readable line: "[-supprimé-]{+ajouté+}"."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[p.op].format(p.text) for p in diff(model_text, override_text))
