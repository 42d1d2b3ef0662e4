#!/usr/bin/env bash
# Install what the tests need beyond the Python packages: Debian's Chromium for the
# dashboard browser test, CJK fonts so Chinese renders in its screenshots, and
# docker-compose 1.29, which validates deploy/compose.yaml without an engine. Runs as
# root on a fresh Debian machine; safe to run twice.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
command -v docker-compose >/dev/null || missing+=(docker-compose)

if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
