"""The strings a PDF page shows, read straight from its content stream's text-show operators
(Tj, TJ, ' and ") and decoded through each font's ToUnicode map — no layout, no positions.

Reading back a returned convention needs to know that its fingerprint is *printed* on every
page; pypdf's layout-aware extract_text costs ~45 ms a page (it re-parses every font's CMap on
every page), this ~1 ms. The strings come out one per line, in content-stream order. Anything
this reader does not understand (an inline image, an unusual encoding) only makes it miss text:
convention_marks then falls back to pypdf for that page.

pypdf objects in, text out: nothing here touches the store.
"""

from __future__ import annotations

import re
from typing import Any

# One token of a content stream: a literal string (reportlab escapes its parentheses), a hex
# string, a name, or an operator (a run of regular characters).
_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{}%]+|[^\s/\[\]()<>{}%]+", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_SHOW = {b"Tj", b"TJ", b"'", b'"'}
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)

CharMap = tuple[int, dict[int, str]]  # code width in bytes, code -> text


def _unescape(match: re.Match[bytes]) -> bytes:
    seq = match.group(1)
    if seq[:1].isdigit() and all(48 <= c <= 55 for c in seq):
        return bytes([int(seq, 8) & 0xFF])
    if seq in (b"\n", b"\r", b"\r\n"):  # a line continuation
        return b""
    return _ESCAPES.get(seq, seq)


def _string_bytes(token: bytes) -> bytes:
    if token[:1] == b"(":
        return _ESCAPE.sub(_unescape, token[1:-1])
    digits = re.sub(rb"\s+", b"", token[1:-1])
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode("ascii")).decode("utf-16-be", errors="replace")


def parse_to_unicode(cmap: bytes) -> CharMap:
    """A ToUnicode CMap's bfchar and bfrange entries."""
    width = 1
    table: dict[int, str] = {}
    for kind, body in _SECTION.findall(cmap):
        if kind == b"bfchar":
            for src, dst in _BFCHAR.findall(body):
                width = max(width, len(src) // 2)
                table[int(src, 16)] = _utf16(dst)
        else:
            for lo, hi, dst in _BFRANGE.findall(body):
                width = max(width, len(lo) // 2)
                start = int(dst, 16)
                for offset, code in enumerate(range(int(lo, 16), min(int(hi, 16), int(lo, 16) + 0xFFFF) + 1)):
                    table[code] = chr(start + offset) if start + offset < 0x110000 else "\ufffd"
    return width, table


def _decode(data: bytes, charmap: CharMap | None) -> str:
    if charmap is None:
        return data.decode("latin-1")
    width, table = charmap
    if width == 1:
        return "".join(table.get(b, chr(b)) for b in data)
    return "".join(table.get(int.from_bytes(data[i : i + width], "big"), "") for i in range(0, len(data), width))


def _fonts(page: Any, cache: dict[int, CharMap | None]) -> dict[bytes, CharMap | None]:
    """The page's fonts by resource name, with their ToUnicode maps (parsed once per font
    object across pages, through `cache`)."""
    out: dict[bytes, CharMap | None] = {}
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return out
    for name, ref in fonts.get_object().items():
        key = getattr(ref, "idnum", None)
        if key is not None and key in cache:
            out[name.encode("latin-1")] = cache[key]
            continue
        font = ref.get_object()
        to_unicode = font.get("/ToUnicode")
        charmap = parse_to_unicode(to_unicode.get_object().get_data()) if to_unicode is not None else None
        if key is not None:
            cache[key] = charmap
        out[name.encode("latin-1")] = charmap
    return out


def content_bytes(page: Any) -> bytes:
    """The page's content stream(s), decompressed and joined."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = list(contents) if isinstance(contents, list) else [contents]
    return b"\n".join(part.get_object().get_data() for part in parts)


def shown_text(page: Any, cache: dict[int, CharMap | None]) -> str:
    """The strings the page's own content stream shows, one per line (Form XObjects are not
    entered: the running header is drawn from one, the footer is not)."""
    fonts = _fonts(page, cache)
    charmap: CharMap | None = None
    operands: list[bytes] = []
    lines: list[str] = []
    for token in _TOKEN.findall(content_bytes(page)):
        first = token[:1]
        if first in (b"(", b"<") or first == b"/" or token[:1].isdigit() or first in (b"-", b".", b"+"):
            operands.append(token)
            continue
        if token == b"Tf" and len(operands) >= 2 and operands[-2][:1] == b"/":
            charmap = fonts.get(operands[-2])
        elif token in _SHOW:
            shown = [_decode(_string_bytes(o), charmap) for o in operands if o[:1] in (b"(", b"<")]
            lines.append("".join(shown))
        operands = []
    return "\n".join(lines)
