#!/usr/bin/env bash
# Spark (`kedro run --env spark`, tests/spark/) needs Java 17 or newer: Debian's openjdk-17-jre-headless.
# Installs it when missing and we are root; otherwise says what to install.
#   scripts/ensure_java.sh           for the tests: without Java the Spark tests skip with a message
#   scripts/ensure_java.sh --require for targets that need Spark: exits 1 without Java
set -euo pipefail
java_major() {
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}
if command -v java >/dev/null && [ "$(java_major)" -ge 17 ] 2>/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's openjdk-17-jre-headless for Spark..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  exit 0
fi
message="Java 17 not found: Spark needs it. Install Debian's openjdk-17-jre-headless (sudo apt-get install -y openjdk-17-jre-headless)"
if [ "${1:-}" = "--require" ]; then
  echo "$message" >&2
  exit 1
fi
echo "$message; the Spark tests will be skipped" >&2
