#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium at /usr/bin/chromium
# (Playwright drives it; `playwright install` downloads are not used).
# Does nothing when Chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: /usr/bin/chromium is missing and this is not root." >&2
    echo "install-browser: install it with: sudo apt-get install -y chromium" >&2
    echo "install-browser: (the browser tests in tests/browser/ fail without it)" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: /usr/bin/chromium is missing and apt-get is not available;" >&2
    echo "install-browser: install Chromium with your system's package manager." >&2
    exit 0
fi

echo "install-browser: installing Debian chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install-browser: $(/usr/bin/chromium --version)"
