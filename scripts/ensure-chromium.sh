#!/usr/bin/env bash
# Make sure Chromium (for the Playwright browser tests) is installed, and print its version.
# Playwright cannot download its own browser builds here, so we use Debian's chromium
# package at /usr/bin/chromium (DESIST_CHROMIUM overrides the path, as in
# tests/browser/conftest.py). Installs it with apt-get when missing (needs root), along
# with fonts so that text renders, and pango for WeasyPrint (the board pack PDF).
set -euo pipefail

CHROMIUM=${DESIST_CHROMIUM:-/usr/bin/chromium}

if [[ ! -x $CHROMIUM ]]; then
  if [[ $CHROMIUM != /usr/bin/chromium ]]; then
    echo "ensure-chromium: DESIST_CHROMIUM=$CHROMIUM is not an executable" >&2
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "ensure-chromium: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium fonts-dejavu-core fonts-liberation" >&2
    exit 1
  fi
  echo "ensure-chromium: installing chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null
fi

# The board pack's PDF (WeasyPrint) lays out text with pango, which chromium's packages do not always bring.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "ensure-chromium: pango is missing (for the board pack PDF); install it with: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" >&2
    exit 1
  fi
  echo "ensure-chromium: installing pango with apt-get (for the board pack PDF)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
fi

# --version starts quickly and needs no display; keep it from touching the network.
"$CHROMIUM" --headless --no-sandbox --disable-gpu --version 2>/dev/null ||
  "$CHROMIUM" --version
