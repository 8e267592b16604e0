#!/usr/bin/env bash
# Examples/mqtt-device/server-test.sh -- the reverse direction: iotcert checks client
# certificates (purpose clientAuth) in tls_server.c, against `openssl s_client` presenting
# device certificates of the fleet PKI (gen-fleet-pki.py). The server trusts R1 and stores
# the device-issuing CA, so a device may send its leaf alone.
#   1. sensor-1, its leaf alone: accepted through the stored CA; Mbed TLS checks nothing
#   2. sensor-1 with its CA: accepted through the CA it sent. Mbed TLS's server, which
#      must be in VERIFY_OPTIONAL to ask for a certificate, then checks the one signature
#      that links the two certificates it was sent: the counter sees it
#   3. a server certificate (serverAuth only) used as a client certificate: refused (135)
#   4. a client under an unrelated root: refused (128)
#   5. no client certificate at all: refused
#   6. sensor-1 after its certificate expired: refused (129)
# and attach_test.c: both ends in one process, the alert the peer receives, NULL arguments.
set -euo pipefail
source "$(dirname "$0")/common.sh"

server=$bin/tls_server
out=$root/build/mqtt-server-test
pki=$out/pki
rm -rf "$out" && mkdir -p "$out"
python3 "$here/gen-fleet-pki.py" "$pki" >/dev/null
server_time=$(unix 2026-06-01)

# client WANT_SERVER_EXIT DESCRIPTION PATTERNS... -- S_CLIENT_ARGS: one server, one
# s_client; checks the server's exit status, that every PATTERN (grep -E) is in the
# server's output, and for an accepted client that s_client got the greeting.
client() {
    local want=$1 what=$2 patterns args port got
    shift 2
    split_at_dashes "$@"
    echo "-- $what"
    port=$(free_port)
    timeout 30 "$server" --port "$port" --cert "$pki/broker-1-chain.pem" \
        --key "$pki/broker-1.key" --anchors "$pki/r1.pem" --stored "$pki/devices-1.pem" \
        --time "$server_time" --timeout-ms 5000 >"$out/server.log" 2>&1 &
    local spid=$!
    pids+=("$spid")
    wait_line "$out/server.log" '^listening'
    timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername "$broker_name" \
        -CAfile "$pki/r1.pem" -ign_eof "${args[@]}" </dev/null >"$out/client.log" 2>&1 || true
    set +e
    wait "$spid"
    got=$?
    set -e
    sed 's/^/    server: /' "$out/server.log"
    grep -E '^hello|alert' "$out/client.log" | sed 's/^/    s_client: /' || true
    exit_and_lines "$out/server.log" "$got" "$want" "server " "${patterns[@]}" || return 0
    if [ "$want" -eq 0 ] && ! grep -q '^hello ' "$out/client.log"; then
        outcome fail "s_client did not receive the greeting"
        return
    fi
    outcome ok
}

client 0 "sensor-1 sends its leaf alone" \
    "ACCEPTED client, path: sent #0 <- stored #0 <- anchor #0" "greeting: hello sensor-1" \
    "mbedtls: 0 certificate signature check\(s\)" -- \
    -cert "$pki/device-1.pem" -key "$pki/device-1.key"
client 0 "sensor-1 sends its leaf and its CA" \
    "ACCEPTED client, path: sent #0 <- sent #1 <- anchor #0" \
    "mbedtls: 1 certificate signature check\(s\), 1 chain verification\(s\)" -- \
    -cert "$pki/device-1.pem" -cert_chain "$pki/devices-1.pem" -key "$pki/device-1.key"
client 1 "the broker's own certificate (serverAuth) as a client certificate" \
    "REFUSED client, status 135:" -- \
    -cert "$pki/broker-1.pem" -cert_chain "$pki/servers-1.pem" -key "$pki/broker-1.key"
client 1 "a client under an unrelated root" "REFUSED client, status 128:" -- \
    -cert "$pki/device-rogue.pem" -key "$pki/device-rogue.key"
client 1 "a client without a certificate" "REFUSED client: it sent no certificate" --
server_time=$(unix 2041-06-01)
client 1 "sensor-1 in 2041, its certificate expired in 2040" "REFUSED client, status 129:" -- \
    -cert "$pki/device-1.pem" -key "$pki/device-1.key"

echo
echo "-- the attachment on its own: client and server in one process (attach_test)"
if "$bin/attach_test" "$pki" | sed 's/^/    /'; then
    outcome ok
else
    outcome fail "attach_test failed"
fi

finish
