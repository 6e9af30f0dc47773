#!/usr/bin/env bash
# Runs one layer of the test suite and says which and how long it took:
#   scripts/test_layer.sh "LAYER" PYTEST-ARGS...      e.g. scripts/test_layer.sh "fast" -m "not e2e" -n 2
set -uo pipefail
layer=$1; shift
printf '\n==> Test layer: %s (pytest %s)\n' "$layer" "$*"
started=$SECONDS
.venv/bin/python -m pytest "$@"
status=$?
printf '==> Test layer %s: %s after %d s\n' "$layer" "$([ $status = 0 ] && echo passed || echo FAILED)" $((SECONDS - started))
exit $status
