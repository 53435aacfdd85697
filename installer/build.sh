#!/usr/bin/env bash
# Build the PNAE Desktop bundle (PyInstaller, one folder) on Linux.
#
#   bash installer/build.sh OUT_DIR
#
# OUT_DIR becomes the bundle itself: OUT_DIR/PNAE Desktop, OUT_DIR/pnae-desktop-cli, OUT_DIR/_internal.
# An existing OUT_DIR is replaced only if it is empty or a previous bundle.
# Python: $PYTHON if set, else .venv/bin/python, else /work/venv/bin/python, else python3;
# it must have the app's dependencies and PyInstaller (pip install "pyinstaller>=6.10,<7").
# PyInstaller's work files go to build/pyinstaller/ (git-ignored; set PNAE_BUILD_WORK to move them).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash installer/build.sh OUT_DIR" >&2
  exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$(realpath -m "$1")"
WORK="$(realpath -m "${PNAE_BUILD_WORK:-$ROOT/build/pyinstaller}")"

if [ -z "${PYTHON:-}" ]; then
  for candidate in "$ROOT/.venv/bin/python" /work/venv/bin/python; do
    if [ -x "$candidate" ]; then PYTHON="$candidate"; break; fi
  done
  PYTHON="${PYTHON:-python3}"
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build.sh: PyInstaller is not installed for $PYTHON: $PYTHON -m pip install 'pyinstaller>=6.10,<7'" >&2
  exit 1
fi
command -v objdump >/dev/null || { echo "build.sh: objdump missing: apt-get install binutils" >&2; exit 1; }

case "$OUT" in
  /|"$ROOT"|"$HOME") echo "build.sh: refusing to use $OUT as the output folder" >&2; exit 2 ;;
esac
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ] && [ ! -d "$OUT/_internal" ]; then
  echo "build.sh: $OUT exists and is not a previous bundle; not touching it" >&2
  exit 2
fi

echo "== PyInstaller $("$PYTHON" -m PyInstaller --version) with $("$PYTHON" --version) ($PYTHON)"
start=$(date +%s)
STAGE="$WORK/dist"
rm -rf "$STAGE"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$STAGE" --workpath "$WORK" "$HERE/pnae-desktop.spec"
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$STAGE/pnae-desktop" "$OUT"
end=$(date +%s)

echo "== bundle: $OUT"
echo "build time: $((end - start)) s"
echo "unpacked size: $(du -sb "$OUT" | cut -f1) bytes ($(du -sh "$OUT" | cut -f1))"
