#!/usr/bin/env bash
# Examples/mqtt-device/run-demo.sh -- a sensor reports to a real MQTT broker (mosquitto on
# 127.0.0.1) over mutual TLS, iotcert checking the broker's chain, Mbed TLS checking none;
# then every way the network can let it down ends with a clear status, never a hang.
#
#   1. first boot: the owner's signed bundle is installed through the power-safe store; the
#      device connects, presents the chain its bundle carries, publishes with QoS 1, and
#      mosquitto_sub receives the message. Mbed TLS: 0 certificate signature checks.
#      Reconnecting in the same boot, iotcert finds the broker's signatures in its memo;
#      before the clock is set, the bundle's build time stands in for the time.
#   2. the emulated Cortex-M4 does the same, when MQTT_FIRMWARE_RUN names a command (the
#      firmware's make target); it gets MQTT_BROKER_PORT, MQTT_PKI, MQTT_BUNDLE,
#      MQTT_TIME and MQTT_MESSAGE in its environment and must publish MQTT_MESSAGE.
#   3. the broker is down (nothing listens): no connection, at once; or its host drops
#      the device's SYNs: the connect gives up after the timeout.
#   4. a peer that accepts TCP and never speaks: the handshake times out.
#   5. a TLS peer that answers CONNECT with a malformed MQTT frame: MQTT_ERR_MALFORMED.
#   6. a TLS peer that answers nothing after the handshake: MQTT_ERR_TIMEOUT.
#   7. a broker that sends 24 certificates (more than the 16 an older default allowed; the
#      attachment passes up to IOTCERT_MBEDTLS_CHAIN_MAX, 64, on to iotcert).
# Exits non-zero if any expectation fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"

fresh_out mqtt-demo
t2026=$(unix 2026-06-01)
port=$(free_port)
start_broker "$(broker_listener "$port" broker-1)" "$port"
start_subscriber "$port"
flash=$out/sensor-1.flash
device_args=(--flash "$flash" --owner-key "$pki/owner.pub.pem" --key "$pki/device-1.key"
             --broker "$broker_name" --client-id sensor-1)
# The failure paths wait 1.5 s; the rest keep the default (3 s), for a loaded machine.
quick=(--timeout-ms 1500)

echo "==== 1. sensor-1, first boot, reports to mosquitto on 127.0.0.1:$port"
run_device 0 "installs its bundle, connects, publishes" \
    "update: installed sequence 1" "iotcert: ACCEPTED broker $broker_name" \
    "2 signature\(s\) checked" \
    "mbedtls: 0 certificate signature check\(s\), 0 chain verification\(s\)" \
    "acknowledged" -- \
    "${device_args[@]}" --update "$pki/device-1-seq1.iotb" --port "$port" --time "$t2026" \
    --message "sensor-1 first report"
expect_received "sensor-1 first report"
run_device 0 "reports twice in one boot: the second handshake finds both signatures in the memo" \
    "report 2 of 2" "0 signature\(s\) checked, 2 memo hit\(s\)" \
    "port: 0 ECDSA verification\(s\)" -- \
    "${device_args[@]}" --port "$port" --time "$t2026" --reports 2 --message "sensor-1 again"
expect_received "sensor-1 again"
run_device 0 "before its clock is set (--time-unknown): the bundle's build time is the floor" \
    "iotcert: ACCEPTED" "acknowledged" -- \
    "${device_args[@]}" --port "$port" --time-unknown --message "sensor-1 without a clock"
expect_received "sensor-1 without a clock"

echo
echo "==== 2. the emulated Cortex-M4 device"
if [ -n "${MQTT_FIRMWARE_RUN:-}" ]; then
    echo "-- $MQTT_FIRMWARE_RUN"
    if MQTT_BROKER_PORT=$port MQTT_PKI=$pki MQTT_BUNDLE=$pki/device-1-seq1.iotb \
        MQTT_TIME=$t2026 MQTT_MESSAGE="cortex-m4 report" timeout 300 \
        bash -c "$MQTT_FIRMWARE_RUN"; then
        outcome ok
    else
        outcome fail "the firmware run failed"
    fi
    expect_received "cortex-m4 report"
else
    echo "-- skipped: MQTT_FIRMWARE_RUN is not set"
fi

echo
echo "==== 3. the broker is down"
down=$(free_port)
run_device 5 "nothing listens on $down" "connect: no connection" -- \
    "${device_args[@]}" --port "$down" --time "$t2026"

# fake_peer LOG ARGS...: fake-peer.py with ARGS, in the background, its output in LOG; returns
# once it listens.
fake_peer() {
    local log=$1
    shift
    python3 "$here/fake-peer.py" "$@" >"$log" 2>&1 &
    pids+=($!)
    wait_line "$log" listening
}

full=$(free_port)
fake_peer "$out/full.log" "$full" full
run_device 5 "a broker whose SYNs go unanswered: the connect gives up (1.5 s)" \
    "connect: no connection to the broker: timed out after 1500 ms" -- \
    "${device_args[@]}" "${quick[@]}" --port "$full" --time "$t2026"

echo
echo "==== 4. a peer that accepts the connection and never answers"
silent=$(free_port)
fake_peer "$out/silent.log" "$silent" silent
run_device 3 "the handshake times out (1.5 s), Mbed TLS's read timeout" \
    "handshake failed: -0x6800" -- \
    "${device_args[@]}" "${quick[@]}" --port "$silent" --time "$t2026"

# fake_broker PORT HEX [CHAIN]: a TLS peer with the real broker's key and certificate
# (sending CHAIN, default broker-1-chain.pem) that answers the device's CONNECT with the
# bytes HEX, then says nothing more.
fake_broker() {
    fake_peer "$out/fake-$1.log" "$1" reply "${3:-$pki/broker-1-chain.pem}" \
        "$pki/broker-1.key" "$2"
}

echo
echo "==== 5. a TLS peer that answers CONNECT with a malformed frame"
fake=$(free_port)
# A CONNACK whose remaining length runs to a fifth byte (MQTT allows four).
fake_broker "$fake" 20ffffffff01
run_device 4 "the device refuses the frame" "iotcert: ACCEPTED" \
    "mqtt: FAILED, status 6: malformed MQTT packet" -- \
    "${device_args[@]}" "${quick[@]}" --port "$fake" --time "$t2026"

echo
echo "==== 6. a TLS peer that answers nothing after the handshake"
fake=$(free_port)
fake_broker "$fake" ''
run_device 4 "the device gives up waiting for CONNACK (1.5 s)" \
    "mqtt: FAILED, status 3: timed out" -- \
    "${device_args[@]}" "${quick[@]}" --port "$fake" --time "$t2026"

echo
echo "==== 7. a broker that sends 24 certificates: all passed on to iotcert"
n=24
{ cat "$pki/broker-1.pem"; for _ in $(seq $((n - 1))); do cat "$pki/servers-1.pem"; done; } \
    >"$out/chain-$n.pem"
fake=$(free_port)
fake_broker "$fake" 2002000040020001 "$out/chain-$n.pem" # CONNACK, PUBACK
run_device 0 "24 certificates (the leaf and 23 copies of its CA)" \
    "$n certificate\(s\) sent" "iotcert: ACCEPTED" "acknowledged" -- \
    "${device_args[@]}" --port "$fake" --time "$t2026"

finish
