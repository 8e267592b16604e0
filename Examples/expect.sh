# Examples/expect.sh -- what the demo scripts (tls-client/run-demo.sh, mqtt-device/common.sh)
# share: the count of expectations met and failed, and a free port for a server. Sourced
# (POSIX sh, so that both sh and bash scripts can take it).

passes=0
failures=0

# outcome ok|fail WHY: counts one expectation; a failed one is shown with WHY.
outcome() {
    if [ "$1" = ok ]; then
        passes=$((passes + 1))
    else
        failures=$((failures + 1))
        echo "    ^^^^ EXPECTATION FAILED: $2"
    fi
}

# expectations_met NAME: the closing line; true only when no expectation failed.
expectations_met() {
    echo "$1: $passes expectation(s) met, $failures failed"
    [ "$failures" -eq 0 ]
}

# A port the kernel just handed out, released again for the next server to take.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
