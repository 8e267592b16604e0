#!/usr/bin/env bash
# Tests/Bench/run.sh -- `make bench`: iotcert vs Mbed TLS 2.28 vs the bare crypto, in one run
# on this machine. Run from anywhere; works from a clean clone (builds what it needs).
#
#   1. make lib for both ports (build/libiotcert.a, build/libiotcert-p256m.a), the case
#      table, build/bench/bench and build/bench/bench-p256m (the same program over the
#      heap-free P-256 port);
#   2. the checks and heap counts (build/bench/facts.json, from bench-count), then timing:
#      BENCH_ROUNDS interleaved rounds of every operation, medians and minima
#      (build/bench/timing.json);
#   3. instruction counts: every case under valgrind's callgrind, BENCH_REPS runs of each
#      operation, collection on around the operation only (build/bench/callgrind/);
#      and the P-256 cases again with bench-p256m (build/bench/callgrind-p256m/);
#   4. the report: markdown on stdout and in build/bench.md, PASS/MISS for each target, and
#      build/bench-readme.md, the instruction counts alone (README.md's table).
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
make --no-print-directory lib PORT=p256m >&2
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (make deps)" >&2; exit 2; }
[ -f /usr/include/valgrind/callgrind.h ] ||
    { echo "bench: valgrind/callgrind.h is missing (Debian package valgrind)" >&2; exit 2; }
mkdir -p "$out/callgrind" "$out/callgrind-p256m"
rm -f "$out"/callgrind/* "$out"/callgrind-p256m/*
# The cases whose every certificate is P-256 / SHA-256, which the P-256 port can verify
# (bench-p256m stops with an error on any other).
p256_cases="basic-p256 le-dst-expired-x1-trusted expired-intermediate-with-renewal"

python3 Tests/Bench/gen-cases.py >"$out/cases.h"
# The port functions are wrapped so that bench.c can count the hashes and signature checks
# each operation makes and tell the port's heap use from the core's. bench-count also counts
# every allocation (which costs time), so it only runs the checks; bench is timed and
# profiled.
build_bench() { # output, library, extra flags
    cc -std=c11 -O2 -g -Wall -Wextra -Werror "${@:3}" \
        -I Include -I Sources/IoTCertMbedTLS/include -I "$out" \
        Tests/Bench/bench.c "$2" -lmbedx509 -lmbedcrypto \
        -Wl,--wrap=iotcert_port_hash,--wrap=iotcert_port_ecdsa_verify \
        -Wl,--wrap=iotcert_port_rsa_verify -o "$1"
}
build_bench "$out/bench" build/libiotcert.a
build_bench "$out/bench-count" build/libiotcert.a -DBENCH_COUNT_ALLOCS=1
build_bench "$out/bench-p256m" build/libiotcert-p256m.a

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
echo "bench: callgrind, the P-256 port" >&2
echo $p256_cases | tr ' ' '\n' | xargs -P "$jobs" -I{} \
    valgrind --tool=callgrind --collect-atstart=no --compress-strings=no \
    --callgrind-out-file="$out/callgrind-p256m/{}.%p" \
    --log-file="$out/callgrind-p256m/{}.log" \
    "$out/bench-p256m" --callgrind --reps "$reps" --case {}

python3 Tests/Bench/report.py --timing "$out/timing.json" --facts "$out/facts.json" \
    --callgrind "$out/callgrind" --callgrind-p256m "$out/callgrind-p256m" \
    --readme build/bench-readme.md \
    --core build/lib/core.o --port build/lib/port.o --out build/bench.md \
    $([ "${BENCH_STRICT:-0}" = 1 ] && echo --strict)
