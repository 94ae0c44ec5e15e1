#!/usr/bin/env bash
# Makes sure the browser tests (test/integration/web-dashboard.test.ts) have their browser: Debian's
# `chromium` package, driven by playwright-core (no browser download), and a CJK font so the
# Chinese screenshots show Chinese. Installs what is missing with apt-get when run as root (CI) or
# with password-less sudo; otherwise says what to install and fails. Run by `npm run
# test:integration` (and so by `npm test` and .ci/run).
set -euo pipefail

packages=()
[[ -x ${ESTP_CHROMIUM:-/usr/bin/chromium} ]] || packages+=(chromium)
if ! fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk|droid sans fallback'; then
  packages+=(fonts-wqy-microhei)
fi
((${#packages[@]} > 0)) || exit 0

if [[ $(id -u) == 0 ]]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  printf 'error: the browser tests need Debian packages: %s\n' "${packages[*]}" >&2
  printf '       install them with: sudo apt-get install -y %s\n' "${packages[*]}" >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
  printf 'error: the browser tests need %s, and this is not a Debian system (no apt-get);\n' "${packages[*]}" >&2
  printf '       install Chromium yourself and set ESTP_CHROMIUM=/path/to/chromium\n' >&2
  exit 1
}
printf 'installing %s from Debian for the browser tests (test/scripts/ensure-browser.sh) …\n' "${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq "${packages[@]}" >/dev/null
printf 'installed: %s\n' "$("${ESTP_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null || echo "${packages[*]}")"
