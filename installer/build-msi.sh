#!/usr/bin/env bash
# Build the Windows Installer package with msitools' wixl, the same command everywhere
# (a developer's Linux box, verify-linux.sh, the CI job that packages the Windows build):
#
#   bash installer/build-msi.sh [FROZEN_DIR] [OUT_DIR]
#
# FROZEN_DIR defaults to dist/subcenter: the PyInstaller folder of the WINDOWS build for a
# real package (CI downloads it as an artifact); verify-linux.sh passes the Linux folder
# only to test the packaging itself. Writes OUT_DIR/subcenter-<version>.msi.
# Needs wixl (Debian/Ubuntu: apt-get install wixl msitools).
set -euo pipefail
source "$(dirname "$0")/common.sh"

FROZEN="$(cd "${1:-$DIST/subcenter}" && pwd)"
OUT="${2:-$DIST}"
command -v wixl >/dev/null || fail "wixl not found (apt-get install wixl msitools)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [[ -f "$FROZEN/subcenter.exe" ]]; then EXE=subcenter.exe; else EXE=subcenter; fi
[[ -f "$FROZEN/$EXE" ]] || fail "no $EXE in $FROZEN: is it a PyInstaller folder?"
NEXT_VERSION="$(awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }' <<<"$MSI_VERSION")"

# wixl opens sources relative to its working directory only: work in a folder where
# "payload" is the frozen folder and the icon sits beside.
STAGE="$WORK/msi"
rm -rf "$STAGE"
mkdir -p "$STAGE"
ln -s "$FROZEN" "$STAGE/payload"
cp "$ROOT/resources/icons/subcenter.ico" "$STAGE/subcenter.ico"
"$PY" "$INSTALLER/wix/payload.py" "$STAGE/payload" --skip "$EXE" --source payload \
    -o "$STAGE/payload.wxs"

MSI="$OUT/subcenter-$VERSION.msi"
rm -f "$MSI"
(
    cd "$STAGE"
    wixl --arch x64 \
        -D Version="$MSI_VERSION" -D NextVersion="$NEXT_VERSION" \
        -D PayloadDir=payload -D ExeName="$EXE" -D IconFile=subcenter.ico \
        -o "$MSI" "$INSTALLER/wix/subcenter.wxs" payload.wxs
)
echo "msi: $MSI ($(size_mb "$MSI") MB, ProductVersion $MSI_VERSION)"
