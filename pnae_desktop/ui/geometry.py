"""The main window's first size and place, as pure functions of the screen's available geometry
(the screen minus the taskbar), so they are tested with any screen: 1366×768, 1920×1080 at 150 %…"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

PREFERRED = QSize(1280, 820)  # what the pages are drawn for on a large screen
# What the window manager adds around the client area (title bar and borders on Windows and
# the common Linux desktops): the whole window, frame included, must fit the available area.
FRAME = QSize(16, 40)


def initial_size(available: QSize) -> QSize:
    """The client size of the first window: the preferred size, shrunk to fit `available`."""
    return QSize(
        max(1, min(PREFERRED.width(), available.width() - FRAME.width())),
        max(1, min(PREFERRED.height(), available.height() - FRAME.height())),
    )


def initial_geometry(available: QRect) -> QRect:
    """The client rectangle of the first window: `initial_size`, centred in `available` (its
    frame's top-left corner stays inside it)."""
    size = initial_size(available.size())
    left = available.x() + FRAME.width() // 2 + max(0, (available.width() - FRAME.width() - size.width()) // 2)
    top = available.y() + FRAME.height() - FRAME.width() // 2
    top += max(0, (available.height() - FRAME.height() - size.height()) // 2)
    return QRect(left, top, size.width(), size.height())


def fits(frame: QRect, available: QRect) -> bool:
    """Whether a window whose frame is `frame` lies wholly inside `available`."""
    return available.contains(frame)
