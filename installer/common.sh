# Sourced by the installer scripts (not run): paths, the version, the project's Python,
# and step timing. Callers have `set -euo pipefail` already.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INSTALLER="$ROOT/installer"
DIST="${SUBCENTER_DIST:-$ROOT/dist}"
WORK="${SUBCENTER_BUILD:-$ROOT/build}"

# The project's virtualenv when there is one (Linux/macOS or Windows layout), else python3
# (the CI job that only runs wixl has no venv; the scripts it runs need the stdlib only).
if [[ -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
elif [[ -x "$ROOT/.venv/Scripts/python.exe" ]]; then
    PY="$ROOT/.venv/Scripts/python.exe"
else
    PY="$(command -v python3 || command -v python)"
fi

# The package version (pyproject.toml) and the x.y.z form Windows Installer compares.
# SUBCENTER_PACKAGE_VERSION overrides it for upgrade tests only (CI builds a "next"
# MSI from the same folder to check that it replaces this one).
VERSION="${SUBCENTER_PACKAGE_VERSION:-$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import freeze_rules as r; print(r.project_version(r.Path(sys.argv[2])))' "$INSTALLER" "$ROOT")}"
MSI_VERSION="$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import freeze_rules as r; print(r.numeric_version(sys.argv[2]))' "$INSTALLER" "$VERSION")"

_step_started=0
step() {
    _step_started=$(date +%s.%N)
    echo
    echo "==> $*"
}

step_done() {
    local seconds
    seconds=$(awk -v a="$_step_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "    done in ${seconds} s"
    STEP_SECONDS="$seconds"
}

size_mb() {
    du -sm --apparent-size "$1" 2>/dev/null | cut -f1 || du -sm "$1" | cut -f1
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
