#!/usr/bin/env bash
# Examples/mqtt-device/fleet-replay.sh -- fifteen years in the life of a fleet, replayed
# against a real broker: mosquitto on 127.0.0.1 with one TLS listener per certificate the
# broker has presented over the years, every listener requiring a client certificate
# under R1 and checking the device CA's CRL. The device's clock is set per step
# (--time); its flash (the power-safe store) persists between steps. PKI:
# gen-fleet-pki.py. Each step asserts the exact outcome: exit status, iotcert's status and
# path, Mbed TLS's signature checks (none on certificates), and what the subscriber got.
set -euo pipefail
source "$(dirname "$0")/common.sh"

fresh_out mqtt-fleet
# An update signed by someone other than the owner (R1's key: a valid P-256 key, the
# wrong one), newer than anything installed.
(cd "$pki" && iotcert_tool pack --anchors r1.pem --device-chain device-1.pem devices-1.pem \
    --valid-from 2032-01-01 --valid-until 2033-01-01 --sign-key r1.key --sequence 9 \
    -o device-1-forged.iotb >/dev/null)

start_listeners broker-1 broker-2 broker-3 broker-revoked broker-wrong broker-rogue
start_subscriber "${port[broker-1]}"

t2026=$(unix 2026-06-01)
t2030=$(unix 2030-06-01)
t2032=$(unix 2032-06-01)
t2041=$(unix 2041-06-01)
no_mbedtls="mbedtls: 0 certificate signature check\(s\), 0 chain verification\(s\)"
sensor1=(--flash "$out/sensor-1.flash" --owner-key "$pki/owner.pub.pem"
         --key "$pki/device-1.key" --broker "$broker_name" --client-id sensor-1)

echo "==== 2026: sensor-1 is installed; the broker presents broker-1 (servers-1, R1)"
run_device 0 "first boot: the owner's bundle (sequence 1, anchor R1) goes into the store" \
    "update: installed sequence 1" "slot A \(1 anchor\(s\), 0 stored" \
    "path: sent #0 <- sent #1 <- anchor #0" "$no_mbedtls" -- \
    "${sensor1[@]}" --update "$pki/device-1-seq1.iotb" --port "${port[broker-1]}" \
    --time "$t2026" --message "2026 report"
expect_received "2026 report"

echo
echo "==== 2030: the broker's certificate is renewed under servers-2, which the device"
echo "     does not store: the broker sends it"
run_device 0 "sensor-1 completes the path with the CA the broker sent" \
    "path: sent #0 <- sent #1 <- anchor #0" "2 signature\(s\) checked" "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-2]}" --time "$t2030" --message "2030 report"
expect_received "2030 report"

echo
echo "==== 2032: root rollover: broker-3 is under servers-3 under R2; the broker sends R2"
echo "     cross-signed by R1; the device trusts only R1"
run_device 0 "sensor-1 reaches R1 through the cross-signed R2" \
    "path: sent #0 <- sent #1 <- sent #2 <- anchor #0" "3 signature\(s\) checked" \
    "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-3]}" --time "$t2032" --message "2032 rollover report"
expect_received "2032 rollover report"

echo
echo "==== 2032: servers-2 revokes broker-revoked; the device has not heard yet"
run_device 0 "sensor-1, bundle sequence 1 (no CRL), still accepts it" \
    "iotcert: ACCEPTED" -- \
    "${sensor1[@]}" --port "${port[broker-revoked]}" --time "$t2032" \
    --message "2032 report before the CRL"
expect_received "2032 report before the CRL"
# A second sensor-1 that will miss the update.
cp "$out/sensor-1.flash" "$out/sensor-1-stale.flash"

echo
echo "==== 2032: the owner's signed update (sequence 2: anchors R1 and R2, servers-2's CRL)"
run_device 0 "the store takes it into the other slot and commits" \
    "update: installed sequence 2" "sequence 2 in slot B \(2 anchor\(s\)" -- \
    "${sensor1[@]}" --update "$pki/device-1-seq2.iotb" --no-connect
mark=$(log_mark)
run_device 1 "the revoked broker certificate: iotcert refuses it, the handshake stops" \
    "REFUSED broker $broker_name, status 140:" "handshake stopped by iotcert" \
    "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-revoked]}" --time "$t2032" \
    --message "2032 report to a revoked broker"
expect_not_received "2032 report to a revoked broker"
expect_broker_log "$mark" "alert certificate revoked" "the device's alert"
run_device 6 "an old bundle replayed (sequence 1): refused, sequence 2 stays" \
    "update: REFUSED, status 197:" "active bundle sequence 2" -- \
    "${sensor1[@]}" --update "$pki/device-1-seq1.iotb" --no-connect
run_device 6 "a newer bundle signed by someone else: refused, sequence 2 stays" \
    "update: REFUSED, status 196:" "active bundle sequence 2" -- \
    "${sensor1[@]}" --update "$pki/device-1-forged.iotb" --no-connect

echo
echo "==== 2041: R1 expired in 2040 (and with it the cross-signed R2)"
run_device 0 "sensor-1, updated, still connects: through R2, now an anchor" \
    "path: sent #0 <- sent #1 <- anchor #1" "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-3]}" --time "$t2041" --message "2041 report"
expect_received "2041 report"
run_device 1 "the sensor that missed the update: its only way, the cross-signed R2, expired" \
    "status 129: .*at fault: certificate #2" "$no_mbedtls" -- \
    --flash "$out/sensor-1-stale.flash" --owner-key "$pki/owner.pub.pem" \
    --key "$pki/device-1.key" --broker "$broker_name" --client-id sensor-1-stale \
    --port "${port[broker-3]}" --time "$t2041" --message "2041 stale report"
expect_not_received "2041 stale report"

echo
echo "==== 2030: a broker with the wrong name, and one under a root the device does not trust"
run_device 1 "other.fleet.test's certificate, where $broker_name was expected" \
    "status 138:" "handshake stopped by iotcert" "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-wrong]}" --time "$t2030" --message "wrong broker"
run_device 1 "$broker_name's name under an unrelated root" \
    "status 128:" "handshake stopped by iotcert" "$no_mbedtls" -- \
    "${sensor1[@]}" --port "${port[broker-rogue]}" --time "$t2030" --message "rogue broker"
expect_not_received "wrong broker"
expect_not_received "rogue broker"

echo
echo "==== the broker revokes a device: sensor-2 is on devices-1's CRL"
# The broker's alert reaches the device, or, when the broker has closed the connection
# while the device was still sending its Finished, a reset does.
mark=$(log_mark)
run_device 3 "sensor-2 accepts the broker; the broker refuses sensor-2" \
    "iotcert: ACCEPTED" "handshake failed: -0x(7780|0050)" -- \
    --flash "$out/sensor-2.flash" --owner-key "$pki/owner.pub.pem" \
    --update "$pki/device-2-seq1.iotb" --key "$pki/device-2.key" --broker "$broker_name" \
    --client-id sensor-2 --port "${port[broker-1]}" --time "$t2026" --message "sensor-2 report"
expect_broker_log "$mark" "certificate verify failed" "its check of sensor-2"
# Why: the same check OpenSSL made, with the broker's CA file and CRL, for both sensors.
for d in device-1:OK device-2:"certificate revoked"; do
    verdict=$(openssl verify -crl_check -CAfile "$pki/r1.pem" -CRLfile "$pki/devices-1.crl" \
        -untrusted "$pki/devices-1.pem" "$pki/${d%%:*}.pem" 2>&1 || true)
    if grep -q "${d#*:}" <<<"$verdict"; then
        echo "    openssl verify -crl_check ${d%%:*}: ${d#*:}"
        outcome ok
    else
        outcome fail "openssl verify -crl_check ${d%%:*} does not say ${d#*:}"
    fi
done
expect_not_received "sensor-2 report"

finish
