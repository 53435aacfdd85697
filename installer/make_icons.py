"""Render the application icon from its SVG sources into PNGs and a Windows .ico.

    python installer/make_icons.py            # rewrite installer/icon/*.png and *.ico
    python installer/make_icons.py --check    # exit 1 if the committed files are missing or stale

The SVGs are rendered with Qt's own SVG renderer (QtSvg, part of PySide6-Essentials), so no
extra rendering library is needed; Pillow only packs the PNGs into the multi-size .ico.
Sizes up to 32 px use the simplified `pnae-desktop-small.svg` (no letters: they would be mush).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parent / "icon"
NAME = "pnae-desktop"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SMALL_MAX = 32  # sizes up to this use the simplified drawing


def source_for(size: int) -> Path:
    return ICON_DIR / (f"{NAME}-small.svg" if size <= SMALL_MAX else f"{NAME}.svg")


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent size x size canvas, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """One .ico holding each ICO_SIZES image as drawn (not downscaled from the largest)."""
    from PIL import Image

    images = [Image.open(io.BytesIO(pngs[s])).convert("RGBA") for s in sorted(ICO_SIZES, reverse=True)]
    out = io.BytesIO()
    images[0].save(out, format="ICO", sizes=[im.size for im in images], append_images=images[1:])
    return out.getvalue()


def outputs() -> dict[Path, bytes]:
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - keeps Qt alive
    pngs = {size: render_png(source_for(size), size) for size in PNG_SIZES}
    files = {ICON_DIR / f"{NAME}-{size}.png": data for size, data in pngs.items()}
    files[ICON_DIR / f"{NAME}.ico"] = build_ico(pngs)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the generated files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, data in outputs().items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
            print(f"{path.relative_to(ICON_DIR.parent.parent)}  {len(data):>7} bytes")
    if stale:
        print("stale or missing (run python installer/make_icons.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
