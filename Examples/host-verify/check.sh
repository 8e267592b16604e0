#!/bin/sh
# Examples/host-verify/check.sh HOST_VERIFY -- runs the example on the committed test PKI
# (Tests/Fixtures/scenarios, reference time 2026-01-01T00:00:00Z) and checks its exit status
# in each case: 0 valid, 1 invalid, 2 usage or file error. PEM inputs are made from the DER
# fixtures with openssl, into build/examples/pem.
set -eu

tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../../Tests/Fixtures/scenarios"
mkdir -p "$here/../../build/examples/pem"
pem=$(cd "$here/../../build/examples/pem" && pwd)
T0=1767225600
failures=0

for name in root-a int-a leaf-a; do
    openssl x509 -inform DER -in "$fixtures/$name.der" -out "$pem/$name.pem"
done
cat "$pem/leaf-a.pem" "$pem/int-a.pem" >"$pem/chain.pem"
printf 'not a certificate\n' >"$pem/garbage.pem"

# expect STATUS DESCRIPTION ARGS...: runs the tool in the fixtures directory, so that the
# printed paths are the short file names.
expect() {
    want=$1
    what=$2
    shift 2
    echo "==== $what (expect exit $want)"
    set +e
    (cd "$fixtures" && "$tool" "$@")
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        echo "check.sh: FAIL: $what: exit $got, want $want" >&2
        failures=$((failures + 1))
    fi
}

expect 0 "valid P-256 chain, DER" -a root-a.der --host server.example.com --time $T0 \
    leaf-a.der int-a.der
expect 0 "the same chain as one PEM file, PEM anchor" -a "$pem/root-a.pem" \
    --host server.example.com --time $T0 "$pem/chain.pem"
expect 0 "leaf only, intermediate stored on the device" -a root-a.der -i int-a.der \
    --ip 192.0.2.1 --time $T0 leaf-a.der
expect 0 "path building: expired intermediate sent first, its renewal second" \
    -a root-a.der --time $T0 renewed-leaf.der renewed-int-expired.der renewed-int-current.der
expect 1 "wrong host name" -a root-a.der --host other.example.com --time $T0 \
    leaf-a.der int-a.der
expect 1 "expired leaf" -a root-a.der --time $T0 expired-leaf.der int-a.der
expect 1 "no clock; the store was built after the leaf expired" -a root-a.der \
    --time unknown --build-time $T0 clockless-leaf.der int-a.der
expect 0 "no clock; the store was built while the leaf was valid" -a root-a.der \
    --time unknown --build-time $((T0 - 20 * 86400)) clockless-leaf.der int-a.der
expect 1 "client certificate used for a server" -a root-a.der --time $T0 \
    client-a.der int-a.der
expect 0 "client certificate, purpose client" -a root-a.der --purpose client --time $T0 \
    client-a.der int-a.der
expect 1 "untrusted root" -a root-b.der --time $T0 leaf-a.der int-a.der
expect 1 "workspace too small" -a root-a.der --time $T0 --workspace 64 leaf-a.der int-a.der
expect 2 "no anchor" --time $T0 leaf-a.der
expect 2 "missing file" -a root-a.der no-such-file.der
expect 2 "neither DER nor PEM" -a root-a.der "$pem/garbage.pem"
expect 2 "bad option value" -a root-a.der --purpose email leaf-a.der

if [ "$failures" -ne 0 ]; then
    echo "check.sh: $failures case(s) failed" >&2
    exit 1
fi
echo "host-verify: all cases gave the expected exit status"
