#!/bin/sh
# Build dist/keyrx_<version>_<arch>.deb with dpkg-deb alone (no debhelper).
#   sh scripts/build-deb.sh [OUTDIR]      (make deb)
# The daemon gets its own environment in /opt/keyrx, created with Debian's /usr/bin/python3 (the
# interpreter the package depends on) in a staging root, then made to live at /opt/keyrx: every
# path that names the staging dir (script shebangs, activate, pyvenv.cfg) is rewritten. The unit,
# udev rule, sysusers and modules-load files go to /usr/lib; /usr/bin/keyrx links to the venv's.
# BUILD_PY (default: .venv/bin/python) builds the wheel and runs pip (>= 22.3, for --python).
set -eu
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-dist}")
BUILD_PY=${BUILD_PY:-.venv/bin/python}
TARGET_PY=${TARGET_PY:-/usr/bin/python3}
PREFIX=/opt/keyrx
[ -x "$TARGET_PY" ] || { echo "build-deb: $TARGET_PY is missing (apt install python3)" >&2; exit 1; }
TARGET_PY=$(readlink -f "$TARGET_PY")   # /usr/bin/python3.11: the venv must not follow python3 to 3.12
PYVER=$("$TARGET_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VERSION=$(sed -n 's/^version *= *//p' setup.cfg)
ARCH=$(dpkg --print-architecture)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/keyrx_${VERSION}_$ARCH
mkdir -p "$OUT" "$STAGE/DEBIAN"

echo "build-deb: wheel"
"$BUILD_PY" -m pip wheel -q --no-deps -w "$WORK/dist" .
echo "build-deb: $PREFIX (with $TARGET_PY)"
"$TARGET_PY" -m venv --without-pip "$STAGE$PREFIX"
"$BUILD_PY" -m pip --python "$STAGE$PREFIX/bin/python" install -q --no-compile --no-warn-script-location \
    "$WORK"/dist/keyrx-*.whl
find "$STAGE$PREFIX" -name __pycache__ -type d -prune -exec rm -rf {} +
# the venv lives at $PREFIX once installed: no file may name the staging dir
grep -rlI -F "$STAGE" "$STAGE$PREFIX" | while read -r f; do sed -i "s#$STAGE##g" "$f"; done
if grep -rqI -F "$STAGE" "$STAGE$PREFIX"; then echo "build-deb: staging path left in the venv" >&2; exit 1; fi

echo "build-deb: system files"
PYCODE="from app.cli.service import unit_text; import sys; sys.stdout.write(unit_text('$PREFIX/bin/python'))"
install -d "$STAGE/usr/lib/systemd/system" "$STAGE/usr/lib/udev/rules.d" "$STAGE/usr/lib/sysusers.d" \
    "$STAGE/usr/lib/modules-load.d" "$STAGE/usr/bin" "$STAGE/usr/share/doc/keyrx"
"$STAGE$PREFIX/bin/python" -c "$PYCODE" > "$STAGE/usr/lib/systemd/system/keyrx.service"
DEPLOY=$("$STAGE$PREFIX/bin/python" -c "import app.paths as p; print(p.DEPLOY)")
install -m644 "$DEPLOY/60-keyrx.rules" "$STAGE/usr/lib/udev/rules.d/60-keyrx.rules"
install -m644 "$DEPLOY/keyrx.sysusers" "$STAGE/usr/lib/sysusers.d/keyrx.conf"
install -m644 "$DEPLOY/keyrx-modules.conf" "$STAGE/usr/lib/modules-load.d/keyrx.conf"
ln -s "$PREFIX/bin/keyrx" "$STAGE/usr/bin/keyrx"
install -m644 packaging/debian/copyright "$STAGE/usr/share/doc/keyrx/copyright"
install -m644 README.md docs/install.md "$STAGE/usr/share/doc/keyrx/"

for script in postinst prerm postrm; do install -m755 "packaging/debian/$script" "$STAGE/DEBIAN/$script"; done
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" -e "s/@PYTHON@/python$PYVER/" \
    packaging/debian/control.in \
    > "$STAGE/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT/keyrx_${VERSION}_$ARCH.deb" >/dev/null
echo "$OUT/keyrx_${VERSION}_$ARCH.deb"
