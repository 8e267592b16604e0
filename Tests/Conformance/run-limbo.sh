#!/usr/bin/env bash
# Runs the x509-limbo conformance suite (C2SP/x509-limbo) and the third-party suite (Go's
# and Mbed TLS's own verification vectors, same format) through the host tool, which uses
# the very same core as the device.
#
#   Tests/Conformance/run-limbo.sh   (LIMBO_FILE / THIRD_PARTY_FILE override the suite files)
#
# Each suite runs twice: with the untrusted intermediates presented after the leaf (as a TLS
# peer sends them) and with them in the trust store's stored certificates, which lets the
# denial-of-service cases reach the search budgets instead of stopping at presentedMax.
# Results go to build/limbo-results*.json and build/third-party-results*.json; the README's
# conformance tables, counted from them by tables.py, to build/conformance.md.
#
# limbo runs under the strict profile, checked against Tests/Conformance/limbo-exceptions.json;
# every case also runs under the default profile, and the cases whose verdict changes must be
# exactly those of Tests/Conformance/limbo-default-relaxations.json (each with the rule it
# relaxes). The third-party suite runs under the default profile, checked against
# Tests/Conformance/third-party-exceptions.json.
#
# Fails on any wrongly accepted case, any wrongly rejected case not listed, any unlisted
# profile difference, and any listed entry that no longer applies (stale).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))
cd "$root"

limbo=${LIMBO_FILE:-$root/../shared/conformance/limbo-public.json}
third=${THIRD_PARTY_FILE:-$root/../shared/conformance/third-party-public.json}
for suite in "$limbo" "$third"; do
    if [ ! -f "$suite" ]; then
        echo "run-limbo: no suite at $suite (set LIMBO_FILE / THIRD_PARTY_FILE)" >&2
        exit 2
    fi
done
conformance=Tests/Conformance

# shellcheck disable=SC2086 # SWIFT_BUILD_FLAGS is a list of flags
swift build --product iotcert ${SWIFT_BUILD_FLAGS:-} >&2
tool="$(swift build --show-bin-path ${SWIFT_BUILD_FLAGS:-})/iotcert"
mkdir -p build

status=0
for mode in presented stored; do
    suffix=""
    [ "$mode" = stored ] && suffix="-stored"
    out=build/limbo-results$suffix.json
    echo "run-limbo: $limbo, intermediates $mode, strict profile in $out," \
        "default profile in build/limbo-results-default$suffix.json"
    "$tool" limbo "$limbo" --intermediates "$mode" --strict --output "$out" \
        --exceptions "$conformance/limbo-exceptions.json" \
        --relaxations "$conformance/limbo-default-relaxations.json" \
        --default-output "build/limbo-results-default$suffix.json" 2>&1 || status=1
    out=build/third-party-results$suffix.json
    echo "run-limbo: $third, intermediates $mode, default profile, results in $out"
    "$tool" limbo "$third" --intermediates "$mode" --output "$out" \
        --exceptions "$conformance/third-party-exceptions.json" 2>&1 || status=1
done
if [ "$status" -ne 0 ]; then
    echo "run-limbo: FAILED (see WRONGLY/STALE/UNLISTED lines above)"
    exit "$status"
fi
# README.md's conformance tables, counted from these results (make readme-check compares).
python3 "$conformance/tables.py" "$limbo" "$third" > build/conformance.md
echo "run-limbo: tables for README.md in build/conformance.md"
