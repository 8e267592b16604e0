#!/usr/bin/env python3
"""fake-peer.py PORT MODE [CHAIN KEY HEX] -- a broker that misbehaves, for the device's
failure paths. Serves one connection on 127.0.0.1:PORT, prints "listening" when ready, and
gives up after 20 s whatever happens.

    silent                 accepts the TCP connection and never says a word
    full                   never accepts, and fills its accept queue itself, so that the
                           kernel drops the device's SYN: its connect gets no answer
    reply CHAIN KEY HEX    completes a TLS handshake with CHAIN/KEY (PEM), reads what the
                           device sends (its CONNECT), answers with the bytes HEX (empty:
                           nothing), then waits for the device to hang up
"""
import socket
import ssl
import sys
import time


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    if mode == "full":
        listener.listen(0)
        fillers = []
        for _ in range(4):
            f = socket.socket()
            f.setblocking(False)
            f.connect_ex(("127.0.0.1", port))
            fillers.append(f)
        time.sleep(0.2)
        print("listening", flush=True)
        time.sleep(20)
        return
    listener.listen(1)
    listener.settimeout(20)
    print("listening", flush=True)
    conn, _ = listener.accept()
    if mode == "silent":
        time.sleep(20)
        return
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile=sys.argv[3], keyfile=sys.argv[4])
    conn.settimeout(20)
    tls = context.wrap_socket(conn, server_side=True)
    print("connect:", tls.recv(4096).hex(), flush=True)
    tls.sendall(bytes.fromhex(sys.argv[5]))
    try:
        while tls.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass


if __name__ == "__main__":
    main()
