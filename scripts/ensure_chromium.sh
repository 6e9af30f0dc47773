#!/usr/bin/env bash
# The browser end-to-end tests drive Debian's chromium (never a downloaded browser).
# Installs it when missing and we are root; otherwise those tests skip with a message.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "chromium not found and cannot install it (not root): browser tests will be skipped" >&2
fi
