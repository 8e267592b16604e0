#!/usr/bin/env bash
# Runs the x509-limbo conformance suite (C2SP/x509-limbo) through the host tool, which uses
# the very same core as the device, and checks the outcome against
# Tests/Conformance/limbo-exceptions.json.
#
#   Tests/Conformance/run-limbo.sh            (LIMBO_FILE=path overrides the suite file)
#
# The suite runs twice: with limbo's untrusted intermediates presented after the leaf (as a
# TLS peer sends them; results in build/limbo-results.json) and with them in the trust
# store's stored certificates (build/limbo-results-stored.json), which lets the
# denial-of-service cases reach the search budgets instead of stopping at presentedMax.
#
# Fails on any wrongly accepted case, any wrongly rejected case not listed in the exceptions
# file, and any exception that no longer applies (stale).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))
cd "$root"

limbo=${LIMBO_FILE:-$root/../shared/conformance/limbo-public.json}
if [ ! -f "$limbo" ]; then
    echo "run-limbo: no limbo suite at $limbo (set LIMBO_FILE)" >&2
    exit 2
fi
exceptions=Tests/Conformance/limbo-exceptions.json

# shellcheck disable=SC2086 # SWIFT_BUILD_FLAGS is a list of flags
swift build --product iotcert ${SWIFT_BUILD_FLAGS:-} >&2
tool="$(swift build --show-bin-path ${SWIFT_BUILD_FLAGS:-})/iotcert"
mkdir -p build

status=0
for mode in presented stored; do
    out=build/limbo-results.json
    [ "$mode" = stored ] && out=build/limbo-results-stored.json
    echo "run-limbo: $limbo, intermediates $mode, results in $out"
    "$tool" limbo "$limbo" --intermediates "$mode" --output "$out" \
        --exceptions "$exceptions" 2>&1 || status=1
done
if [ "$status" -ne 0 ]; then
    echo "run-limbo: FAILED (see WRONGLY/STALE lines above)"
fi
exit "$status"
