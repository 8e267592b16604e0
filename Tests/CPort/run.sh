#!/bin/sh
# Builds and runs the C port test against the system Mbed TLS 2.28. Run from the repo root.
# SANITIZE=1 adds AddressSanitizer (with its leak check) and UBSan.
set -eu

out="${TMPDIR:-/tmp}/iotcert_port_test"
extra=""
if [ "${SANITIZE:-0}" = 1 ]; then
    extra="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi

# shellcheck disable=SC2086 # $extra is a list of flags
cc -std=c99 -Wall -Wextra -Werror -O1 -g $extra \
    -I Include -I Sources/IoTCertMbedTLS/include \
    Tests/CPort/port_test.c Sources/IoTCertMbedTLS/iotcert_port_mbedtls.c \
    -lmbedcrypto -o "$out"
"$out"
