#!/usr/bin/env bash
# The golden scenarios (golden/*, design §9) through the real binary: each
# one's incidents must match its expected.json. Ground-truth misses are
# printed, not failed on (scripts/golden --require-truth would fail).
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
set +e
BRE="$BRE" python3 "$BRE_SOURCE_DIR/scripts/golden"
rc=$?
set -e
expect_eq "$rc" 0 "scripts/golden exit status"
finish
