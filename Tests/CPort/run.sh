#!/bin/sh
# Builds and runs the C port test against each port. Run from the repo root.
#   1. the Mbed TLS port over the system Mbed TLS 2.28 (-lmbedcrypto);
#   2. the heap-free P-256 port: p256-m from Debian's Mbed TLS 3.6 source (fetched into
#      build/debian-src on first use), SHA-256 from the system Mbed TLS 2.28.
# SANITIZE=1 adds AddressSanitizer (with its leak check) and UBSan. PORTS="mbedtls" or
# PORTS="p256m" runs one.
set -eu

out="${TMPDIR:-/tmp}/iotcert_port_test"
extra=""
if [ "${SANITIZE:-0}" = 1 ]; then
    extra="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi
flags="-std=c99 -Wall -Wextra -Werror -O1 -g $extra -I Include"

for port in ${PORTS:-mbedtls p256m}; do
    case $port in
    mbedtls)
        # shellcheck disable=SC2086 # $flags is a list of flags
        cc $flags -I Sources/IoTCertMbedTLS/include \
            Tests/CPort/port_test.c Sources/IoTCertMbedTLS/iotcert_port_mbedtls.c \
            -lmbedcrypto -o "$out-mbedtls"
        ;;
    p256m)
        p256m=$(sh Examples/cortex-m4/fetch-debian-source.sh mbedtls trixie \
            build/debian-src/trixie | tail -n 1)/3rdparty/p256-m/p256-m
        # p256-m.c is third-party code: built with its own warnings, not -Werror.
        # shellcheck disable=SC2086
        cc -std=c99 -O1 -g $extra -DMBEDTLS_PSA_P256M_DRIVER_ENABLED \
            -I Sources/IoTCertP256m/shim -I "$p256m" -c "$p256m/p256-m.c" -o "$out-p256m.o"
        # shellcheck disable=SC2086
        cc $flags -DIOTCERT_TEST_P256M -I "$p256m" \
            Tests/CPort/port_test.c Sources/IoTCertP256m/iotcert_port_p256m.c "$out-p256m.o" \
            -lmbedcrypto -o "$out-p256m"
        ;;
    *)
        echo "run.sh: unknown port $port" >&2
        exit 2
        ;;
    esac
    "$out-$port"
done
