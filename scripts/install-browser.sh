#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium at /usr/bin/chromium
# (Playwright drives it; `playwright install` downloads are not used) and a
# font with Chinese glyphs (Debian's fonts-noto-cjk) for the Chinese notebooks.
# Does nothing when both are there; stops with one line saying what is
# missing when it cannot install it (the browser tests and the unit tests
# marked font need them; make test runs it, make check does not).
set -euo pipefail

missing=()
if [ ! -x /usr/bin/chromium ]; then
    missing+=(chromium)
fi
# fontconfig comes with Chromium; no Chinese font is what it lists for :lang=zh.
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family)" ]; then
    missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: missing ${missing[*]} and there is no apt-get:" \
        "install Chromium at /usr/bin/chromium and a font with Chinese glyphs" \
        "(Noto Sans CJK) with your package manager, then run again" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: missing ${missing[*]}:" \
        "run 'sudo apt-get install -y ${missing[*]}', then run again" >&2
    exit 1
fi

echo "install-browser: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -x /usr/bin/chromium ]; then
    echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null)"
fi
echo "install-browser: Chinese fonts: $(fc-list :lang=zh family | sort | head -3 | tr '\n' ' ')"
