#!/usr/bin/env bash
# Headless smoke test of a built PNAE Desktop bundle (see installer/build.sh).
#
#   bash installer/smoke-test.sh BUNDLE_DIR
#
# Runs the bundled executables as a user would (no Python from the build machine involved),
# checks the bundle's size against a budget, and compares its start-up time with the source
# install. Every check runs; the script exits 1 if any failed.
#
# Environment (all optional):
#   PNAE_MAX_BUNDLE_MB    size budget for the unpacked bundle, in MB of 10^6 bytes (default 160)
#   PNAE_STARTUP_RUNS     runs per start-up median (default 5)
#   PNAE_SOURCE_CMD       source install to compare with (default: .venv/bin/pnae-desktop,
#                         /work/venv/bin/pnae-desktop, else python3 -m pnae_desktop)
#   PNAE_EXPECTED_ACTIONS actions in the shipped catalogue (default 13)
#
# To add a check: write `check "what it proves" command args…` (passes if the command exits 0),
# or a small function that calls `fail "why"` and then `check "…" that_function`.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: bash installer/smoke-test.sh BUNDLE_DIR" >&2
  exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUNDLE="$(cd "$1" && pwd)"
# The goal is 160 MB since the team store (psycopg with its libpq, ~11 MB, and keyring); the Linux
# bundle measures about 159 MB (installer/README.md: the size table).
MAX_MB="${PNAE_MAX_BUNDLE_MB:-160}"
RUNS="${PNAE_STARTUP_RUNS:-5}"
EXPECTED_ACTIONS="${PNAE_EXPECTED_ACTIONS:-13}"
EXPECTED_VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/pnae_desktop/__init__.py")"

EXE_SUFFIX=""
[ -f "$BUNDLE/pnae-desktop-cli.exe" ] && EXE_SUFFIX=".exe"
CLI="$BUNDLE/pnae-desktop-cli$EXE_SUFFIX"
GUI="$BUNDLE/PNAE Desktop$EXE_SUFFIX"

# Everything the app writes goes to a scratch folder: data, settings, Qt caches.
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pnae-smoke.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home" XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" \
  XDG_CACHE_HOME="$SCRATCH/cache" XDG_RUNTIME_DIR="$SCRATCH/runtime"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM=offscreen
export PYTHONUTF8=1
DB="$SCRATCH/smoke.sqlite"
OUT="$SCRATCH/out.txt"
ERR="$SCRATCH/err.txt"
TIMEOUT=120

FAILED=()
PASSED=0
failure=""

fail() { failure="$*"; return 1; }

# check "what it proves" command args…: runs the command with a time limit, reports PASS/FAIL.
check() {
  local title="$1"; shift
  failure=""
  : >"$ERR"
  if "$@"; then
    PASSED=$((PASSED + 1))
    printf 'PASS  %s\n' "$title"
  else
    FAILED+=("$title")
    printf 'FAIL  %s%s\n' "$title" "${failure:+: $failure}"
    if [ -s "$ERR" ]; then sed 's/^/      stderr| /' "$ERR" | tail -n 15; fi
  fi
}

# run EXE args…: stdout to $OUT, stderr to $ERR; fails on a non-zero exit or a Python traceback.
run() {
  : >"$OUT"; : >"$ERR"
  timeout "$TIMEOUT" "$@" >"$OUT" 2>"$ERR"
  local rc=$?
  [ $rc -eq 0 ] || { fail "exit code $rc from ${*##*/}"; return 1; }
  ! grep -q '^Traceback' "$ERR" || { fail "Python traceback on stderr"; return 1; }
}

py() { python3 -c "$@"; }  # any Python 3 reads the JSON; the bundle's own Python is not reachable

# --- the checks --------------------------------------------------------------------------------------

t_layout() {
  [ -x "$CLI" ] || { fail "missing $CLI"; return 1; }
  [ -x "$GUI" ] || { fail "missing $GUI"; return 1; }
  [ -f "$BUNDLE/_internal/pnae_desktop/resources/style.qss" ] || { fail "resources not under _internal/pnae_desktop"; return 1; }
  [ -f "$BUNDLE/_internal/pnae_desktop/forms/main_window.ui" ] || { fail "forms not under _internal/pnae_desktop"; return 1; }
  [ -f "$BUNDLE/_internal/pnae_desktop/store/migrations/env.py" ] || { fail "migrations not bundled"; return 1; }
  [ -f "$BUNDLE/_internal/PySide6/Qt/translations/qtbase_fr.qm" ] || { fail "qtbase_fr.qm not bundled"; return 1; }
}

t_excluded() {
  local found
  found="$(cd "$BUNDLE" && find . \( -iname '*WebEngine*' -o -iname '*Qt6Network*' -o -iname '*Qt6Qml*' \
    -o -iname '*Qt6Quick*' -o -iname '*Qt6Pdf*' -o -iname '*Qt6Sql*' -o -iname '*Qt6Multimedia*' \
    -o -iname '*Qt63D*' -o -iname '*Qt6Test*' -o -iname 'opengl32sw*' -o -path '*/psycopg2*' \
    -o -iname 'QtOpenGL*.abi3.*' -o -iname 'QtOpenGL*.pyd' -o -iname '*Qt6Svg*' -o -iname '*readline*' \
    -o -name 'libsystemd.so*' -o -name 'libX11.so*' -o -name 'libglib-2.0.so*' -o -name 'libfontconfig.so*' \
    -o -path '*/translations/*' ! -name 'qtbase_fr.qm' \) -print | head -n 10)"
  [ -z "$found" ] || { fail "should have been excluded: $(tr "\n" " " <<<"$found")"; return 1; }
}

t_version() {
  run "$CLI" --version || return 1
  grep -qx "PNAE Desktop $EXPECTED_VERSION" "$OUT" || fail "got '$(head -c 200 "$OUT")', want 'PNAE Desktop $EXPECTED_VERSION'"
}

t_catalogue() {
  run "$CLI" catalogue --format json || return 1
  local n
  n="$(py 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))["actions"]))' "$OUT")" \
    || { fail "output is not the catalogue JSON"; return 1; }
  [ "$n" = "$EXPECTED_ACTIONS" ] || fail "$n actions, want $EXPECTED_ACTIONS"
}

t_selfcheck() {
  PNAE_BUNDLE_SELFCHECK=1 run "$CLI" || return 1
  py '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
problems = [k for k in ("frozen", "style_qss", "qtbase_fr_loaded") if r.get(k) is not True]
if not r.get("forms"): problems.append("forms")
if r.get("migration_head") not in r.get("migration_revisions", []): problems.append("migrations")
if "fr_FR" not in r.get("babel_locales", []) or "€" not in r.get("babel_fr_FR", ""): problems.append("babel fr_FR")
plats = " ".join(r.get("plugins", {}).get("platforms", []))
problems += [p for p in ("offscreen", "xcb" if sys.platform.startswith("linux") else "windows") if p not in plats]
if problems: sys.exit("bundle self-check: " + ", ".join(problems))
' "$OUT" 2>"$ERR" || fail "$(cat "$ERR")"
}

DEMO_ID=""
t_demo() {
  rm -f "$DB"*
  run "$CLI" demo --db "$DB" || return 1
  DEMO_ID="$(tail -n 1 "$OUT" | tr -d '\r')"
  [[ "$DEMO_ID" =~ ^[0-9A-Za-z_-]+$ ]] || fail "last line is not an id: '$DEMO_ID'"
}

t_list() {
  run "$CLI" list --db "$DB" || return 1
  grep -q "^$DEMO_ID"$'\t'".*démonstration" "$OUT" || fail "demo PRAE $DEMO_ID not listed: $(head -c 300 "$OUT")"
}

# The GUI opened on the demo store, until its main window is ready; prints the time in ms.
ready_ms() {  # ready_ms EXE [args…] -> prints the number, fails otherwise
  run "$@" --db "$DB" --exit-when-ready || return 1
  local ms
  ms="$(tail -n 1 "$OUT" | tr -d '\r')"
  [[ "$ms" =~ ^[0-9]+$ ]] || { fail "last line is not a number of ms: '$ms'"; return 1; }
  echo "$ms"
}

t_ready_gui() { ready_ms "$GUI" >/dev/null; }
t_ready_cli() { ready_ms "$CLI" >/dev/null; }

t_no_bytecode_written() {
  local found
  found="$(find "$BUNDLE" -name '__pycache__' -print | head -n 5)"
  [ -z "$found" ] || fail "the bundle wrote into its own folder: $found"
}

t_export_convention() {
  run "$CLI" export convention --db "$DB" --prae "$DEMO_ID" --out "$SCRATCH/convention.pdf" || return 1
  qpdf --check "$SCRATCH/convention.pdf" >"$ERR" 2>&1 || fail "qpdf --check rejects the convention PDF"
}
t_export_prae() {
  run "$CLI" export prae --db "$DB" --prae "$DEMO_ID" --out "$SCRATCH/prae.pdf" || return 1
  qpdf --check "$SCRATCH/prae.pdf" >"$ERR" 2>&1 || fail "qpdf --check rejects the PRAE PDF"
}
t_export_budget() {
  run "$CLI" export budget --db "$DB" --prae "$DEMO_ID" --out "$SCRATCH/budget.xlsx" || return 1
  # openpyxl comes from the source venv (the bundle has no Python to import it from)
  "$PYTHON_FOR_CHECKS" -c 'import openpyxl, sys; openpyxl.load_workbook(sys.argv[1])' \
    "$SCRATCH/budget.xlsx" 2>"$ERR" || fail "openpyxl cannot load the budget workbook"
}

PYTHON_FOR_CHECKS="${PNAE_SOURCE_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON_FOR_CHECKS" ] || PYTHON_FOR_CHECKS=/work/venv/bin/python
[ -x "$PYTHON_FOR_CHECKS" ] || PYTHON_FOR_CHECKS=python3

echo "== smoke test of $BUNDLE"
check "bundle layout: both executables, data under _internal/pnae_desktop, qtbase_fr" t_layout
check "unused Qt modules, translations and libraries are not bundled" t_excluded
check "--version prints PNAE Desktop $EXPECTED_VERSION" t_version
check "catalogue --format json parses and has $EXPECTED_ACTIONS actions" t_catalogue
check "self-check: data, migrations, Babel fr_FR, Qt plugins, French translation" t_selfcheck
check "demo --db creates a demo PRAE and prints its id" t_demo
check "list --db shows the demo PRAE" t_list
check "GUI executable: --exit-when-ready (offscreen) exits 0 and prints ms" t_ready_gui
check "CLI executable: --exit-when-ready (offscreen) exits 0 and prints ms" t_ready_cli
check "export convention writes a PDF that qpdf --check accepts" t_export_convention
check "export prae writes a PDF that qpdf --check accepts" t_export_prae
check "export budget writes an .xlsx that openpyxl loads" t_export_budget
check "running the bundle wrote no __pycache__ into it" t_no_bytecode_written

# --- size and start-up --------------------------------------------------------------------------------
echo "== measurements"
SIZE="$(du -sb "$BUNDLE" | cut -f1)"
SIZE_MB="$(awk -v b="$SIZE" 'BEGIN { printf "%.1f", b / 1e6 }')"
echo "bundle unpacked size: $SIZE bytes = $SIZE_MB MB ($(du -sh "$BUNDLE" | cut -f1)), budget $MAX_MB MB"
t_size() { [ "$SIZE" -le $((MAX_MB * 1000000)) ] || fail "$SIZE_MB MB > $MAX_MB MB"; }
check "bundle is under $MAX_MB MB unpacked" t_size

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# startup_median LABEL CMD…: one warm-up run, then the median of $RUNS runs.
startup_median() {
  local label="$1"; shift
  local samples=() ms i
  ready_ms "$@" >/dev/null || { echo "$label: failed: $failure" >&2; return 1; }
  for ((i = 0; i < RUNS; i++)); do
    ms="$(ready_ms "$@")" || { echo "$label: failed: $failure" >&2; return 1; }
    samples+=("$ms")
  done
  local med
  med="$(printf '%s\n' "${samples[@]}" | median)"
  echo "start-up, $label: median $med ms of $RUNS (${samples[*]})" >&2
  echo "$med"
}

if [ -n "${PNAE_SOURCE_CMD:-}" ]; then
  read -r -a SOURCE <<<"$PNAE_SOURCE_CMD"
elif [ -x "$ROOT/.venv/bin/pnae-desktop" ]; then
  SOURCE=("$ROOT/.venv/bin/pnae-desktop")
elif [ -x /work/venv/bin/pnae-desktop ]; then
  SOURCE=(/work/venv/bin/pnae-desktop)
else
  SOURCE=(python3 -m pnae_desktop)
fi

BUNDLE_MS=""; SOURCE_MS=""
t_startup_bundle() { BUNDLE_MS="$(startup_median "bundle ($GUI)" "$GUI")" || fail "no bundle start-up time"; }
check "bundle start-up time measured" t_startup_bundle
if SOURCE_MS="$(startup_median "source (${SOURCE[*]})" "${SOURCE[@]}")"; then
  echo "start-up median: bundle $BUNDLE_MS ms, source $SOURCE_MS ms"
else
  echo "start-up median: bundle $BUNDLE_MS ms, source not measured (${SOURCE[*]} did not run)"
fi

echo "== smoke test: $PASSED checks passed, ${#FAILED[@]} failed"
if [ ${#FAILED[@]} -gt 0 ]; then
  printf '   failed: %s\n' "${FAILED[@]}"
  exit 1
fi
