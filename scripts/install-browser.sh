#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium at /usr/bin/chromium
# (Playwright drives it; `playwright install` downloads are not used).
# Does nothing when Chromium is already there; stops with one line saying
# what is missing when it cannot install it (the browser tests need it).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: /usr/bin/chromium is missing and there is no apt-get:" \
        "install Chromium at /usr/bin/chromium with your package manager, then run again" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: /usr/bin/chromium is missing:" \
        "run 'sudo apt-get install -y chromium', then run again" >&2
    exit 1
fi

echo "install-browser: installing Debian chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null)"
