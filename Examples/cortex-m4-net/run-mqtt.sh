#!/usr/bin/env bash
# run-mqtt.sh -- the emulated Cortex-M4 against a real mosquitto, on its own: the fleet PKI
# and broker of Examples/mqtt-device (common.sh), three listeners, three firmware runs.
#
#   1. broker-1 (broker.fleet.test under servers-1, R1): mutual TLS, iotcert accepts the
#      broker's chain, the device publishes with QoS 1, mosquitto_sub receives the message;
#      Mbed TLS checks no certificate signature. Prints the footprint table.
#   2. broker-rogue (the right name under a root the device does not trust): iotcert
#      refuses, the handshake stops, the firmware exits 21; nothing is published.
#   3. broker-wrong (other.fleet.test, trusted issuer): refused for the name, exit 21.
#   4. sensor-2, on the device CA's CRL: iotcert accepts the broker, the broker refuses the
#      device's certificate, the handshake fails (exit 22); nothing is published.
# The top-level mqtt-demo runs only the first, against its own broker (demo-run target).
set -euo pipefail
source "$(dirname "$0")/../mqtt-device/common.sh"
net=$root/Examples/cortex-m4-net

fresh_out cortex-m4-net/run
bundle=$pki/device-1-seq1.iotb
t2026=$(unix 2026-06-01)

start_listeners broker-1 broker-rogue broker-wrong
start_subscriber "${port[broker-1]}"

# device WHAT LISTENER WANT_STATUS MESSAGE PATTERN...: one firmware run (as $device_name with
# $bundle), its exit status and the lines its console must show.
device_name=device-1
device() {
    local what=$1 listener=$2 want=$3 message=$4
    shift 4
    echo "-- $what"
    if ! RUN=check DEVICE=$device_name bash "$net/run-device.sh" "${port[$listener]}" "$pki" \
        "$bundle" "$t2026" "$message" "$want" > "$out/run.log" 2>&1; then
        cat "$out/run.log"
        outcome fail "the firmware run did not end as expected"
        return
    fi
    cat "$out/run.log"
    for p in "$@"; do
        grep -Eq -- "$p" "$out/run.log" || { outcome fail "no line matches /$p/"; return; }
    done
    outcome ok
}

echo "==== 1. the emulated Cortex-M4 reports to mosquitto (broker-1, port ${port[broker-1]})"
device "mutual TLS, iotcert checks the broker, QoS 1 publish" broker-1 0 "m4 report" \
    "iotcert_signatures_checked: 2" "result: pass"
expect_received "m4 report"

echo
echo "==== 2. a broker under a root the device does not trust (broker-rogue)"
device "iotcert refuses; the handshake stops" broker-rogue 21 "m4 rogue" \
    "iotcert refused the broker: " "iotcert_status: 128$" "result: FAIL"
expect_not_received "m4 rogue"

echo
echo "==== 3. a trusted broker certificate for another name (broker-wrong)"
device "iotcert refuses the name" broker-wrong 21 "m4 wrong" \
    "iotcert refused the broker: " "iotcert_status: 138$" "result: FAIL"
expect_not_received "m4 wrong"

echo
echo "==== 4. the broker refuses the device: sensor-2 is on the device CA's CRL"
device_name=device-2
bundle=$pki/device-2-seq1.iotb
mark=$(log_mark)
device "iotcert accepts the broker; the broker refuses the device" broker-1 22 "m4 revoked" \
    "iotcert_signatures_checked: 2" "device: handshake failed" "result: FAIL"
expect_broker_log "$mark" "certificate verify failed" "its check of the device"
expect_not_received "m4 revoked"

finish
