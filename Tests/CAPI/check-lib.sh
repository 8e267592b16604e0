#!/bin/sh
# Tests/CAPI/check-lib.sh [ARCHIVE] -- proves that build/libiotcert.a is a library a plain C
# firmware build can link: run from the repository root after `make lib`.
#
#  1. What each object needs from outside (nm -u) is on a short allow-list. The core may call
#     only the port (iotcert_port_*) and the libc memory/string functions the compiler emits;
#     the port only Mbed TLS and those same libc functions. Nothing from the Swift runtime,
#     and no allocator at all: the library's promise is that it never allocates (Mbed TLS
#     allocates inside libmbedcrypto, through its own calloc, which is the firmware's choice).
#  2. The Swift runtime helpers Embedded Swift emits into the object are weak, so a program
#     that links a Swift runtime of its own does not get duplicate symbols.
#  3. Every function iotcert.h declares is defined in the archive.
#  4. Tests/CAPI/link_probe.c links with `cc prog.c libiotcert.a -lmbedcrypto` and nothing
#     else, runs, and its executable needs no shared library beyond libc and libmbedcrypto.
set -eu

lib=${1:-build/libiotcert.a}
out=build/capi
header=Include/iotcert.h
failures=0

fail() {
    echo "check-lib: FAIL: $*" >&2
    failures=$((failures + 1))
}

[ -f "$lib" ] || { echo "check-lib: $lib missing (run: make lib)" >&2; exit 2; }
mkdir -p "$out"

# The libc functions compilers emit for copies and comparisons, even in freestanding code.
libc_mem='^(memcpy|memset|memmove|memcmp|strlen)$'
# Allocators, under any name the toolchains use. Forbidden even when Mbed TLS-prefixed: the
# port must leave allocation to Mbed TLS's own code.
alloc='^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|valloc|pvalloc|'
alloc="${alloc}mbedtls_calloc|mbedtls_free|mbedtls_platform_.*alloc.*|_Znw.*|_Zdl.*)$"

# "member symbol" for every undefined symbol, one per line.
nm -A -u -P "$lib" | sed -n 's/^.*\[\(.*\)\]: \([^ ]*\) U.*$/\1 \2/p' >"$out/undefined.txt"
# Defined global symbols with their type letter.
nm -A -g -P --defined-only "$lib" |
    sed -n 's/^.*\[\(.*\)\]: \([^ ]*\) \([A-Za-z]\).*$/\1 \2 \3/p' >"$out/defined.txt"

members=$(ar t "$lib")
for member in core.o port.o; do
    echo "$members" | grep -qx "$member" || fail "$lib has no $member"
done

# ---- 1. what each object needs
while read -r member symbol; do
    case $member in
        core.o) allowed="^iotcert_port_" ;;
        port.o) allowed="^mbedtls_" ;;
        *) allowed="^$" ;;
    esac
    if echo "$symbol" | grep -Eq "$alloc"; then
        fail "$member needs an allocator: $symbol"
    elif echo "$symbol" | grep -Eq '^_?swift_|^\$[se]|^_Unwind_|^__cxa_|^__gxx_'; then
        fail "$member needs the Swift/C++ runtime: $symbol"
    elif ! echo "$symbol" | grep -Eq "$allowed|$libc_mem"; then
        fail "$member needs $symbol, which is not on its allow-list"
    fi
done <"$out/undefined.txt"

# ---- 2. runtime helpers defined in the core must be weak
awk '$2 ~ /^_?swift_/ && $3 !~ /^[WVwv]$/ { print $1 ": " $2 " (" $3 ")" }' \
    "$out/defined.txt" >"$out/strong-runtime.txt"
if [ -s "$out/strong-runtime.txt" ]; then
    fail "Swift runtime symbols defined strongly (would clash):" \
        "$(tr '\n' ' ' <"$out/strong-runtime.txt")"
fi

# ---- 3. every declared function is defined
# (static inline functions are the header's own, built from the exported ones)
declared=$(grep -v '^static' "$header" | sed -n 's/^[a-z].*[ *]\(iotcert_[a-z_0-9]*\)(.*$/\1/p' |
    sort -u)
[ -n "$declared" ] || fail "no function declarations found in $header"
for f in $declared; do
    awk -v f="$f" '$2 == f && $3 == "T" { found = 1 } END { exit !found }' \
        "$out/defined.txt" || fail "$f is declared in $header but not defined in $lib"
done

# ---- 4. a plain C program links with -lmbedcrypto only, and runs
probe="$out/link_probe"
if cc -std=c99 -Wall -Wextra -Werror -I Include Tests/CAPI/link_probe.c "$lib" -lmbedcrypto \
    -o "$probe"; then
    "$probe" || fail "link_probe ran but failed"
    needed=$(readelf -d "$probe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    for so in $needed; do
        case $so in
            libc.so.* | libmbedcrypto.so.*) ;;
            *) fail "link_probe needs $so" ;;
        esac
    done
else
    fail "cc link_probe.c $lib -lmbedcrypto does not link"
fi

# ---- 5. a product that only opens DER anchors links none of the optional parts
# anchors_only.c calls init_certs (no revocations), options, workspace size and verify. With
# --gc-sections its executable must keep no function of the bundle reader, the flash store,
# the revocation reader or the error sentences (type names as they appear in Swift
# symbols; the C entry points by name). Shared read-only constants do not count: the
# compiler puts a module's constants in one section, and they are a few bytes. Nor the signature
# memo: iotcert_verify reaches it only through functions iotcert_memo_init/attach install.
only="$out/anchors_only"
if cc -std=c99 -Os -ffunction-sections -Wall -Wextra -Werror -I Include \
    Tests/CAPI/anchors_only.c "$lib" -lmbedcrypto -Wl,--gc-sections -o "$only"; then
    "$only" >/dev/null || fail "anchors_only ran but failed"
    optional='6BundleV|12BundleHeaderV|14BundleSectionsV|12AnchorRecordV|5StoreV|11StoreRecord'
    optional="$optional|14RevocationListV|7messages12StaticStringV|13SignatureMemoV"
    optional="$optional|20installMemoFunctions"
    optional="$optional|^iotcert_(bundle|store|memo|strerror|trust_set_revocations)"
    nm --defined-only "$only" | awk '$2 ~ /^[Tt]$/ { print $3 }' >"$out/anchors_only.txt"
    kept=$(grep -E "$optional" "$out/anchors_only.txt" || true)
    if [ -n "$kept" ]; then
        fail "anchors_only keeps optional parts: $(echo "$kept" | tr '\n' ' ')"
    fi
    core_bytes=$(nm -S --defined-only "$only" | awk '$4 ~ /IoTCert|^iotcert_/ {
        n = 0; s = tolower($2)
        for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        t += n } END { print t + 0 }')
    echo "check-lib: anchors_only: $(stat -c %s "$only") bytes executable; the library's" \
        "symbols in it: $core_bytes bytes; none of bundle, store, revocations, sentences," \
        "memo"
else
    fail "cc anchors_only.c $lib does not link"
fi

undefined_count=$(wc -l <"$out/undefined.txt")
external=$(awk '{ print $2 }' "$out/undefined.txt" | grep -v '^iotcert_port_' | sort -u |
    grep -Ev '^mbedtls_' | tr '\n' ' ')
echo "check-lib: $lib: $undefined_count undefined references; outside Mbed TLS: ${external:-none}"
echo "check-lib: iotcert.h declares $(echo $declared | wc -w) functions"
if [ "$failures" -ne 0 ]; then
    echo "check-lib: $failures failure(s)" >&2
    exit 1
fi
echo "check-lib: OK"
