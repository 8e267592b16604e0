#!/usr/bin/env python3
"""footprint.py -- the MQTT firmware's footprint table, from a run's log and the link map.

usage: footprint.py DEVICE_LOG MAP

Flash and static RAM by component come from the linker map (every input section the link
kept, attributed to the object or archive it came from); what the connection used at its
peak (Mbed TLS's heap, lwIP's pools and heap, iotcert's workspace, the stack) and the
handshake's instructions come from the run's metric lines (main.c, net.c). Prints Markdown,
the form Examples/cortex-m4-net/README.md carries.
"""
import re
import sys

# Object or archive (basename) -> component, in the table's order.
COMPONENTS = [
    ("iotcert core (Embedded Swift)", ["iotcert-core.o"]),
    ("iotcert port + Mbed TLS attachment", ["port.o", "iotcert_mbedtls_ssl.o"]),
    ("Mbed TLS 2.28 (TLS client, X.509, crypto)", ["libmbedtls-m4.a"]),
    ("lwIP 2.1.3 (IPv4, ARP, TCP)", ["liblwip-m4.a"]),
    ("LAN9118 driver + lwIP glue", ["lan9118.o", "ethif.o", "net.o"]),
    ("MQTT + device logic (shared with the host)", ["mqtt.o", "device.o"]),
    ("provisioning data (bundle, keys)", ["device_inputs.o"]),
    ("Mbed TLS heap buffer (measure.c)", ["measure.o"]),
    ("libc (newlib-nano) + libgcc", ["libc_nano.a", "libgcc.a"]),
]
OTHER = "start-up, console, main, transport, measurement"

FLASH_SECTIONS = (".text", ".ARM.exidx", ".data")  # .data's initial values are in flash
RAM_SECTIONS = (".data", ".bss")


def component_of(path):
    name = path.split("/")[-1]
    archive = re.match(r"([^()]+)\(", name)
    base = archive.group(1) if archive else name
    for label, members in COMPONENTS:
        if base in members:
            return label
    return OTHER


def read_map(path):
    """Bytes per (component, output section) from the map's memory-map part."""
    sizes = {}
    text = open(path).read()
    body = text[text.index("Linker script and memory map"):]
    output = None
    pending = None  # an input section name whose address and size are on the next line
    for line in body.splitlines():
        top = re.match(r"^(\.[\w.]+)\s", line)
        if top:
            output = top.group(1)
            continue
        m = re.match(r"^ (\.\S+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
        if m is None and pending is not None:
            m2 = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
            if m2:
                m = (pending, m2.group(1), m2.group(2), m2.group(3))
        if m is not None:
            if not isinstance(m, tuple):
                m = m.groups()
            pending = None
            _, _, size, source = m
            key = (component_of(source), output)
            sizes[key] = sizes.get(key, 0) + int(size, 16)
            continue
        lone = re.match(r"^ (\.\S+|COMMON)$", line)
        pending = lone.group(1) if lone else None
    return sizes


def read_log(path):
    metrics = {}
    for line in open(path):
        m = re.match(r"^([a-z0-9_]+): (\d+)( B)?$", line.strip())
        if m:
            metrics[m.group(1)] = int(m.group(2))
    return metrics


def kb(n):
    return "%.1f KB" % (n / 1024.0)


def main():
    log, map_path = sys.argv[1:3]
    sizes = read_map(map_path)
    m = read_log(log)
    labels = [label for label, _ in COMPONENTS] + [OTHER]

    print("| Component | flash (bytes) | static RAM (bytes) |")
    print("|---|---:|---:|")
    flash_total = ram_total = 0
    for label in labels:
        flash = sum(sizes.get((label, s), 0) for s in FLASH_SECTIONS)
        ram = sum(sizes.get((label, s), 0) for s in RAM_SECTIONS)
        flash_total += flash
        ram_total += ram
        if flash or ram:
            print("| %s | %d | %d |" % (label, flash, ram))
    print("| **total** | **%d** (%s) | **%d** (%s) |"
          % (flash_total, kb(flash_total), ram_total, kb(ram_total)))
    print()

    heap, heap_size = m["mbedtls_heap_peak"], m["mbedtls_heap_size"]
    lwip_static = m["lwip_pools_bytes"] + m["lwip_heap_bytes"]
    stack = m["stack_peak"]
    print("| RAM of the connection, at its peak | used | reserved |")
    print("|---|---:|---:|")
    print("| Mbed TLS heap: TLS record buffers (%d: in %d + out %d of content), handshake, "
          "ECDH, the broker's parsed chain | %d | %d |"
          % (m["tls_record_buffers"], m["tls_in_content_len"], m["tls_out_content_len"], heap,
             heap_size))
    print("| lwIP: pools (%d) and heap (%d); heap peak %d | | %d |"
          % (m["lwip_pools_bytes"], m["lwip_heap_bytes"], m["lwip_heap_peak"], lwip_static))
    print("| iotcert workspace (high-water) | %d | %d |"
          % (m["iotcert_workspace_high_water"], m["iotcert_workspace_bytes"]))
    print("| MQTT packet buffer | | %d |" % m["mqtt_buffer_bytes"])
    print("| stack, whole run (iotcert_verify: %d) | %d | %d |"
          % (m["iotcert_verify_stack"], stack, m["stack_size"]))
    print("| **.data + .bss + stack peak** | **%d** (%s) | |"
          % (m["ram_static"] + stack, kb(m["ram_static"] + stack)))
    print()

    hs = m["handshake_instructions"]
    iot = m["iotcert_verify_instructions"]
    print("| The mTLS handshake (-icount shift=0: 1 instruction = 1 ns) | instructions |")
    print("|---|---:|")
    print("| handshake, the device's own work (waiting for the broker excluded) | %d |" % hs)
    print("| of which iotcert_verify, the broker's chain (%d signature checks): %.1f %% | %d |"
          % (m["iotcert_signatures_checked"], 100.0 * iot / hs if hs else 0, iot))
    phases = [("ECDHE: key pair and shared secret (Mbed TLS)", "phase_ecdh_instructions"),
              ("ServerKeyExchange signature check (Mbed TLS)", "phase_ske_verify_instructions"),
              ("CertificateVerify, the device's signature (Mbed TLS)",
               "phase_sign_instructions"),
              ("parsing the broker's chain (Mbed TLS's X.509)",
               "phase_x509_parse_instructions")]
    rest = hs - iot
    for label, key in phases:
        print("| of which %s: %.1f %% | %d |" % (label, 100.0 * m[key] / hs if hs else 0, m[key]))
        rest -= m[key]
    print("| the rest: hashes, AES-GCM, the record layer, lwIP: %.1f %% | %d |"
          % (100.0 * rest / hs if hs else 0, rest))
    print("| Mbed TLS signature checks: on certificates %d, chain searches %d, "
          "handshake (ServerKeyExchange) %d | |"
          % (m["mbedtls_certificate_signatures"], m["mbedtls_chain_verifications"],
             m["mbedtls_handshake_signatures"]))


if __name__ == "__main__":
    main()
