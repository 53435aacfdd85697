"""The rendered convention as blocks, and the parsing of texts into raw blocks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pnae_desktop.domain.convention.placeholders import BLOCK_KINDS, placeholders_in
from pnae_desktop.domain.convention.state import article_label
from pnae_desktop.domain.convention.template import Annex


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class ListItem:
    text: str
    children: tuple[ListItem, ...] = ()
    after: tuple[str, ...] = ()  # paragraphs that follow the children, inside the item


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    source: str | None = None  # the {list:…} name that produced it, None when typed
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    source: str  # the {table:…} name
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # per column: figures, to align right
    total_row: bool  # the last row is a total (bold)
    kind: str = "table"


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class RenderedArticle:
    number: int
    key: str
    title: str
    blocks: tuple[Block, ...]
    adapted: bool  # text or title differs from the model, or added by the region
    custom: bool
    optional: bool

    @property
    def heading(self) -> str:
        label = article_label(self.number)
        return f"{label[0].upper()}{label[1:]} – {self.title}"

    @property
    def text(self) -> str:
        """The final text, one block per line (tables as tab-separated rows)."""
        return "\n".join(_block_text(b) for b in self.blocks)


@dataclass(frozen=True)
class RenderedSignature:
    party: str
    heading: str
    lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Unresolved:
    name: str  # "arml.siret", "amount:region.2019", "table:payment_schedule"
    where: str  # article key, or "title" | "parties" | "preamble" | "signature"


@dataclass(frozen=True)
class TextProblem:
    code: str  # "unknown_placeholder" | "removed_reference"
    where: str
    detail: str  # the placeholder as typed


@dataclass(frozen=True)
class RenderedConvention:
    template_key: str
    joint: bool
    title: tuple[str, ...]
    parties: tuple[Block, ...]  # "Entre", party, "et", party…, then the definitions
    preamble_title: str
    preamble: tuple[Block, ...]
    articles: tuple[RenderedArticle, ...]
    annexes: tuple[Annex, ...]
    signature_closing: str
    signatures: tuple[RenderedSignature, ...]
    unresolved: tuple[Unresolved, ...]
    problems: tuple[TextProblem, ...]

    def plain_text(self) -> str:
        """The whole text, one block per line: what the fingerprint covers."""
        out = list(self.title) + [_block_text(b) for b in self.parties]
        out += [self.preamble_title] + [_block_text(b) for b in self.preamble]
        for a in self.articles:
            out.append(a.heading)
            out += [_block_text(b) for b in a.blocks]
        out.append(self.signature_closing)
        for s in self.signatures:
            out += [s.heading, *s.lines, s.name]
        return "\n".join(out)

    def fingerprint(self) -> str:
        """SHA-256 of the text: the same on every page, so all signatories sign the same version."""
        return hashlib.sha256(self.plain_text().encode("utf-8")).hexdigest()


def _item_text(item: ListItem, depth: int = 0) -> str:
    lines = ["  " * depth + "- " + item.text]
    lines += [_item_text(c, depth + 1) for c in item.children]
    lines += ["  " * (depth + 1) + p for p in item.after]
    return "\n".join(lines)


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(_item_text(i) for i in block.items)
    return "\n".join(" | ".join(row) for row in (block.header, *block.rows))


# --------------------------------------------------------------------------------------------
# Parsing texts into raw blocks (placeholders still in).
# --------------------------------------------------------------------------------------------


@dataclass
class _RawItem:
    text: str
    children: list[_RawItem] = field(default_factory=list)


def _parse(text: str) -> list[tuple[str, Any]]:
    """Raw blocks: ("paragraph", str) | ("bullets", [_RawItem]) | ("block", Placeholder)."""
    blocks: list[tuple[str, Any]] = []
    current: tuple[str, list[Any]] | None = None  # the open paragraph (lines) or bullet list
    stack: list[tuple[int, _RawItem]] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            current = None
            continue
        line = raw.strip()
        indent = (len(raw) - len(raw.lstrip(" "))) // 2
        found = placeholders_in(line)
        if len(found) == 1 and found[0].kind in BLOCK_KINDS and line == found[0].text:
            blocks.append(("block", found[0]))
            current = None
            continue
        if line.startswith("- "):
            item = _RawItem(line[2:].strip())
            if current is None or current[0] != "bullets":
                current = ("bullets", [])
                blocks.append(current)
                stack = []
            while stack and stack[-1][0] >= indent:
                stack.pop()
            (stack[-1][1].children if stack else current[1]).append(item)
            stack.append((indent, item))
            continue
        if current is not None and current[0] == "paragraph":
            current[1].append(line)
        elif current is not None and current[0] == "bullets" and indent > 0 and stack:
            stack[-1][1].text += " " + line
        else:
            current = ("paragraph", [line])
            blocks.append(current)
    return [(kind, " ".join(v) if kind == "paragraph" else v) for kind, v in blocks]
