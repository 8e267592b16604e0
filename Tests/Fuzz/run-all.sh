#!/usr/bin/env bash
# Runs the four libFuzzer targets one after another, SECONDS each (one at a time: a target
# uses one core, and the machine's others are for everything else).
#
#   Tests/Fuzz/run-all.sh SECONDS [run.sh options]
#
# Every target runs even when one fails; the script fails when any did (crash, timeout, out of
# memory), leaving libFuzzer's artifact in build/fuzz/artifacts/<target>/. `make fuzz-smoke`
# (part of `make test`) runs it for 20 s a target; `make fuzz FUZZ_SECONDS=N` for longer.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 SECONDS [--keep-corpus] [--merge]" >&2; exit 2; }
seconds=$1
shift
failed=()
for target in der certificate bundle verify; do
    bash Tests/Fuzz/run.sh "$target" "$seconds" "$@" || failed+=("fuzz-$target")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (artifacts in build/fuzz/artifacts/)"
    exit 1
fi
echo "fuzz: all four targets ran ${seconds}s each without a crash"
