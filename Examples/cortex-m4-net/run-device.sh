#!/usr/bin/env bash
# run-device.sh -- builds the MQTT firmware for one broker and runs it under QEMU.
#
# usage: run-device.sh PORT PKI BUNDLE TIME MESSAGE WANT_STATUS [BROKER_NAME]
#   PORT         the broker's TLS port on 127.0.0.1 (already listening: QEMU connects its
#                forward when it starts)
#   PKI          the fleet PKI (Examples/mqtt-device/gen-fleet-pki.py): device-1.key and
#                owner.pub.pem are taken from it
#   BUNDLE       the device's signed bundle;  TIME  the device's clock (seconds since 1970)
#   MESSAGE      what it publishes;  WANT_STATUS  the firmware's expected exit status
#                (main.c: 0 published, 21 iotcert refused the broker, ...)
# QEMU's network is user mode, restricted: the guest reaches nothing but 10.0.2.100:8883,
# which is forwarded to 127.0.0.1:PORT. -icount shift=0 makes the instruction counts exact.
# On success prints the device's footprint table (footprint.py). Exits 1 on any mismatch.
# RUN (environment) names the image's directory, build/cortex-m4-net/image-RUN; DEVICE the
# PKI's device whose key the firmware holds (default device-1; the bundle carries its chain).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/cortex-m4-net
port=$1 pki=$2 bundle=$3 time=$4 message=$5 want=$6 broker=${7:-broker.fleet.test}
run=${RUN:-default}
device=${DEVICE:-device-1}
image_dir=$out/image-$run
# A run takes a few seconds; this only stops a firmware that hangs (no semihosting exit).
qemu_timeout=120

mkdir -p "$image_dir"
make -s -C "$here" firmware RUN="$run" DEVICE_BUNDLE="$bundle" OWNER_KEY="$pki/owner.pub.pem" \
    DEVICE_KEY="$pki/$device.key" BROKER_NAME="$broker" DEVICE_TIME="$time" \
    MESSAGE="$message" > "$image_dir/build.log" || { cat "$image_dir/build.log"; exit 1; }

log=$image_dir/device.log
status=0
timeout $qemu_timeout qemu-system-arm -M mps2-an386 -nographic \
    -semihosting-config enable=on,target=native -icount shift=0 \
    -netdev user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:8883-tcp:127.0.0.1:$port \
    -net nic,netdev=net0,model=lan9118 \
    -kernel "$image_dir/mqtt-device.elf" > "$log" 2>&1 || status=$?
sed 's/^/    /' "$log"

if [ "$status" -ne "$want" ]; then
    echo "run-device: the firmware exited with status $status, want $want (124: timeout)"
    exit 1
fi
# Mbed TLS must not have checked a certificate signature, whatever the outcome.
for counter in mbedtls_certificate_signatures mbedtls_chain_verifications; do
    if ! grep -qx "$counter: 0" "$log"; then
        echo "run-device: Mbed TLS checked certificates itself ($counter)"; exit 1
    fi
done
if [ "$want" -eq 0 ]; then
    python3 "$here/footprint.py" "$log" "$image_dir/mqtt-device.map" |
        tee "$image_dir/footprint.md"
fi
