"""Every colour of the interface, defined once: the style sheet (resources/style.qss names them
as @variables, substituted at load) and the views (rich text, item colours) take them from here.

The pairs below are the text/background and focus/background combinations the interface uses;
tests/test_gui_screen.py checks them against WCAG 2.1 AA (EN 301 549, RGAA): 4.5:1 for text,
3:1 for the focus indicator and the borders of controls. Colour never carries a status alone:
the words (« équilibré », « écart », « non couvert », « ⚠ ») always say it too."""

from __future__ import annotations

import re

# -- the colours ------------------------------------------------------------------------------
NAVY = "#1d3a5f"  # titles, navigation pane, table headings
NAVY_SELECTED = "#2c5282"  # the selected page in the navigation pane
NAVY_HOVER = "#24476f"
ON_NAVY = "#e8eef6"  # text on the navigation pane
WHITE = "#ffffff"
ACCENT = "#f6c744"  # marker of the selected page; focus indicator on the navigation pane
WINDOW = "#efefef"  # the darkest usual window background (Qt's Fusion; Windows is #f0f0f0)
TEXT = "#1f2933"  # body text where the style sheet sets it
MUTED = "#4f5d70"  # secondary text (hints, "absent")
GRID = "#d8dee6"  # table grid lines (decorative)
SHADE = "#eef2f7"  # total rows, table headers
HEADER_LINE = "#c9d2de"  # decorative line under table headers
CONTROL_BORDER = "#767676"  # borders of inputs and buttons (3:1 against their backgrounds)
CONTROL = "#f7f8fa"  # background of buttons
CONTROL_HOVER = "#e4e9f0"
FOCUS = "#1a56b0"  # the keyboard focus indicator
ERROR = "#b00020"  # errors, gaps, "non couvert"
SUCCESS = "#1b5e20"  # balanced, covered, ready
WARNING = "#7a4f00"  # warnings, "adapté"
REGIONAL = "#6b3fa0"  # regional actions in the list
DIFF_REMOVED = "#9b1c1c"
DIFF_REMOVED_BG = "#fde2e1"
DIFF_ADDED = "#14532d"
DIFF_ADDED_BG = "#dcf5e3"
CHIP_BORDER = "#1f5fa8"  # placeholder chips in the article editor
CHIP_BG = "#e3eefb"
CHIP_TEXT = "#0b3d75"
HIGHLIGHT_BG = "#fff7d6"  # the article being edited, in the convention preview
SPLASH_TEXT = ON_NAVY

COLOURS = {name.lower(): value for name, value in globals().items() if name.isupper() and isinstance(value, str)}

# -- the combinations the interface shows -------------------------------------------------------
BACKGROUNDS = (WHITE, WINDOW, SHADE)  # where ordinary text may sit
TEXT_COLOURS = (NAVY, TEXT, MUTED, ERROR, SUCCESS, WARNING, REGIONAL)
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    *((fg, bg) for fg in TEXT_COLOURS for bg in BACKGROUNDS),
    (ON_NAVY, NAVY),
    (ON_NAVY, NAVY_HOVER),
    (WHITE, NAVY_SELECTED),
    (WHITE, NAVY),
    (DIFF_REMOVED, DIFF_REMOVED_BG),
    (DIFF_ADDED, DIFF_ADDED_BG),
    (TEXT, HIGHLIGHT_BG),
    (CHIP_TEXT, CHIP_BG),
    (TEXT, DIFF_REMOVED_BG),
    (TEXT, DIFF_ADDED_BG),
)
# (indicator, background): focus on fields, buttons and lists; on the navigation pane; control borders
NON_TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    *((FOCUS, bg) for bg in (*BACKGROUNDS, CONTROL, CONTROL_HOVER)),
    (ACCENT, NAVY),
    (ACCENT, NAVY_SELECTED),
    *((CONTROL_BORDER, bg) for bg in (WHITE, WINDOW, CONTROL)),
)


def luminance(colour: str) -> float:
    """Relative luminance of "#rrggbb" (WCAG 2.1 definition)."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_VARIABLE = re.compile(r"@([a-z_]+)")


def stylesheet(template: str) -> str:
    """The style sheet with its @variables replaced by the colours above; an unknown name is a
    programming error (a typo would silently drop the rule)."""

    def colour(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in COLOURS:
            raise KeyError(f"style.qss: unknown colour @{name}")
        return COLOURS[name]

    return _VARIABLE.sub(colour, template)


def span(text_html: str, colour: str, bold: bool = False) -> str:
    """Rich text in one of the palette's colours (`text_html` is already escaped)."""
    inner = f"<b>{text_html}</b>" if bold else text_html
    return f'<span style="color:{colour}">{inner}</span>'
