# Examples/mqtt-device/common.sh -- what the mqtt-device scripts share: the tools, the fleet
# PKI and bundles, a mosquitto broker of our own on 127.0.0.1, a subscriber, expectations.
# Sourced (bash). Every wait is bounded; every process started here is stopped at exit.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/examples
device=$bin/mqtt_device
broker_name=broker.fleet.test
pids=()
source "$here/../expect.sh"

for tool in mosquitto mosquitto_sub openssl python3 "$device"; do
    command -v "$tool" >/dev/null || [ -x "$tool" ] || {
        echo "$(basename "$0"): $tool missing (.ci/install-deps; make -C Examples/mqtt-device)" >&2
        exit 2
    }
done
# mosquitto is in /usr/sbin, which a non-root PATH may lack.
PATH=$PATH:/usr/sbin

# The host tool, from this checkout (built by `swift build`); IOTCERT overrides.
iotcert_tool() {
    if [ -z "${IOTCERT:-}" ]; then
        IOTCERT="$(cd "$root" && swift build --show-bin-path)/iotcert"
        [ -x "$IOTCERT" ] || (cd "$root" && swift build >/dev/null)
    fi
    "$IOTCERT" "$@"
}

stop_all() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# seconds since 1970 of a UTC date
unix() { date -u -d "$1" +%s; }

# wait_port PORT: until something listens on 127.0.0.1:PORT, at most 5 s.
wait_port() {
    python3 - "$1" <<'PY'
import socket, sys, time
deadline = time.time() + 5
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# wait_line FILE PATTERN: until FILE has a line matching PATTERN (grep -E), at most 5 s.
wait_line() {
    for _ in $(seq 100); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "$(basename "$0"): no /$2/ in $1:" >&2
    cat "$1" >&2
    exit 2
}

# fresh_out NAME: this run's files go to an emptied build/NAME ($out), with the fleet PKI
# and its bundles (make_pki) in $out/pki ($pki).
fresh_out() {
    out=$root/build/$1
    pki=$out/pki
    rm -rf "$out" && mkdir -p "$out"
    make_pki "$pki"
}

# make_pki DIR: the fleet PKI (gen-fleet-pki.py) and the bundles the devices install:
#   device-1-seq1.iotb   sensor-1's first bundle (2026): anchor R1, its own chain
#   device-1-seq2.iotb   the update (2032): anchors R1 and R2, servers-2's CRL
#   device-2-seq1.iotb   sensor-2's first bundle
make_pki() {
    local pki=$1 log=$1/pack.log
    python3 "$here/gen-fleet-pki.py" "$pki" >/dev/null
    (
        cd "$pki"
        for d in device-1 device-2; do
            iotcert_tool pack --anchors r1.pem --device-chain "$d.pem" devices-1.pem \
                --valid-from 2026-01-01 --valid-until 2027-01-01 --sign-key owner.key \
                --sequence 1 -o "$d-seq1.iotb"
        done
        # The CRL's issuer is stored too: the bundle's revocation list names it.
        iotcert_tool pack --anchors r1.pem r2.pem --intermediates servers-2.pem \
            --crls servers-2.crl --device-chain device-1.pem devices-1.pem \
            --valid-from 2032-01-01 --valid-until 2033-01-01 --sign-key owner.key \
            --sequence 2 -o device-1-seq2.iotb
    ) >"$log" 2>&1 || { cat "$log" >&2; echo "make_pki: iotcert pack failed" >&2; exit 2; }
}

# broker_listener PORT CERT: one TLS listener of the broker, presenting CERT-chain.pem,
# asking every client for a certificate under R1 and checking devices-1's CRL.
broker_listener() {
    cat <<EOF
listener $1 127.0.0.1
certfile $pki/$2-chain.pem
keyfile $pki/$2.key
cafile $pki/r1.pem
crlfile $pki/devices-1.crl
require_certificate true
EOF
}

# start_listeners CERT...: mosquitto with one listener per CERT (broker_listener), each on a
# free port, which the associative array `port` maps CERT to.
start_listeners() {
    local listener conf=""
    declare -gA port=()
    for listener in "$@"; do
        port[$listener]=$(free_port)
        conf+="$(broker_listener "${port[$listener]}" "$listener")"$'\n'
    done
    start_broker "$conf" "${port[@]}"
}

# start_broker CONF_BODY PORT...: mosquitto with the listeners in CONF_BODY, in $out;
# returns when every PORT accepts connections.
start_broker() {
    local conf=$out/mosquitto.conf body=$1
    shift
    {
        echo "per_listener_settings false"
        echo "allow_anonymous true"  # the TLS layer already demands a certificate
        echo "persistence false"
        # As root, mosquitto would switch to the user "mosquitto", who may not read $out.
        echo "user $(id -un)"
        echo "log_dest file $out/mosquitto.log"
        echo "log_type all"
        echo "connection_messages true"
        echo "$body"
    } >"$conf"
    : >"$out/mosquitto.log"
    mosquitto -c "$conf" >"$out/mosquitto.out" 2>&1 &
    pids+=($!)
    for p in "$@"; do
        wait_port "$p" || {
            echo "mosquitto did not start:" >&2
            cat "$out/mosquitto.out" "$out/mosquitto.log" >&2
            exit 2
        }
    done
}

# start_subscriber PORT: mosquitto_sub on fleet/#, as the monitor client; returns when
# subscribed (at most 5 s). Messages land in $out/received.txt (line-buffered). It checks
# the broker's chain against R1 but, connecting by address, not its name (--insecure).
start_subscriber() {
    : >"$out/received.txt"
    stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$1" --cafile "$pki/r1.pem" \
        --cert "$pki/monitor-chain.pem" --key "$pki/monitor.key" --insecure -i monitor \
        -t 'fleet/#' -v >"$out/received.txt" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q "Sending SUBACK to monitor" "$out/mosquitto.log" && return 0
        sleep 0.05
    done
    echo "mosquitto_sub did not subscribe:" >&2
    cat "$out/received.txt" "$out/mosquitto.log" >&2
    exit 2
}

# received MESSAGE: waits (at most 5 s) for the subscriber to print MESSAGE on fleet/...
received() {
    for _ in $(seq 100); do
        grep -q "^fleet/[^ ]* $1\$" "$out/received.txt" && return 0
        sleep 0.05
    done
    return 1
}

# split_at_dashes PATTERN... -- ARGS...: the calling function's arrays `patterns` (what
# comes before --) and `args` (what follows it).
split_at_dashes() {
    patterns=()
    while [ "$1" != "--" ]; do
        patterns+=("$1")
        shift
    done
    shift
    args=("$@")
}

# run_device WANT_EXIT DESCRIPTION PATTERN... -- ARGS: runs mqtt_device with ARGS (at most
# 30 s), shows its output indented, checks its exit status and that every PATTERN
# (grep -E) occurs in its output.
run_device() {
    local want=$1 what=$2 got patterns args
    shift 2
    split_at_dashes "$@"
    echo "-- $what"
    set +e
    timeout 30 "$device" "${args[@]}" >"$out/device.log" 2>&1
    got=$?
    set -e
    sed 's/^/    /' "$out/device.log"
    exit_and_lines "$out/device.log" "$got" "$want" "" "${patterns[@]}" || return 0
    outcome ok
}

# exit_and_lines LOG GOT WANT WHO PATTERN...: false, with the failure counted, when the exit
# status GOT is not WANT or a PATTERN (grep -E) is missing from LOG; WHO ("" or "server ")
# names the program in the failure.
exit_and_lines() {
    local log=$1 got=$2 want=$3 who=$4 p
    shift 4
    if [ "$got" -ne "$want" ]; then
        outcome fail "${who}exit status $got, want $want"
        return 1
    fi
    for p in "$@"; do
        if ! grep -Eq -- "$p" "$log"; then
            outcome fail "no ${who}line matches /$p/"
            return 1
        fi
    done
}

# expect_received MESSAGE / expect_not_received MESSAGE: the subscriber's view.
expect_received() {
    if received "$1"; then
        echo "    subscriber received: $1"
        outcome ok
    else
        outcome fail "the subscriber did not receive '$1'"
    fi
}

expect_not_received() {
    if grep -q " $1\$" "$out/received.txt"; then
        outcome fail "the subscriber received '$1'"
    else
        outcome ok
    fi
}

# log_mark: the broker log's length now, for expect_broker_log.
log_mark() { wc -l <"$out/mosquitto.log"; }

# expect_broker_log MARK PATTERN WHAT: mosquitto logged a line matching PATTERN (grep -E)
# after MARK (waits at most 5 s: the broker writes its log as it goes).
expect_broker_log() {
    for _ in $(seq 100); do
        if tail -n +"$(($1 + 1))" "$out/mosquitto.log" | grep -Eq "$2"; then
            echo "    mosquitto: $(tail -n +"$(($1 + 1))" "$out/mosquitto.log" | grep -Em1 "$2")"
            outcome ok
            return
        fi
        sleep 0.05
    done
    outcome fail "mosquitto did not log /$2/: $3"
}

finish() {
    echo
    expectations_met "$(basename "$0")"
}
