#!/usr/bin/env bash
# Build and check every installer that can be built on Linux, end to end:
#
#   bash installer/verify-linux.sh
#
#  1. tools: wixl/msitools, dpkg-dev, desktop-file-utils and the system libraries the
#     .deb depends on are apt-installed when missing (as root; nothing happens when present)
#  2. freeze with PyInstaller (build-linux.sh) in its own build venv for glibc 2.28: uv's
#     CPython 3.11 (python-build-standalone) and manylinux_2_28 wheels (PySide6 6.9.3), the
#     .deb's system libraries left out; installer/glibc_floor.py FAILS the run when any
#     file of the folder needs more than GLIBC_2.28 (where uv cannot download its Python,
#     the system's is used and its own files are exempted: see build-linux.sh)
#  3. the frozen bundle check (installer/bundle_check.py, SUBCENTER_BUNDLE_CHECK): every app
#     module imports, the trimmed modules are absent, QtCharts/QtPdf/printing work, CP-SAT
#     solves, Asia/Shanghai comes from tzdata, keyring's backends, httpx, argon2, shapely
#  4. the frozen app `--smoke` offscreen on a fresh data folder: migrations, main window
#     painted, a PDF (bundled CJK font) and an xlsx written and read back; two more
#     launches for the start time (launch -> first paint, from painted_at)
#  5. the same from the virtualenv, for the start-time comparison
#     -- from here the MSI (6) and the .deb (7) build in the background --
#  6. MSI with wixl (build-msi.sh), checked with msitools: UpgradeCode, ProductVersion,
#     ALLUSERS, shortcut, upgrade/downgrade rows, and a byte-identical msiextract round trip
#  7. .deb (build-deb.sh), checked, unpacked into a temporary root with `dpkg -x`, and the
#     unpacked /usr/bin/subcenter run with --smoke
#  8. the frozen headless commands on a demo data folder: `subcenter demo`, `subcenter
#     print --samples DIR` (one PDF per document kind) and `subcenter export actions --week
#     <this ISO week> FILE.ics` with the system tz database hidden (as on Windows)
#  9. the frozen `--smoke` on that demo folder with SUBCENTER_SMOKE_PAGE=dashboard (charts
#     with data) and =documents (the document list and its QtPdf preview)
# 10. every system library the frozen folder links against is declared in the .deb's Depends
#     (the .deb's libraries come from the system: step 1 apt-installs them, so the smokes
#     above already ran with the system's X11/xcb, GL, fontconfig, glib, D-Bus, libstdc++)
#
# Idempotent and non-interactive (CI runs it from .ci/run). Leaves
# dist/subcenter-<version>.msi and dist/subcenter_<version>_amd64.deb. The .deb is
# compressed with xz -1 here (SUBCENTER_DEB_XZ_LEVEL=6 for the release size; README).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
TOTAL_STARTED=$(date +%s.%N)
declare -a TIMINGS=()
record() { TIMINGS+=("$(printf '%-34s %6s s' "$1" "$STEP_SECONDS")"); }
export SUBCENTER_DEB_XZ_LEVEL="${SUBCENTER_DEB_XZ_LEVEL:-1}"

step "tools and system libraries"
declare -a NEED=()
command -v wixl >/dev/null || NEED+=(wixl)
command -v msiextract >/dev/null && command -v msiinfo >/dev/null || NEED+=(msitools)
command -v dpkg-deb >/dev/null || NEED+=(dpkg-dev)
command -v desktop-file-validate >/dev/null || NEED+=(desktop-file-utils)
command -v strip >/dev/null || NEED+=(binutils)
# The libraries the .deb depends on: ldd must resolve them all for step 10.
for package in $(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import linux_deps as d; print(" ".join(sorted(d.declared_depends(d.Path(sys.argv[2])))))' \
        "$INSTALLER" "$INSTALLER/linux/control.in"); do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || NEED+=("$package")
done
if ((${#NEED[@]})); then
    [[ $(id -u) -eq 0 ]] || fail "missing ${NEED[*]}: run as root or: sudo apt-get install ${NEED[*]}"
    echo "    apt-get install ${NEED[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" \
        >/dev/null
else
    echo "    all present"
fi
if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
    echo "    creating .venv (README's install command)"
    python3 -m venv "$ROOT/.venv"
    "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT"
fi
PY="$ROOT/.venv/bin/python"
step_done; record "tools"

step "freeze (PyInstaller, build venv for glibc 2.28) and the glibc floor"
bash "$INSTALLER/build-linux.sh"
step_done; record "freeze + glibc floor"
FROZEN="$DIST/subcenter"
FREEZE_PYTHON=$(cat "$WORK/freeze-python.txt")
GLIBC_FLOOR=$(python3 "$INSTALLER/glibc_floor.py" "$FROZEN" --print-glibc)

VERIFY="$WORK/verify"
rm -rf "$VERIFY"
mkdir -p "$VERIFY"

seconds_since() { awk -v a="$1" -v b="${2:-$(date +%s.%N)}" 'BEGIN { printf "%.2f", b - a }'; }

# smoke NAME EXECUTABLE [DATA [PAGE]]: --smoke offscreen, then check what it left. Without
# DATA on a fresh data folder, which also gets the smoke artifacts (a PDF and an xlsx);
# PAGE is the page the smoke loads (SUBCENTER_SMOKE_PAGE, the app's default: dashboard).
# Sets SMOKE_WALL (process seconds) and SMOKE_LAUNCH_PAINT (launch -> first paint).
smoke() {
    local name=$1 executable=$2 folder="$VERIFY/$1"
    local data=${3:-$VERIFY/$1/data} page=${4:-}
    mkdir -p "$folder"
    local -a env=(QT_QPA_PLATFORM=offscreen "SUBCENTER_HOME=$data"
                  "SUBCENTER_SMOKE_RESULT=$folder/result.txt")
    if [[ -z ${3:-} ]]; then
        mkdir -p "$folder/artifacts"
        env+=("SUBCENTER_SMOKE_ARTIFACTS=$folder/artifacts")
    fi
    [[ -z $page ]] || env+=("SUBCENTER_SMOKE_PAGE=$page")
    local started
    started=$(date +%s.%N)
    if ! env "${env[@]}" timeout 180 "$executable" --smoke >"$folder/output.txt" 2>&1; then
        cat "$folder/output.txt" >&2
        fail "$name: $executable --smoke failed"
    fi
    SMOKE_WALL=$(seconds_since "$started")
    grep -q '^ok ' "$folder/result.txt" || fail "$name: no 'ok' in $folder/result.txt"
    local painted_at
    painted_at=$(grep -o 'painted_at=[0-9.]*' "$folder/result.txt" | cut -d= -f2) \
        || fail "$name: no painted_at= in $folder/result.txt"
    SMOKE_LAUNCH_PAINT=$(seconds_since "$started" "$painted_at")
    echo "    $name: exit 0 after ${SMOKE_WALL} s, window painted ${SMOKE_LAUNCH_PAINT} s after launch${page:+ (page $page)}"
    "$PY" - "$data/subcenter.sqlite3" <<'EOF' || fail "$name: database not migrated"
import sqlite3, sys
from local_db.migrate import head_revision
with sqlite3.connect(sys.argv[1]) as db:
    stamp = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
print(f"  {'ok  ' if stamp == head_revision() else 'FAIL'} database migrated to {stamp} (head {head_revision()})")
sys.exit(stamp != head_revision())
EOF
    # Qt's Chinese translation is looked up before logging starts: its warning is on stderr.
    if grep -E "Traceback|translation .* not found" "$folder/output.txt" "$data/logs/"*.log; then
        fail "$name: errors in the app's output or log (above)"
    fi
    if [[ -z ${3:-} ]]; then
        if [[ -z "$(ls -A "$folder/artifacts")" ]]; then
            fail "$name: no files in SUBCENTER_SMOKE_ARTIFACTS: ui/app.py's smoke mode must call desktop.smoke.write_smoke_artifacts (installer/README.md)"
        fi
        "$PY" "$INSTALLER/checks.py" artifacts "$folder/artifacts" || fail "$name: smoke artifacts"
    fi
}

# start_time NAME EXECUTABLE: launch -> first paint, median of the fresh smoke's run and two
# more on the same (now migrated) data folder. Sets MEDIAN_PAINT and PAINT_SAMPLES.
start_time() {
    local -a samples=("$SMOKE_LAUNCH_PAINT")
    for run in 2 3; do
        smoke "$1-$run" "$2" "$VERIFY/$1/data" >/dev/null
        samples+=("$SMOKE_LAUNCH_PAINT")
    done
    PAINT_SAMPLES="${samples[*]}"
    MEDIAN_PAINT=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n 2p)
    echo "    $1: launch -> first paint ${PAINT_SAMPLES// / s, } s (median ${MEDIAN_PAINT} s)"
}

step "bundle check: the frozen interpreter imports and runs what the app needs"
BUNDLE_REPORT="$VERIFY/bundle-check.txt"
QT_QPA_PLATFORM=offscreen SUBCENTER_BUNDLE_CHECK="$BUNDLE_REPORT" timeout 180 \
    "$FROZEN/subcenter" >"$VERIFY/bundle-check-output.txt" 2>&1 || true
sed 's/^/    /' "$BUNDLE_REPORT" 2>/dev/null || cat "$VERIFY/bundle-check-output.txt" >&2
"$PY" "$INSTALLER/checks.py" bundle "$BUNDLE_REPORT" >/dev/null || fail "bundle check (above)"
step_done; record "bundle check"

step "smoke: frozen app, fresh data folder; start time"
smoke frozen "$FROZEN/subcenter"
FROZEN_WALL=$SMOKE_WALL
start_time frozen "$FROZEN/subcenter"
FROZEN_PAINT=$MEDIAN_PAINT FROZEN_SAMPLES=$PAINT_SAMPLES
step_done; record "smoke + start time (frozen)"

step "smoke: .venv/bin/subcenter, for comparison"
smoke venv "$ROOT/.venv/bin/subcenter"
VENV_WALL=$SMOKE_WALL
start_time venv "$ROOT/.venv/bin/subcenter"
VENV_PAINT=$MEDIAN_PAINT VENV_SAMPLES=$PAINT_SAMPLES
step_done; record "smoke + start time (venv)"

# The MSI and the .deb are single-threaded (wixl's cabinet, xz): build both in the
# background while the frozen app's commands are checked in the foreground.
MSI="$DIST/subcenter-$VERSION.msi"
DEB="$DIST/subcenter_${VERSION}_amd64.deb"
build_msi() {
    local started
    started=$(date +%s.%N)
    bash "$INSTALLER/build-msi.sh" "$FROZEN" "$DIST"
    "$PY" "$INSTALLER/checks.py" msi "$MSI" "$FROZEN" --version "$VERSION"
    echo "MSI built and checked in $(seconds_since "$started") s"
}
build_deb() {
    local started
    started=$(date +%s.%N)
    bash "$INSTALLER/build-deb.sh" "$FROZEN" "$DIST"
    "$PY" "$INSTALLER/checks.py" deb "$DEB" --version "$VERSION"
    echo ".deb built and checked in $(seconds_since "$started") s"
    started=$(date +%s.%N)
    local unpacked="$VERIFY/root"
    dpkg-deb -x "$DEB" "$unpacked"
    desktop-file-validate "$unpacked/usr/share/applications/subcenter.desktop"
    echo "  ok   desktop-file-validate subcenter.desktop"
    if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
        apt-get install -s -qq "$DEB" >/dev/null || fail "apt cannot satisfy the .deb's Depends"
        echo "  ok   apt-get -s install: every Depends resolves in the archive"
    fi
    smoke installed "$unpacked/usr/bin/subcenter"
    echo ".deb unpacked with dpkg -x, installed launcher smoke-tested in $(seconds_since "$started") s"
}
build_msi >"$VERIFY/msi.log" 2>&1 &
MSI_PID=$!
build_deb >"$VERIFY/deb.log" 2>&1 &
DEB_PID=$!
BACKGROUND_STARTED=$(date +%s.%N)
echo
echo "==> MSI (wixl) and .deb (dpkg-deb, xz -$SUBCENTER_DEB_XZ_LEVEL) building in the background"

step "frozen headless commands on a demo data folder"
DEMO="$VERIFY/demo"
mkdir -p "$DEMO"
WEEK=$(date +%G-W%V)
run_frozen() {  # run_frozen LABEL ARGS...: the frozen CLI on the demo folder, output kept
    local label=$1 started
    shift
    started=$(date +%s.%N)
    if ! SUBCENTER_HOME="$DEMO/data" timeout 180 "$FROZEN/subcenter" "$@" \
            >"$DEMO/$label.txt" 2>&1; then
        cat "$DEMO/$label.txt" >&2
        fail "frozen subcenter $*"
    fi
    echo "    subcenter $* ($(seconds_since "$started") s):"
    sed -n '1p' "$DEMO/$label.txt" | sed 's/^/      /'
}
run_frozen demo demo
run_frozen print print --samples "$DEMO/samples"
"$PY" "$INSTALLER/checks.py" samples "$DEMO/samples" || fail "print --samples"
# An empty PYTHONTZPATH hides /usr/share/zoneinfo: Asia/Shanghai must come from the bundled
# tzdata, as on Windows.
PYTHONTZPATH="" run_frozen ics export actions --week "$WEEK" "$DEMO/actions-$WEEK.ics"
"$PY" "$INSTALLER/checks.py" ics "$DEMO/actions-$WEEK.ics" --week "$WEEK" \
    || fail "export actions --week $WEEK"
step_done; record "demo, print --samples, export ics"

step "smoke: frozen app on the demo data, pages dashboard (charts) and documents"
smoke frozen-dashboard "$FROZEN/subcenter" "$DEMO/data" dashboard
smoke frozen-documents "$FROZEN/subcenter" "$DEMO/data" documents
step_done; record "smoke (dashboard, documents)"

step "system libraries of the frozen folder vs the .deb's Depends"
"$PY" "$INSTALLER/linux_deps.py" "$FROZEN" --check "$INSTALLER/linux/control.in"
step_done; record "system libraries"

step "MSI and .deb (background jobs)"
STATUS=0
wait "$MSI_PID" || STATUS=1
sed 's/^/    /' "$VERIFY/msi.log"
((STATUS == 0)) || fail "MSI build or checks failed (above)"
wait "$DEB_PID" || STATUS=1
sed 's/^/    /' "$VERIFY/deb.log"
((STATUS == 0)) || fail ".deb build, checks or installed smoke failed (above)"
STEP_SECONDS=$(seconds_since "$BACKGROUND_STARTED")
echo "    both done ${STEP_SECONDS} s after they started"
record "MSI + deb (in parallel)"

TOTAL=$(awk -v a="$TOTAL_STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
cat <<EOF

==> summary (version $VERSION)
  frozen folder   $(size_mb "$FROZEN") MB  ($FROZEN, $(find "$FROZEN" -type f | wc -l) files)
  MSI             $(size_mb "$MSI") MB  ($MSI)
  deb             $(size_mb "$DEB") MB  ($DEB, xz -$SUBCENTER_DEB_XZ_LEVEL)
  glibc floor     GLIBC_${GLIBC_FLOOR} ($(dpkg-deb -f "$DEB" Depends | cut -d, -f1); Python: ${FREEZE_PYTHON}$([[ $FREEZE_PYTHON == managed ]] || echo ', runtime files exempted: not a release build'))
  start, frozen   launch -> first paint ${FROZEN_PAINT} s median of ${FROZEN_SAMPLES// /, } (first smoke: process ${FROZEN_WALL} s)
  start, venv     launch -> first paint ${VENV_PAINT} s median of ${VENV_SAMPLES// /, } (first smoke: process ${VENV_WALL} s)
$(printf '  %s\n' "${TIMINGS[@]}")
  total           ${TOTAL} s
verify-linux: all installer checks passed
EOF
