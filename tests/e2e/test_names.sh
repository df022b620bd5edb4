#!/usr/bin/env bash
# doctest_discover_tests splits test names at ';', and a fragment runs zero
# test cases and passes: a test that cannot fail. Refuse such names.
set -euo pipefail
bad=$(grep -n 'TEST_CASE("[^"]*;' "$BRE_SOURCE_DIR"/tests/unit/*.cpp || true)
if [ -n "$bad" ]; then echo "test names with ';' (CTest would split them):"; echo "$bad"; exit 1; fi
echo ok
