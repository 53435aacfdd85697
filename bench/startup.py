"""Start-up benchmark: cold start to ready with the demo PRAE, against a bare PySide6 window.

Run by hand:  .venv/bin/python bench/startup.py [--runs 21]
On a shared machine the ratio moves by about 0.1 from one run to the next: compare several runs.
Both programs are started the same way (a fresh interpreter, same Qt platform), show a main
window and let the event loop go idle; each then writes the wall-clock time into a file. The
time measured is from spawn to ready (teardown excluded, for both). The figure reported is
the ratio of medians (goal: <= 1.5); spawn-to-exit is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 820); w.show()
app.processEvents()
def ready():
    open(os.environ["PNAE_READY_STAMP"], "w").write(repr(time.time()))
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def timed(cmd: list[str], env: dict, stamp: Path) -> tuple[float, float]:
    """(spawn to ready, spawn to exit) in seconds."""
    stamp.unlink(missing_ok=True)
    start = time.time()
    subprocess.run(
        cmd,
        env={**env, "PNAE_READY_STAMP": str(stamp)},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.time()
    return float(stamp.read_text()) - start, end - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    env = dict(os.environ)
    # Let Python cache bytecode, as on any office PC: this sandbox sets PYTHONDONTWRITEBYTECODE,
    # which would recompile the (editable) app's modules at every start but not the bare
    # script's site-packages, which pip compiled at install. The warm-up run writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        subprocess.run(
            [sys.executable, "-m", "pnae_desktop", "demo", "--db", str(db)],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        app_cmd = [sys.executable, "-m", "pnae_desktop", "--db", str(db), "--exit-when-ready"]
        bare_cmd = [sys.executable, str(bare)]
        stamp = Path(tmp) / "ready"
        for cmd in (app_cmd, bare_cmd):  # warm the OS file cache once each
            timed(cmd, env, stamp)
        app_times, bare_times = [], []
        for _ in range(args.runs):  # interleaved so drift hits both alike
            bare_times.append(timed(bare_cmd, env, stamp))
            app_times.append(timed(app_cmd, env, stamp))
    platform = env.get("QT_QPA_PLATFORM", "xcb (DISPLAY=" + env.get("DISPLAY", "") + ")")
    print(f"platform: {platform}; runs: {args.runs}")
    for label, index in (("spawn to ready", 0), ("spawn to exit", 1)):
        app_med = statistics.median(t[index] for t in app_times)
        bare_med = statistics.median(t[index] for t in bare_times)
        print(
            f"{label:15s} bare QMainWindow {bare_med * 1000:5.0f} ms · PNAE Desktop (demo) "
            f"{app_med * 1000:5.0f} ms · ratio {app_med / bare_med:.2f}" + (" (goal <= 1.50)" if index == 0 else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
