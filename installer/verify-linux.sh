#!/usr/bin/env bash
# Build and check every installer that can be built on Linux, end to end:
#
#   bash installer/verify-linux.sh
#
#  1. tools: wixl/msitools, dpkg-dev, desktop-file-utils and the system libraries the
#     .deb depends on are apt-installed when missing (as root; nothing happens when present)
#  2. freeze with PyInstaller (build-linux.sh), pyinstaller pip-installed into .venv if missing
#  3. run the frozen app `--smoke` offscreen on a fresh data folder: migrations, main window
#     painted, a PDF (bundled CJK font) and an xlsx written and read back
#  4. the same smoke from the virtualenv, for the start-time comparison
#  5. every system library the frozen folder links against is declared in the .deb's Depends
#  6. MSI with wixl (build-msi.sh), checked with msitools: UpgradeCode, ProductVersion,
#     ALLUSERS, shortcut, upgrade/downgrade rows, and a byte-identical msiextract round trip
#  7. .deb (build-deb.sh), checked, unpacked into a temporary root with `dpkg -x`, and the
#     unpacked /usr/bin/subcenter run with --smoke
#
# Idempotent and non-interactive (CI runs it from .ci/run). Leaves
# dist/subcenter-<version>.msi and dist/subcenter_<version>_amd64.deb.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
TOTAL_STARTED=$(date +%s.%N)
declare -a TIMINGS=()
record() { TIMINGS+=("$(printf '%-34s %6s s' "$1" "$STEP_SECONDS")"); }

step "tools and system libraries"
declare -a NEED=()
command -v wixl >/dev/null || NEED+=(wixl)
command -v msiextract >/dev/null && command -v msiinfo >/dev/null || NEED+=(msitools)
command -v dpkg-deb >/dev/null || NEED+=(dpkg-dev)
command -v desktop-file-validate >/dev/null || NEED+=(desktop-file-utils)
command -v strip >/dev/null || NEED+=(binutils)
# The libraries the .deb depends on: ldd must resolve them all for step 5.
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

step "freeze (PyInstaller)"
bash "$INSTALLER/build-linux.sh"
step_done; record "freeze"
FROZEN="$DIST/subcenter"

VERIFY="$WORK/verify"
rm -rf "$VERIFY"
mkdir -p "$VERIFY"

# smoke NAME EXECUTABLE: --smoke offscreen on a fresh data folder, then check what it left.
smoke() {
    local name=$1 executable=$2 folder="$VERIFY/$1"
    mkdir -p "$folder/artifacts"
    local started
    started=$(date +%s.%N)
    if ! QT_QPA_PLATFORM=offscreen SUBCENTER_HOME="$folder/data" \
        SUBCENTER_SMOKE_RESULT="$folder/result.txt" SUBCENTER_SMOKE_ARTIFACTS="$folder/artifacts" \
        timeout 180 "$executable" --smoke >"$folder/output.txt" 2>&1; then
        cat "$folder/output.txt" >&2
        fail "$name: $executable --smoke failed"
    fi
    SMOKE_WALL=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    grep -q '^ok ' "$folder/result.txt" || fail "$name: no 'ok' in $folder/result.txt"
    SMOKE_PAINT=$(awk '{ print $2 }' "$folder/result.txt")
    echo "    $name: exit 0 after ${SMOKE_WALL} s, main window painted after ${SMOKE_PAINT} s"
    "$PY" - "$folder/data/subcenter.sqlite3" <<'EOF' || fail "$name: database not migrated"
import sqlite3, sys
from local_db.migrate import head_revision
with sqlite3.connect(sys.argv[1]) as db:
    stamp = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
print(f"  {'ok  ' if stamp == head_revision() else 'FAIL'} database migrated to {stamp} (head {head_revision()})")
sys.exit(stamp != head_revision())
EOF
    # Qt's Chinese translation is looked up before logging starts: its warning is on stderr.
    if grep -E "Traceback|translation .* not found" "$folder/output.txt" "$folder/data/logs/"*.log; then
        fail "$name: errors in the app's output or log (above)"
    fi
    if [[ -z "$(ls -A "$folder/artifacts")" ]]; then
        fail "$name: no files in SUBCENTER_SMOKE_ARTIFACTS: ui/app.py's smoke mode must call desktop.smoke.write_smoke_artifacts (installer/README.md)"
    fi
    "$PY" "$INSTALLER/checks.py" artifacts "$folder/artifacts" || fail "$name: smoke artifacts"
}

step "smoke: frozen app, fresh data folder"
smoke frozen "$FROZEN/subcenter"
FROZEN_WALL=$SMOKE_WALL FROZEN_PAINT=$SMOKE_PAINT
step_done; record "smoke (frozen)"

step "smoke: .venv/bin/subcenter, for comparison"
smoke venv "$ROOT/.venv/bin/subcenter"
VENV_WALL=$SMOKE_WALL VENV_PAINT=$SMOKE_PAINT
step_done; record "smoke (venv)"

step "system libraries of the frozen folder vs the .deb's Depends"
"$PY" "$INSTALLER/linux_deps.py" "$FROZEN" --check "$INSTALLER/linux/control.in"
step_done; record "system libraries"

step "MSI (wixl) from the frozen folder"
bash "$INSTALLER/build-msi.sh" "$FROZEN" "$DIST"
MSI="$DIST/subcenter-$VERSION.msi"
"$PY" "$INSTALLER/checks.py" msi "$MSI" "$FROZEN" --version "$VERSION"
step_done; record "MSI build + checks"

step ".deb (dpkg-deb)"
bash "$INSTALLER/build-deb.sh" "$FROZEN" "$DIST"
DEB="$DIST/subcenter_${VERSION}_amd64.deb"
"$PY" "$INSTALLER/checks.py" deb "$DEB" --version "$VERSION"
step_done; record "deb build + checks"

step ".deb unpacked into a temporary root, installed launcher --smoke"
UNPACKED="$VERIFY/root"
dpkg-deb -x "$DEB" "$UNPACKED"
desktop-file-validate "$UNPACKED/usr/share/applications/subcenter.desktop"
echo "  ok   desktop-file-validate subcenter.desktop"
if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
    apt-get install -s -qq "$DEB" >/dev/null || fail "apt cannot satisfy the .deb's Depends"
    echo "  ok   apt-get -s install: every Depends resolves in the archive"
fi
smoke installed "$UNPACKED/usr/bin/subcenter"
step_done; record "deb unpack + smoke"

TOTAL=$(awk -v a="$TOTAL_STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
cat <<EOF

==> summary (version $VERSION)
  frozen folder   $(size_mb "$FROZEN") MB  ($FROZEN, $(find "$FROZEN" -type f | wc -l) files)
  MSI             $(size_mb "$MSI") MB  ($MSI)
  deb             $(size_mb "$DEB") MB  ($DEB)
  smoke, frozen   process ${FROZEN_WALL} s, first paint ${FROZEN_PAINT} s
  smoke, venv     process ${VENV_WALL} s, first paint ${VENV_PAINT} s
$(printf '  %s\n' "${TIMINGS[@]}")
  total           ${TOTAL} s
verify-linux: all installer checks passed
EOF
