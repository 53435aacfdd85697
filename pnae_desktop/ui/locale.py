"""French display of dates (and later amounts) through QLocale, not hand-written formats."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def format_datetime(value: datetime) -> str:
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp()))  # local time
    return FRENCH.toString(qdt, "d MMM yyyy, HH:mm")


def french_time(moment: datetime) -> str:
    """A time of day as French writes it: « 9 h 05 », « 14 h 32 »."""
    return f"{moment.hour} h {moment.minute:02d}"
