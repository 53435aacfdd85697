"""The rich text kept in long fields: a Markdown subset parsed into blocks that the UI and
the PDF export lay out. Paragraphs are separated by a blank line; '- ' starts a bullet,
'1. ' a numbered item; two spaces of indent make a sub-item; '#### ' a sub-heading;
*italic* inline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


@dataclass
class Item:
    text: str
    number: int | None = None
    children: list[Item] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # "paragraph" | "heading" | "bullets" | "numbered"
    text: str = ""
    items: list[Item] = field(default_factory=list)


def _marker(line: str) -> tuple[str, int | None, str] | None:
    if line.startswith("- "):
        return "bullets", None, line[2:].strip()
    m = _NUMBERED.match(line)
    if m:
        return "numbered", int(m.group(1)), m.group(2).strip()
    return None


def parse(text: str | None) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            current = None
            continue
        indented = raw.startswith("  ")
        line = raw.strip()
        if line.startswith("#### "):
            blocks.append(Block("heading", line[5:].strip()))
            current = None
            continue
        marker = _marker(line)
        if indented and current is not None and current.items:
            parent = current.items[-1]
            if marker:
                parent.children.append(Item(marker[2], marker[1]))
            else:
                parent.after.append(line)
            continue
        if marker:
            kind, number, content = marker
            if current is None or current.kind != kind:
                current = Block(kind)
                blocks.append(current)
            current.items.append(Item(content, number))
            continue
        if current is not None and current.kind == "paragraph":
            current.text += " " + line
        else:
            current = Block("paragraph", line)
            blocks.append(current)
    return blocks
