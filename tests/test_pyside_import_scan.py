"""Start-up: PySide6 no longer reads the source of every module imported after it (the app never
uses its `__feature__` switches), and a module that does ask for a feature still gets it."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap


def test_a_module_imported_after_the_ui_is_not_read_by_pyside(tmp_path, monkeypatch):
    import pnae_desktop.ui  # noqa: F401 - loads PySide6, then adjusts its import hook

    read: list[object] = []
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: read.append(obj) or real(obj))
    (tmp_path / "office_probe_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import office_probe_module  # type: ignore[import-not-found]

    assert office_probe_module.VALUE == 1
    assert read == []  # PySide used to read its whole source here


def test_a_module_asking_for_snake_case_still_gets_it(tmp_path):
    (tmp_path / "snake_probe.py").write_text(
        textwrap.dedent(
            """
            from __feature__ import snake_case
            from PySide6.QtCore import QObject

            def name():
                thing = QObject()
                thing.set_object_name("serpent")
                return thing.object_name()
            """
        ),
        encoding="utf-8",
    )
    script = "import PySide6.QtCore, pnae_desktop.ui, snake_probe; print(snake_probe.name())"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "serpent"
