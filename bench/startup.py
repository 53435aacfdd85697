"""Start-up benchmark: cold start to ready with the demo PRAE, against a bare PySide6 window.

Run by hand:  .venv/bin/python bench/startup.py [--runs 9]
Both programs are started the same way (a fresh interpreter, same Qt platform), show a main
window, let the event loop go idle, then quit; wall-clock time from spawn to exit is measured.
The figure reported is the ratio of medians (goal: <= 1.5).
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
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 820); w.show()
app.processEvents()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        subprocess.run([sys.executable, "-m", "pnae_desktop", "demo", "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        app_cmd = [sys.executable, "-m", "pnae_desktop", "--db", str(db), "--exit-when-ready"]
        bare_cmd = [sys.executable, str(bare)]
        for cmd in (app_cmd, bare_cmd):  # warm the OS file cache once each
            timed(cmd, env)
        app_times, bare_times = [], []
        for _ in range(args.runs):  # interleaved so drift hits both alike
            bare_times.append(timed(bare_cmd, env))
            app_times.append(timed(app_cmd, env))
    app_med, bare_med = statistics.median(app_times), statistics.median(bare_times)
    platform = env.get("QT_QPA_PLATFORM", "xcb (DISPLAY=" + env.get("DISPLAY", "") + ")")
    print(f"platform: {platform}; runs: {args.runs}")
    print(f"bare QMainWindow   median {bare_med * 1000:7.0f} ms")
    print(f"PNAE Desktop demo  median {app_med * 1000:7.0f} ms")
    print(f"ratio {app_med / bare_med:.2f} (goal <= 1.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
