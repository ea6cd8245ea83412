#!/bin/sh
# System packages the test suite needs beyond Python: installed with apt when missing.
# Run as root (CI) or with sudo available.
set -eu
NEED=""
for pair in "chromium:chromium" "qemu-system-x86_64:qemu-system-x86" "cpio:cpio" "systemd-analyze:systemd" "dpkg-deb:dpkg" \
    "/usr/bin/python3:python3" "Xvfb:xvfb" "xprop:x11-utils" "xdotool:xdotool" \
    "openbox:openbox" "sway:sway" "foot:foot"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || NEED="$NEED $pkg"
done
# libxkbcommon and the xkb data: host layouts beyond KeyRx's own tables (the daemon runs without them)
for pair in "/usr/share/X11/xkb/rules/evdev.lst:xkb-data"; do
  file=${pair%%:*}; pkg=${pair#*:}
  [ -e "$file" ] || NEED="$NEED $pkg"
done
found=""
for lib in /usr/lib/*/libxkbcommon.so.0 /usr/lib/libxkbcommon.so.0; do [ -e "$lib" ] && found=1; done
[ -n "$found" ] || NEED="$NEED libxkbcommon0"
[ -z "$NEED" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing system packages:$NEED"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $NEED
