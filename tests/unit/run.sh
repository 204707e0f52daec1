#!/usr/bin/env bash
# run.sh - run every host unit test binary given; each prints Check's summary line. Exit non-zero
# if any of them failed.
set -u
failed=0
for t in "$@"; do
    echo "== $(basename "$t")"
    if ! CK_DEFAULT_TIMEOUT=60 "$t"; then
        echo "FAILED: $t"
        failed=$((failed + 1))
    fi
done
echo "unit test binaries: $(( $# - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
