#!/usr/bin/env bash
# Builds the libFuzzer binary (build/fuzz/fuzz-iotcert, once for the four targets) and runs one
# target for SECONDS.
#
#   Tests/Fuzz/run.sh TARGET SECONDS [--keep-corpus] [--merge]
#
# TARGET: der, certificate, bundle or verify (or fuzz-der, ...). The committed seed corpus
# (Tests/Fuzz/corpus/fuzz-TARGET) and the saved crashing inputs (Tests/Fuzz/regressions/
# fuzz-TARGET) are read, never written: new inputs go to a fresh directory under
# build/fuzz/work/, or with --keep-corpus to build/fuzz/corpus/fuzz-TARGET, kept across runs.
# --merge afterwards adds to the committed corpus only the new inputs that add coverage
# (libFuzzer's -merge=1), for a person to review and commit.
#
# Prints executions, executions per second, coverage (cov: edges, ft: features) and the
# corpus size, and appends them to build/fuzz/summary.tsv. Exits non-zero when the target
# crashes, times out or runs out of memory; libFuzzer's crash-*/timeout-*/oom-* file is left
# in build/fuzz/artifacts/fuzz-TARGET/ (replay: build/fuzz/fuzz-TARGET FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

usage() {
    echo "usage: $0 der|certificate|bundle|verify SECONDS [--keep-corpus] [--merge]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=fuzz-${1#fuzz-}
seconds=$2
shift 2
keep=0
merge=0
for arg in "$@"; do
    case $arg in
        --keep-corpus) keep=1 ;;
        --merge) merge=1 ;;
        *) usage ;;
    esac
done
case $target in
    fuzz-der | fuzz-certificate) max_len=8192 ;;
    fuzz-bundle) max_len=32768 ;;
    fuzz-verify) max_len=16384 ;;
    *) usage ;;
esac
[[ $seconds =~ ^[0-9]+$ ]] || usage

out=build/fuzz
bin=$out/$target
mkdir -p "$out/artifacts/$target" "$out/work"

# ---- build (only when a source is newer than the binary) -----------------------------------
# One binary for the four targets (Tests/Fuzz/FuzzMain.swift picks the harness by the name it
# is started by): build/fuzz/fuzz-iotcert, with build/fuzz/fuzz-TARGET links to it.
swiftc=$(command -v swiftc)
clang=$(dirname "$swiftc")/clang  # the toolchain's clang: same version as its fuzzer runtime
mapfile -t core < <(find "$root/Sources/IoTCert" -name "*.swift" | sort)
harness=("$root/Tests/IoTCertTests/FuzzHarness.swift" "$root/Tests/Fuzz/FuzzMain.swift")
port=Sources/IoTCertMbedTLS/iotcert_port_mbedtls.c
all=$out/fuzz-iotcert
stale=0
[ -x "$all" ] || stale=1
if [ $stale -eq 0 ]; then
    for f in "${core[@]}" "${harness[@]}" "$port" Include/*.h "$0"; do
        if [ "$f" -nt "$all" ]; then stale=1; break; fi
    done
fi
if [ $stale -eq 1 ]; then
    echo "fuzz: building $all"
    # The core is compiled from a snapshot, so that an edit made meanwhile cannot fail the
    # build ("modified during the build"); diagnostics and stack traces name the snapshot.
    snapshot=$out/src
    rm -rf "$snapshot"
    mkdir -p "$snapshot"
    cp "${core[@]}" "$snapshot/"
    "$clang" -std=c99 -O1 -g -fsanitize=address,fuzzer-no-link -I Include \
        -I Sources/IoTCertMbedTLS/include -c "$port" -o "$out/port.o"
    "$swiftc" -sanitize=fuzzer,address -parse-as-library -module-name IoTCert -swift-version 6 \
        -D IOTCERT_FUZZ -O -g -I Include -use-ld=lld "$root/$snapshot"/*.swift \
        "${harness[@]}" "$out/port.o" -lmbedcrypto -o "$all.tmp.$$"
    mv "$all.tmp.$$" "$all"
fi
for t in fuzz-der fuzz-certificate fuzz-bundle fuzz-verify; do ln -sfn fuzz-iotcert "$out/$t"; done

# ---- run ----------------------------------------------------------------------------------
if [ $keep -eq 1 ]; then
    work=$out/corpus/$target
    mkdir -p "$work"
else
    work=$(mktemp -d "$out/work/$target.XXXXXX")
fi
seeds=Tests/Fuzz/corpus/$target
regressions=Tests/Fuzz/regressions/$target
dirs=("$work" "$seeds")
[ -d "$regressions" ] && dirs+=("$regressions")
log=$out/$target.log
artifacts=$out/artifacts/$target/
before=$(find "$artifacts" -type f | wc -l)

# Swift's own backtracer and AddressSanitizer's report get in each other's way on a trap.
export SWIFT_BACKTRACE=enable=no
echo "fuzz: $target for ${seconds}s (log: $log)"
set +e
"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=$max_len \
    -dict=Tests/Fuzz/x509.dict -print_final_stats=1 -artifact_prefix="$artifacts" \
    "${dirs[@]}" >"$log" 2>&1
status=$?
set -e

# ---- report -------------------------------------------------------------------------------
final_stat() { awk -v k="stat::$1:" '$1 == k {print $2}' "$log" | tail -n 1; }
field() { { grep -E '^#[0-9]+[[:space:]]+(DONE|NEW|REDUCE|pulse|INITED)' "$log" || true; } |
          tail -n 1 | sed -nE "s/.* $1: ([^ ]+).*/\\1/p"; }
inited=$({ grep -E '^#[0-9]+[[:space:]]+INITED' "$log" || true; } |
         sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+).*/\1\/\2/p')
execs=$(final_stat number_of_executed_units)
rate=$(final_stat average_exec_per_sec)
added=$(final_stat new_units_added)
cov=$(field cov)
ft=$(field ft)
corp=$(field corp)
after=$(find "$artifacts" -type f | wc -l)
printf 'fuzz: %-17s %10s execs  %6s exec/s  cov %s  ft %s  corpus %s' "$target" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
printf '  (at start: cov/ft %s; new units %s)\n' "${inited:-?}" "${added:-?}"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$seconds" \
    "${execs:-}" "${rate:-}" "${cov:-}" "${ft:-}" "${corp:-}" "$status" >>"$out/summary.tsv"

if [ $status -ne 0 ] || [ "$after" -gt "$before" ]; then
    echo "fuzz: $target FAILED (libFuzzer exit $status); last lines of $log:"
    { grep -E 'ERROR|SUMMARY|Fatal error|fuzz invariant|Test unit written' "$log" || true; } |
        tail -n 15
    echo "fuzz: artifacts in $artifacts:"
    find "$artifacts" -type f -newer "$all" | sed 's/^/  /'
    echo "fuzz: replay with: $bin FILE; keep it as a regression in $regressions/"
    exit 1
fi

if [ $merge -eq 1 ]; then
    echo "fuzz: merging new coverage into $seeds"
    "$bin" -merge=1 -max_len=$max_len "$seeds" "$work" >>"$log" 2>&1
fi
[ $keep -eq 1 ] || rm -rf "$work"
