#!/usr/bin/env bash
# run-mqtt.sh -- the emulated Cortex-M4 publishes to a real mosquitto over mutual TLS.
#
# Starts mosquitto on 127.0.0.1 at a free port (TLS 1.2, require_certificate, the device CA's
# CRL), a mosquitto_sub that waits for the device's message, then the firmware under QEMU
# with user-mode networking restricted to one forward (10.0.2.100:8883 -> the broker).
# Passes when the firmware exits 0 (handshake, iotcert's check, CONNECT, PUBLISH acknowledged,
# DISCONNECT), Mbed TLS made no certificate signature check of its own, and the subscriber
# got the message. Everything stops within its timeout; the broker is stopped on exit.
#
# usage: run-mqtt.sh IOTCERT_TOOL
#   PKI_DIR (environment) reuses a fleet PKI (Examples/mqtt-device/gen-fleet-pki.py output);
#   by default one is generated under build/cortex-m4-net/pki.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/cortex-m4-net
tool=$1
run=$out/run
broker_name=broker.fleet.test
topic=iotcert/m4
payload="hello from the emulated Cortex-M4"
# The device's clock: 2026-01-01, inside broker-1's validity (2025..2031).
device_time=1767225600
# Seconds: the broker's start, the subscriber's wait for the message, the whole QEMU run.
broker_start_timeout=10
sub_timeout=120
qemu_timeout=120

rm -rf "$run" && mkdir -p "$run"
pki=${PKI_DIR:-$out/pki}
if [ -z "${PKI_DIR:-}" ]; then
    rm -rf "$pki" && mkdir -p "$pki"
    python3 "$root/Examples/mqtt-device/gen-fleet-pki.py" "$pki" > "$run/pki.log"
fi

echo "== the device's bundle: root R1, the device's own chain (device-1)"
"$tool" pack --anchors "$pki/r1.pem" --device-chain "$pki/device-1-chain.pem" \
    --valid-from 2026-01-01 -o "$run/bundle.bin" | tail -n 1

echo "== the firmware"
make -s -C "$here" firmware DEVICE_BUNDLE="$run/bundle.bin" DEVICE_KEY="$pki/device-1.key" \
    BROKER_NAME=$broker_name DEVICE_TIME=$device_time TOPIC=$topic

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# CI runs as root, and mosquitto started by root switches to its own user, who could not
# read the test's keys in build/ nor write its log: `user` keeps the caller's (ignored when
# not started by root).
cat > "$run/mosquitto.conf" <<CONF
user $(id -un)
per_listener_settings false
persistence false
log_dest file $run/mosquitto.log
log_type all
listener $port 127.0.0.1
certfile $pki/broker-1-chain.pem
keyfile $pki/broker-1.key
cafile $pki/r1.pem
crlfile $pki/devices-1.crl
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
CONF

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2> /dev/null || true
    done
}
trap cleanup EXIT

echo "== mosquitto on 127.0.0.1:$port (require_certificate, CRL of the device CA)"
mosquitto -c "$run/mosquitto.conf" > "$run/mosquitto.out" 2>&1 &
pids+=($!)
for _ in $(seq $((broker_start_timeout * 10))); do
    grep -q "Opening ipv4 listen socket on port $port" "$run/mosquitto.log" 2> /dev/null && break
    sleep 0.1
done
grep -q "Opening ipv4 listen socket on port $port" "$run/mosquitto.log" ||
    { cat "$run/mosquitto.out" "$run/mosquitto.log"; echo "run-mqtt: broker did not start"; exit 1; }

# The subscriber authenticates with its own device certificate; --insecure only skips the
# host-name match (it connects to 127.0.0.1, the certificate names broker.fleet.test).
mosquitto_sub -h 127.0.0.1 -p "$port" --cafile "$pki/r1.pem" --cert "$pki/monitor-chain.pem" \
    --key "$pki/monitor.key" --insecure -t "$topic" -C 1 -W $sub_timeout \
    > "$run/received.txt" 2> "$run/sub.err" &
sub=$!
pids+=($sub)
for _ in $(seq $((broker_start_timeout * 10))); do
    grep -q "Received SUBSCRIBE" "$run/mosquitto.log" && break
    sleep 0.1
done

echo "== the emulated Cortex-M4 (QEMU mps2-an386, LAN9118, restrict=on, one guestfwd)"
status=0
timeout $qemu_timeout qemu-system-arm -M mps2-an386 -nographic \
    -semihosting-config enable=on,target=native -icount shift=0 \
    -netdev user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8883-tcp:127.0.0.1:$port \
    -net nic,netdev=net0,model=lan9118 \
    -kernel "$out/mqtt-device.elf" > "$run/device.log" 2>&1 || status=$?
cat "$run/device.log"
sub_status=0
wait "$sub" || sub_status=$?

fail=0
if [ $status -ne 0 ]; then
    echo "run-mqtt: the firmware exited with status $status (124: timeout)"; fail=1
fi
if ! grep -qx "mbedtls_certificate_signatures: 0" "$run/device.log" ||
    ! grep -qx "mbedtls_chain_verifications: 0" "$run/device.log"; then
    echo "run-mqtt: Mbed TLS checked certificates itself"; fail=1
fi
if [ $sub_status -ne 0 ] || [ "$(cat "$run/received.txt")" != "$payload" ]; then
    echo "run-mqtt: the subscriber did not receive the message (status $sub_status)"
    cat "$run/sub.err"; fail=1
else
    echo "== mosquitto_sub received: $(cat "$run/received.txt")"
fi
if [ $fail -ne 0 ]; then
    tail -n 20 "$run/mosquitto.log"
    exit 1
fi
# (footprint table: to come)
echo "run-mqtt: pass"
