#!/usr/bin/env python3
"""Print the firmware's footprint as the markdown table of README.md.

    footprint.py RUN_LOG

RUN_LOG is what `make run` saved (build/firmware/default/run.log). Every figure comes from the
firmware's own output: flash and static RAM from the linker's symbols, read on the device;
stack from painting; workspace from iotcert_result; heap from Mbed TLS's allocator.
Python 3 standard library only.
"""

import re
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    text = open(sys.argv[1], encoding="utf-8").read()
    m = {k: int(v) for k, v in re.findall(r"^([\w.]+): (\d+)", text, re.M)}
    targets = {k: (int(v), int(t), ok) for k, v, t, ok in
               re.findall(r"^(\w+): (\d+) bytes \(target <= (\d+): (met|MISSED)\)", text, re.M)}
    if m.get("failures") != 0 or "result: pass" not in text:
        print("footprint.py: the run did not pass; no table from a failing run", file=sys.stderr)
        return 1

    def kb(n: int) -> str:
        return f"{n / 1024:.1f} KB"

    def target(key: str) -> str:
        value, limit, ok = targets[key]
        return f"<= {kb(limit)}: {'met' if ok == 'met' else '**missed**'}"

    core_ram = targets["core_ram"][0]
    rows = [
        ("Flash, total (text+rodata, unwind index, .data init)", m["flash"], ""),
        ("&nbsp;&nbsp;iotcert core (Embedded Swift)", m["flash.core"], target("core_flash")),
        ("&nbsp;&nbsp;&nbsp;&nbsp;code", m["flash.core.code"], ""),
        ("&nbsp;&nbsp;&nbsp;&nbsp;read-only data (mostly iotcert_strerror's sentences)",
         m["flash.core.rodata"], ""),
        ("&nbsp;&nbsp;port (C over Mbed TLS)", m["flash.port"], ""),
        ("&nbsp;&nbsp;Mbed TLS (hashes, bignum, ECP, ECDSA, RSA)", m["flash.mbedtls"], ""),
        ("&nbsp;&nbsp;firmware (startup, console, measurement, main)", m["flash.firmware"], ""),
        ("&nbsp;&nbsp;test chains and expectations", m["flash.chains"], ""),
        ("&nbsp;&nbsp;newlib-nano + libgcc", m["flash.libc"], ""),
        ("&nbsp;&nbsp;unwind index (.ARM.exidx)", m["flash.unwind_index"], ""),
        ("Static RAM (.data + .bss)", m["static_ram"], ""),
        ("&nbsp;&nbsp;Mbed TLS heap buffer", m["static_ram.heap_buffer"], ""),
        ("&nbsp;&nbsp;iotcert workspace buffer (IOTCERT_WORKSPACE_BYTES(4))",
         m["static_ram.workspace"], ""),
        ("&nbsp;&nbsp;other", m["static_ram.other"], ""),
        ("Stack reserved", m["stack_reserved"], ""),
        ("Workspace needed, depth 4 (iotcert_workspace_size)", m["workspace_needed"], ""),
        ("Workspace high-water (max over cases)", m["workspace_high_water"], ""),
        ("Peak stack of a verification, below the caller (painting)", m["stack_peak"], ""),
        ("Peak stack of the core alone, port and Mbed TLS excluded (port shim)",
         m["stack_peak_core"], ""),
        ("Mbed TLS heap peak (headers included, cached curve groups included)",
         m["heap_peak"], ""),
        ("Core RAM: workspace needed + core's own peak stack", core_ram, target("core_ram")),
        ("Peak RAM of one verification: workspace buffer + stack + heap + caller's structs",
         targets["verify_ram_peak"][0], target("verify_ram_peak")),
    ]
    print("| what | bytes | | target |")
    print("| --- | ---: | ---: | --- |")
    for label, value, goal in rows:
        print(f"| {label} | {value} | {kb(value)} | {goal} |")
    print()
    print("| case | status | ticks | instructions | signatures | steps | stack | heap | RAM |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    cases = re.findall(r"^([\w.-]+): pass (IOTCERT_\w+) .*\n.*\n\s+(.*)$", text, re.M)
    for name, status, fields in cases:
        f = dict(kv.split("=", 1) for kv in fields.split())
        print(f"| {name} | {status} | {f['ticks']} | {int(f['ticks']) * 40 / 1e6:.2f} M | "
              f"{f['signatures']} | {f['steps']} | {f['stack']} | {f['heap']} | {f['ram']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
