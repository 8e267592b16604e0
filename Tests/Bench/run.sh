#!/usr/bin/env bash
# Tests/Bench/run.sh -- `make bench`: iotcert vs Mbed TLS 2.28 vs the bare crypto, in one run
# on this machine. Run from anywhere; works from a clean clone (builds what it needs).
#
#   1. make lib (build/libiotcert.a), the case table, and build/bench/bench;
#   2. the checks and heap counts (build/bench/facts.json, from bench-count), then timing:
#      BENCH_ROUNDS interleaved rounds of every operation, medians and minima
#      (build/bench/timing.json);
#   3. instruction counts: every case under valgrind's callgrind, BENCH_REPS runs of each
#      operation, collection on around the operation only (build/bench/callgrind/);
#   4. the report: markdown on stdout and in build/bench.md, PASS/MISS for each target.
#
# Environment: BENCH_ROUNDS (default 201), BENCH_REPS (default 3), BENCH_JOBS (parallel
# callgrind runs, default: the number of cores), BENCH_STRICT=1 (exit 1 on any MISS).
# Timing runs alone, before any callgrind run, so that the two do not compete for cores.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out=build/bench
rounds="${BENCH_ROUNDS:-201}"
reps="${BENCH_REPS:-3}"
jobs="${BENCH_JOBS:-$(nproc)}"

# stdout is the report alone. `make lib` also installs missing packages (valgrind included).
make --no-print-directory lib >&2
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (make deps)" >&2; exit 2; }
[ -f /usr/include/valgrind/callgrind.h ] ||
    { echo "bench: valgrind/callgrind.h is missing (Debian package valgrind)" >&2; exit 2; }
mkdir -p "$out/callgrind"
rm -f "$out"/callgrind/*

python3 Tests/Bench/gen-cases.py >"$out/cases.h"
# The port functions are wrapped so that bench.c can count the hashes and signature checks
# each operation makes and tell the port's heap use from the core's. bench-count also counts
# every allocation (which costs time), so it only runs the checks; bench is timed and
# profiled.
build_bench() { # output, extra flags
    cc -std=c11 -O2 -g -Wall -Wextra -Werror "${@:2}" \
        -I Include -I Sources/IoTCertMbedTLS/include -I "$out" \
        Tests/Bench/bench.c build/libiotcert.a -lmbedx509 -lmbedcrypto \
        -Wl,--wrap=iotcert_port_hash,--wrap=iotcert_port_ecdsa_verify \
        -Wl,--wrap=iotcert_port_rsa_verify -o "$1"
}
build_bench "$out/bench"
build_bench "$out/bench-count" -DBENCH_COUNT_ALLOCS=1

echo "bench: checks and heap counts" >&2
"$out/bench-count" --rounds 1 --json "$out/facts.json" >/dev/null
echo "bench: timing, $rounds rounds per case" >&2
"$out/bench" --rounds "$rounds" --json "$out/timing.json" >"$out/timing.txt"

echo "bench: callgrind, $reps runs per operation, $jobs at a time" >&2
"$out/bench" --list | xargs -P "$jobs" -I{} \
    valgrind --tool=callgrind --collect-atstart=no --compress-strings=no \
    --callgrind-out-file="$out/callgrind/{}.%p" \
    --log-file="$out/callgrind/{}.log" \
    "$out/bench" --callgrind --reps "$reps" --case {}

python3 Tests/Bench/report.py --timing "$out/timing.json" --facts "$out/facts.json" \
    --callgrind "$out/callgrind" \
    --core build/lib/core.o --port build/lib/port.o --out build/bench.md \
    $([ "${BENCH_STRICT:-0}" = 1 ] && echo --strict)
