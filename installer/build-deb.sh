#!/usr/bin/env bash
# Build the Debian package for UOS, Kylin and other Debian-based desktops:
#
#   bash installer/build-deb.sh [FROZEN_DIR] [OUT_DIR]      # after build-linux.sh
#
# Layout: the frozen folder in /opt/subcenter, /usr/bin/subcenter (a relative symlink to
# it, so the same tree also runs after `dpkg -x` into any folder), the menu entry
# /usr/share/applications/subcenter.desktop and the icon in the hicolor theme. No
# maintainer scripts: dpkg triggers refresh the menu and icon caches, and nothing ever
# touches ~/.local/share/subcenter (removing or purging the package leaves the data).
# Depends comes from installer/linux/control.in; libc6's floor is read off the binaries.
# Writes OUT_DIR/subcenter_<version>_amd64.deb.
#
# SUBCENTER_DEB_XZ_LEVEL (default 6, dpkg's own default) sets the xz level: 6 for a
# release; verify-linux.sh uses 1 unless told otherwise (on a 2-core machine xz -6 of
# the ~340 MB folder takes 2–4 minutes, xz -1 under one, for a .deb ~11 % larger).
set -euo pipefail
source "$(dirname "$0")/common.sh"

FROZEN="$(cd "${1:-$DIST/subcenter}" && pwd)"
OUT="${2:-$DIST}"
[[ -x "$FROZEN/subcenter" ]] || fail "no subcenter executable in $FROZEN (run build-linux.sh)"
mkdir -p "$OUT"

STAGE="$WORK/deb/subcenter_${VERSION}_amd64"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps"
cp -a "$FROZEN" "$STAGE/opt/subcenter"
ln -s ../../opt/subcenter/subcenter "$STAGE/usr/bin/subcenter"
install -m 644 "$INSTALLER/linux/subcenter.desktop" "$STAGE/usr/share/applications/"
install -m 644 "$ROOT/resources/icons/subcenter.png" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps/subcenter.png"
chmod -R u+rwX,go+rX,go-w "$STAGE"

GLIBC="$("$PY" "$INSTALLER/linux_deps.py" --glibc "$FROZEN")"
INSTALLED_SIZE="$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@GLIBC@/$GLIBC/" -e "s/@INSTALLED_SIZE@/$INSTALLED_SIZE/" \
    "$INSTALLER/linux/control.in" > "$STAGE/DEBIAN/control"

DEB="$OUT/subcenter_${VERSION}_amd64.deb"
rm -f "$DEB"
# xz: what every dpkg since Debian 7 reads (UOS 20's dpkg cannot read zstd).
LEVEL="${SUBCENTER_DEB_XZ_LEVEL:-6}"
[[ "$LEVEL" =~ ^[0-9]$ ]] || fail "SUBCENTER_DEB_XZ_LEVEL must be 0-9, not '$LEVEL'"
dpkg-deb --root-owner-group -Zxz -z"$LEVEL" --build "$STAGE" "$DEB" >/dev/null
echo "deb: $DEB ($(size_mb "$DEB") MB, xz -$LEVEL, needs libc6 >= $GLIBC)"
