"""The Qt user interface. Importing it loads PySide6 and spares start-up PySide's source scan
(see `skip_pyside_source_scan`)."""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401 - installs PySide's import hook, adjusted just below


def skip_pyside_source_scan() -> bool:
    """PySide6 wraps `__import__` for its opt-in `from __feature__ import snake_case,
    true_property`; as a side effect, the first import of each module after PySide reads that
    module's whole source (inspect.getsource) to note whether it names PySide6: about 70
    modules before the first window, ~7 ms on an idle PC and three times that on a busy one.
    The app never imports __feature__, so every module is taken as a PySide user with the
    default feature set (what the scan gives a module naming PySide6; for the others it changes
    nothing either). A module importing __feature__ still gets its features: PySide records
    them at that import. Returns False, leaving PySide as it is, if its internals differ."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True


def _uses_pyside(_module: object) -> bool:
    return True


skip_pyside_source_scan()
