#!/usr/bin/env bash
# Tests/Footprint/lib-sizes.sh TARGET... -- `make lib-sizes`: the core built as a static
# library (make lib TARGET=...) for each target, and its size, as a markdown table.
#
# Sizes are of the object as compiled: every public function kept, .text (code) and .rodata
# (constants, the error sentences among them) from llvm-size -A. A firmware link with
# --gc-sections keeps only what it calls; the Cortex-M4 footprint run measures that. A target
# the toolchain cannot build is reported as such, not skipped.
set -uo pipefail
cd "$(dirname "$0")/../.."

# 12345 -> 12,345, whatever the locale.
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

echo "| target | architecture of the object | code (.text) | read-only data | both |"
echo "| --- | --- | ---: | ---: | ---: |"
for t in "$@"; do
    if ! make --no-print-directory -s lib TARGET="$t" > "build/lib-$t.log" 2>&1; then
        echo "| \`$t\` | does not build (build/lib-$t.log) | | | |"
        continue
    fi
    read -r text rodata < <(llvm-size -A "build/lib/$t/core.o" |
        awk '$1 ~ /^\.text/ {t += $2} $1 ~ /^\.rodata/ {r += $2} END {print t, r}')
    arch=$(llvm-readelf -A "build/lib/$t/core.o" 2>/dev/null |
        awk '/TagName: CPU_arch$/ {getline; sub(/.*Description: /, ""); print; exit}')
    [ -n "$arch" ] || arch=$(llvm-readelf -h "build/lib/$t/core.o" |
        awk -F: '/Machine:/ {gsub(/^ +/, "", $2); print $2}')
    echo "| \`$t\` | $arch | $(commas "$text") | $(commas "$rodata") |" \
        "$(commas $((text + rodata))) |"
done
