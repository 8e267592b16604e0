#!/usr/bin/env python3
"""echo-server.py -- a one-connection TCP echo server on 127.0.0.1 for `make echo-run`.

Listens on a free port, writes the port number to the file named by its argument (so the
caller can start QEMU's forward to it), echoes one connection's bytes and exits. It gives up
after TIMEOUT_SECONDS, so a firmware that never connects cannot keep it running.
"""
import os
import socket
import sys

TIMEOUT_SECONDS = 60

def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(TIMEOUT_SECONDS)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.getsockname()[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    connection, _ = server.accept()
    connection.settimeout(TIMEOUT_SECONDS)
    total = 0
    while True:
        data = connection.recv(4096)
        if not data:
            break
        connection.sendall(data)
        total += len(data)
    print("echo-server: echoed %d bytes" % total)

main()
