#!/bin/sh
# Examples/tls-client/run-demo.sh [TLS_CLIENT] -- iotcert as the certificate check of a real
# TLS handshake, against openssl s_server on 127.0.0.1, with the PKI of gen-pki.sh.
#
# Two servers present the same leaf, each with the intermediate I twice: first as
# cross-signed by the old root R0, then as issued by R1, the root the device trusts.
#   A  the cross-sign expired with R0                 (AddTrust, May 2020)
#   B  the cross-sign is valid but R0 is not trusted, or has expired (Let's Encrypt, 2021)
# On each, the demo runs `openssl verify` and the client with Mbed TLS's own verification
# for comparison (informative on A; on B both must fail, which is the point), then the
# client with iotcert (must succeed, through R1), then runs that must fail: a wrong host
# name, and a device that trusts only an unrelated root.
#
# The certificates are valid from 2025-01-01 to 2045-01-01 (the old ones expire 2025-06-01):
# the client verifies at the real current time. Exits non-zero if any expectation fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
client=${1:-$root/build/examples/tls_client}
out=$root/build/tls-demo
pki=$out/pki
servers=""
. "$here/../expect.sh"

[ -x "$client" ] || { echo "run-demo: $client missing (make -C Examples/tls-client)" >&2; exit 2; }
sh "$here/gen-pki.sh" "$pki"
cat "$pki/root-r1.pem" "$pki/root-r0.pem" >"$pki/roots-r1-r0.pem"

stop_servers() {
    for pid in $servers; do
        kill "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# start_server CHAIN: s_server with the leaf and CHAIN on a free port; sets $port. A port
# taken between the probe and the bind makes s_server exit, and the next attempt retries.
start_server() {
    for _ in 1 2 3; do
        port=$(free_port)
        log="$out/server-$port.log"
        openssl s_server -accept "127.0.0.1:$port" -cert "$pki/leaf.pem" -key "$pki/leaf.key" \
            -cert_chain "$pki/$1" -www >"$log" 2>&1 &
        pid=$!
        servers="$servers $pid"
        show_chain=1
        for _ in $(seq 50); do
            if grep -q '^ACCEPT' "$log"; then
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    done
    echo "run-demo: openssl s_server did not start; see $log" >&2
    exit 2
}

# client WANT_EXIT PATTERN DESCRIPTION ARGS...: runs the client, shows its output indented,
# and checks its exit status and that PATTERN (grep -E) occurs in the output. WANT_EXIT
# "any": informative, nothing checked.
client() {
    want=$1
    pattern=$2
    echo "-- $3"
    shift 3
    set +e
    "$client" --port "$port" "$@" >"$out/client.log" 2>&1
    got=$?
    set -e
    # The chain the server sends is shown once per server.
    awk -v show="$show_chain" '/^server sent:/ { skip = !show; show = 0 }
        skip && /^server sent:|^  / { next } { skip = 0; print "    " $0 }' "$out/client.log"
    show_chain=0
    if [ "$want" = any ]; then
        return 0
    elif [ "$got" -ne "$want" ]; then
        outcome fail "exit status $got, want $want"
    elif ! grep -Eq "$pattern" "$out/client.log"; then
        outcome fail "no line matches /$pattern/"
    else
        outcome ok
    fi
}

# openssl_verify ANCHORS CHAIN WANT(accept|reject|any): what OpenSSL's verifier makes of the
# same chain, as the server sends it.
openssl_verify() {
    if openssl verify -CAfile "$pki/$1" -untrusted "$pki/$2" "$pki/leaf.pem" \
        >"$out/verify.log" 2>&1; then
        verdict=accept
        echo "-- openssl verify, trusting $1: accepts"
    else
        verdict=reject
        echo "-- openssl verify, trusting $1: rejects: $(grep -m1 '^error' "$out/verify.log")"
    fi
    if [ "$3" != any ]; then
        [ "$verdict" = "$3" ] && outcome ok || outcome fail "openssl should ${3} here"
    fi
}

echo
echo "==== Server A: leaf, I cross-signed by R0 (expired 2025-06-01), I issued by R1"
start_server chain-expired-cross.pem
openssl_verify root-r1.pem chain-expired-cross.pem any
client any "" "Mbed TLS's own verification, trusting R1 (informative)" \
    --host localhost -a "$pki/root-r1.pem" --verifier mbedtls
client 0 "sent #2 +.*Intermediate I" "iotcert, trusting R1: must succeed through sent #2" \
    --host localhost -a "$pki/root-r1.pem"

echo
echo "==== Server B: leaf, I cross-signed by R0 (valid to 2045; R0 expired), I issued by R1"
start_server chain-valid-cross.pem
openssl_verify root-r1.pem chain-valid-cross.pem reject
openssl_verify roots-r1-r0.pem chain-valid-cross.pem reject
client 1 "path it built: sent #0 <- sent #1$" \
    "Mbed TLS's own verification, trusting R1: takes sent #1, a dead end" \
    --host localhost -a "$pki/root-r1.pem" --verifier mbedtls
client 1 "path it built: sent #0 <- sent #1 <- anchor #1$" \
    "Mbed TLS's own verification, trusting R1 and R0: ends at the expired R0" \
    --host localhost -a "$pki/roots-r1-r0.pem" --verifier mbedtls
client 0 "sent #2 +.*Intermediate I" "iotcert, trusting R1: must succeed through sent #2" \
    --host localhost -a "$pki/root-r1.pem"
client 0 "anchor #0 .*Root R1" "iotcert, trusting R1 and R0: backtracks from expired R0" \
    --host localhost -a "$pki/roots-r1-r0.pem"
client 0 "ACCEPTED" "iotcert, the server's IP address instead of its name" \
    --ip 127.0.0.1 -a "$pki/root-r1.pem"
client 1 "status 138:" "iotcert, wrong host name: must fail (PEER_NAME_MISMATCH)" \
    --host wrong.example.com -a "$pki/root-r1.pem"
client 1 "status 138:" "iotcert, wrong IP address: must fail (PEER_NAME_MISMATCH)" \
    --ip 127.0.0.2 -a "$pki/root-r1.pem"
client 1 "status 128:" "iotcert, trusting only an unrelated root: must fail (NO_TRUST_ANCHOR)" \
    --host localhost -a "$pki/root-u.pem"

echo
expectations_met tls-demo
