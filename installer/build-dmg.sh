#!/usr/bin/env bash
# macOS: freeze dist/subcenter.app with the shared spec (PyInstaller BUNDLE: icon,
# Info.plist with the bundle id, version, LSMinimumSystemVersion, NSHighResolutionCapable),
# smoke-test it, sign, and wrap it into a drag-to-Applications disk image:
#
#   bash installer/build-dmg.sh          # on a Mac, with the project's .venv
#
# Before signing, the app bundle is checked like the Linux folder in verify-linux.sh: the
# smoke (fresh data folder), the bundle check (bundle_check.py), and the frozen commands
# on a demo folder (print --samples, export actions .ics, dashboard/documents smokes).
#
# Writes dist/subcenter-<version>-<arch>.dmg (arm64 or x86_64: PyInstaller freezes for
# the Python it runs on; CI builds both). Signing and notarization run only when their
# environment variables are set, and are skipped with a note otherwise:
#   MACOS_SIGN_IDENTITY   "Developer ID Application: …" in the keychain (codesign)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarytool credentials (then stapler)
set -euo pipefail
source "$(dirname "$0")/common.sh"

[[ "$(uname -s)" == Darwin ]] || fail "build-dmg.sh runs on macOS (hdiutil, codesign)"
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    "$PY" -m pip install -q -r "$INSTALLER/requirements.txt"
fi

step "freeze subcenter.app"
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" "$INSTALLER/subcenter.spec"
APP="$DIST/subcenter.app"
[[ -x "$APP/Contents/MacOS/subcenter" ]] || fail "PyInstaller made no $APP"
/usr/libexec/PlistBuddy -c "Print :LSMinimumSystemVersion" "$APP/Contents/Info.plist"
step_done

step "smoke the app bundle (offscreen, fresh data folder)"
SMOKE="$(mktemp -d)"
mkdir -p "$SMOKE/artifacts"
QT_QPA_PLATFORM=offscreen SUBCENTER_HOME="$SMOKE/data" \
    SUBCENTER_SMOKE_RESULT="$SMOKE/result.txt" SUBCENTER_SMOKE_ARTIFACTS="$SMOKE/artifacts" \
    "$APP/Contents/MacOS/subcenter" --smoke
grep '^ok ' "$SMOKE/result.txt" || fail "smoke: no 'ok' in $SMOKE/result.txt"
"$PY" "$INSTALLER/checks.py" artifacts "$SMOKE/artifacts"
step_done

step "bundle check (installer/bundle_check.py inside the frozen app)"
QT_QPA_PLATFORM=offscreen SUBCENTER_BUNDLE_CHECK="$SMOKE/bundle-check.txt" \
    "$APP/Contents/MacOS/subcenter" || true
cat "$SMOKE/bundle-check.txt" || true
"$PY" "$INSTALLER/checks.py" bundle "$SMOKE/bundle-check.txt" || fail "bundle check"
step_done

step "frozen commands on a demo folder: demo, print --samples, export actions, page smokes"
DEMO="$SMOKE/demo"
WEEK="$(date +%G-W%V)"
export SUBCENTER_HOME="$DEMO/data"
"$APP/Contents/MacOS/subcenter" demo
"$APP/Contents/MacOS/subcenter" print --samples "$DEMO/samples"
"$PY" "$INSTALLER/checks.py" samples "$DEMO/samples" || fail "print --samples"
"$APP/Contents/MacOS/subcenter" export actions --week "$WEEK" "$DEMO/actions.ics"
"$PY" "$INSTALLER/checks.py" ics "$DEMO/actions.ics" --week "$WEEK" || fail "export actions"
for page in dashboard documents; do
    QT_QPA_PLATFORM=offscreen SUBCENTER_SMOKE_PAGE="$page" \
        SUBCENTER_SMOKE_RESULT="$DEMO/smoke-$page.txt" "$APP/Contents/MacOS/subcenter" --smoke
    grep '^ok ' "$DEMO/smoke-$page.txt" || fail "smoke of page $page: no 'ok'"
done
unset SUBCENTER_HOME
step_done

step "sign the app"
if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --force --deep --options runtime --timestamp \
        --entitlements "$INSTALLER/macos/entitlements.plist" \
        --sign "$MACOS_SIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
else
    echo "    MACOS_SIGN_IDENTITY not set: skipped (the app keeps PyInstaller's ad-hoc"
    echo "    signature; users open it the first time with right-click > Open)"
fi
step_done

step "disk image"
ARCH="$(uname -m)"
DMG="$DIST/subcenter-$VERSION-$ARCH.dmg"
STAGE="$WORK/dmg"
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag the app onto it to install
hdiutil create -volname "Subcenter $VERSION" -srcfolder "$STAGE" -fs HFS+ \
    -format UDZO -ov "$DMG"
if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
hdiutil verify "$DMG"
step_done

step "notarize"
if [[ -n "${MACOS_SIGN_IDENTITY:-}" && -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" \
      && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
else
    echo "    signing identity or notarytool credentials not set: skipped"
fi
step_done
echo "dmg: $DMG ($(size_mb "$DMG") MB)"
