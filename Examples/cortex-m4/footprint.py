#!/usr/bin/env python3
"""Print the footprint tables of README.md from the runs of `make footprint`.

    footprint.py --general RUN_LOG --p256m RUN_LOG --peer-full RUN_LOG --peer-p256 RUN_LOG
                 [--out FILE.md]

The logs are what the four images printed under QEMU (-icount shift=0): iotcert's general
build (Mbed TLS 2.28 port) and its P-256 build (p256-m port), BearSSL 0.6's x509_minimal with
iotcert's algorithm set and with P-256 only. Every figure comes from the images' own output:
flash from the linker's symbols, stack from painting, workspace from iotcert_result, heap from
Mbed TLS's allocator, instructions from SysTick ticks (40 instructions a tick). All of them
repeat exactly from run to run, so the tables can be checked in CI (`make readme-check`).
With --out the tables are also written to FILE.md. Python 3 standard library only.
"""

import argparse
import re
import sys

INSTRUCTIONS_PER_TICK = 40  # QEMU -icount shift=0: 1 ns an instruction, 25 MHz SysTick

# Issue 11's targets for the P-256 chain (depth 4, 8 candidates).
TARGET_VERIFY_RAM = 4500        # P-256 product, whole verification
TARGET_VERIFY_RAM_VS_PEER = 0.8  # ... and relative to BearSSL (P-256 only)
TARGET_CORE_RAM = 3000          # workspace + the core's own stack
TARGET_PRODUCT_FLASH = 24000    # core + port + crypto of a P-256-only product
TARGET_CORE_FLASH = 20000
TARGET_FIRST_VS_PEER = 1.4      # first verification, instructions, vs BearSSL
TARGET_MEMO_VS_PEER = 0.01      # memo hit, instructions, vs BearSSL
TARGET_GENERAL_RAM = 8000       # general build, every firmware case
TARGET_GENERAL_CORE_FLASH = 24000


def read_log(path: str) -> tuple[dict[str, int], str]:
    text = open(path, encoding="utf-8").read()
    if "result: pass" not in text:
        sys.exit(f"footprint.py: {path}: the run did not pass; no table from a failing run")
    return {k: int(v) for k, v in re.findall(r"^([\w.]+): (\d+)", text, re.M)}, text


def n(value: int) -> str:
    return f"{value:,}"


def mi(ticks: int) -> str:
    """Instructions, from ticks: millions above 1 M, thousands below."""
    count = ticks * INSTRUCTIONS_PER_TICK
    return f"{count / 1e6:.2f} M" if count >= 1_000_000 else f"{count / 1e3:.0f} k"


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}x"


def percent(a: int, b: int) -> str:
    return f"{100 * a / b:.2f}%"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def cases(text: str) -> list[tuple[str, str, dict[str, str]]]:
    found = re.findall(r"^([\w.-]+): pass (IOTCERT_\w+) .*\n.*\n\s+(.*)$", text, re.M)
    return [(name, status, dict(kv.split("=", 1) for kv in fields.split()))
            for name, status, fields in found]


def side_by_side(g: dict, p: dict, bf: dict, bp: dict) -> list[str]:
    """The P-256 chain in four builds, with iotcert-to-BearSSL ratios."""
    g_ram = max(g["ref.first_ram"], g["ref.warm_ram"])
    p_ram = max(p["ref.first_ram"], p["ref.warm_ram"])
    crypto = {"g": g["flash.port"] + g["flash.mbedtls"], "p": p["flash.port"] + p["flash.mbedtls"]}
    rows = [
        ("flash, X.509 logic (iotcert: the core)", bf["peer.flash.x509"],
         bp["peer.flash.x509"], g["flash.core"], p["flash.core"]),
        ("flash, crypto (iotcert: port + crypto library)", bf["peer.flash.crypto"],
         bp["peer.flash.crypto"], crypto["g"], crypto["p"]),
        ("flash, total of what the product links", bf["peer.flash.product"],
         bp["peer.flash.product"], g["flash.product"], p["flash.product"]),
        ("RAM of one verification, all of it", bf["peer.ram"], bp["peer.ram"], g_ram, p_ram),
    ]
    out = [
        "| P-256 chain (leaf <- intermediate <- root) | BearSSL, iotcert's "
        "algorithms | BearSSL, P-256 only | iotcert general (Mbed TLS 2.28) | iotcert P-256 "
        "(p256-m) | general / BearSSL | P-256 / BearSSL P-256 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, a, b, c, d in rows:
        out.append(f"| {label} | {n(a)} | {n(b)} | {n(c)} | {n(d)} | {ratio(c, a)} | "
                   f"{ratio(d, b)} |")
    ticks = [("instructions, first verification", "peer.first_ticks", "ref.first_ticks"),
             ("instructions, warm (again, port state kept)", "peer.warm_ticks",
              "ref.warm_ticks")]
    for label, peer_key, key in ticks:
        out.append(f"| {label} | {mi(bf[peer_key])} | {mi(bp[peer_key])} | {mi(g[key])} | "
                   f"{mi(p[key])} | {ratio(g[key], bf[peer_key])} | "
                   f"{ratio(p[key], bp[peer_key])} |")
    out.append(f"| instructions, memo hit (no elliptic-curve math) | - | - | "
               f"{mi(g['ref.memo_hit_ticks'])} | {mi(p['ref.memo_hit_ticks'])} | "
               f"{percent(g['ref.memo_hit_ticks'], bf['peer.warm_ticks'])} | "
               f"{percent(p['ref.memo_hit_ticks'], bp['peer.warm_ticks'])} |")
    return out


def targets(g: dict, gt: str, p: dict, bp: dict) -> list[str]:
    """Issue 11's targets, each with what was reached."""
    p_ram = max(p["ref.first_ram"], p["ref.warm_ram"], p["verify_ram_peak"])
    g_cases = cases(gt)
    g_ram = max(int(f["ram"]) for _, _, f in g_cases)
    peer_ram = bp["peer.ram"]
    rows = [
        ("P-256 build: RAM of one whole verification (workspace + stack + heap + the "
         "caller's structs), every case", p_ram, f"<= {n(TARGET_VERIFY_RAM)}",
         p_ram <= TARGET_VERIFY_RAM),
        ("P-256 build: the same, against BearSSL (P-256 only)", ratio(p_ram, peer_ram),
         f"<= {TARGET_VERIFY_RAM_VS_PEER}x", p_ram <= TARGET_VERIFY_RAM_VS_PEER * peer_ram),
        ("P-256 build: core alone (workspace + its own stack)", p["core_ram"],
         f"<= {n(TARGET_CORE_RAM)}", p["core_ram"] <= TARGET_CORE_RAM),
        ("P-256 build: flash of core + port + crypto", p["flash.product"],
         f"<= {n(TARGET_PRODUCT_FLASH)}", p["flash.product"] <= TARGET_PRODUCT_FLASH),
        ("P-256 build: flash of the core", p["flash.core"], f"<= {n(TARGET_CORE_FLASH)}",
         p["flash.core"] <= TARGET_CORE_FLASH),
        ("P-256 build: first verification, instructions against BearSSL (P-256 only)",
         ratio(p["ref.first_ticks"], bp["peer.first_ticks"]), f"<= {TARGET_FIRST_VS_PEER}x",
         p["ref.first_ticks"] <= TARGET_FIRST_VS_PEER * bp["peer.first_ticks"]),
        ("P-256 build: memo hit, instructions against BearSSL (P-256 only)",
         percent(p["ref.memo_hit_ticks"], bp["peer.warm_ticks"]),
         f"<= {100 * TARGET_MEMO_VS_PEER:.0f}%",
         p["ref.memo_hit_ticks"] <= TARGET_MEMO_VS_PEER * bp["peer.warm_ticks"]),
        ("general build: RAM of one whole verification, every firmware case", g_ram,
         f"<= {n(TARGET_GENERAL_RAM)}", g_ram <= TARGET_GENERAL_RAM),
        ("general build: core alone (workspace + its own stack)", g["core_ram"],
         f"<= {n(TARGET_CORE_RAM)}", g["core_ram"] <= TARGET_CORE_RAM),
        ("general build: flash of the core", g["flash.core"],
         f"<= {n(TARGET_GENERAL_CORE_FLASH)}", g["flash.core"] <= TARGET_GENERAL_CORE_FLASH),
    ]
    out = ["| target | reached | target | |", "| --- | ---: | --- | --- |"]
    for label, value, goal, ok in rows:
        shown = n(value) if isinstance(value, int) else value
        out.append(f"| {label} | {shown} | {goal} | {verdict(ok)} |")
    return out


def breakdown(g: dict, p: dict) -> list[str]:
    """Where each iotcert image's bytes go."""
    rows = [
        ("flash, whole image (text + rodata, unwind index, .data initializers)", "flash"),
        ("&nbsp;&nbsp;core (Embedded Swift), code", "flash.core.code"),
        ("&nbsp;&nbsp;core, read-only data (the error sentences among them)",
         "flash.core.rodata"),
        ("&nbsp;&nbsp;port (C)", "flash.port"),
        ("&nbsp;&nbsp;crypto (Mbed TLS 2.28 / p256-m + Mbed TLS's sha256.c)", "flash.mbedtls"),
        ("&nbsp;&nbsp;firmware (startup, console, measurement, main)", "flash.firmware"),
        ("&nbsp;&nbsp;test chains and expectations", "flash.chains"),
        ("&nbsp;&nbsp;newlib-nano + libgcc", "flash.libc"),
        ("static RAM (.data + .bss)", "static_ram"),
        ("&nbsp;&nbsp;Mbed TLS heap buffer", "static_ram.heap_buffer"),
        ("&nbsp;&nbsp;iotcert workspace buffer (IOTCERT_WORKSPACE_BYTES(4))",
         "static_ram.workspace"),
        ("workspace needed, depth 4 (iotcert_workspace_size)", "workspace_needed"),
        ("workspace high-water (max over cases)", "workspace_high_water"),
        ("peak stack of a verification, below the caller", "stack_peak"),
        ("peak stack of the core alone, port excluded", "stack_peak_core"),
        ("heap peak (headers and cached curve groups included)", "heap_peak"),
        ("core RAM: workspace needed + the core's own peak stack", "core_ram"),
        ("RAM of one verification, max over cases", "verify_ram_peak"),
    ]
    out = ["| iotcert image, bytes | general (Mbed TLS 2.28) | P-256 (p256-m) |",
           "| --- | ---: | ---: |"]
    for label, key in rows:
        out.append(f"| {label} | {n(g[key])} | {n(p[key])} |")
    return out


def case_table(gt: str, pt: str) -> list[str]:
    general, p256 = cases(gt), {name: f for name, _, f in cases(pt)}
    out = ["| case | status | general: instructions | stack | heap | RAM | P-256: "
           "instructions | stack | RAM |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, status, f in general:
        q = p256.get(name)
        tail = (f"{mi(int(q['ticks']))} | {n(int(q['stack']))} | {n(int(q['ram']))}"
                if q else "(not P-256) | | ")
        out.append(f"| {name} | {status} | {mi(int(f['ticks']))} | {n(int(f['stack']))} | "
                   f"{n(int(f['heap']))} | {n(int(f['ram']))} | {tail} |")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("general", "p256m", "peer-full", "peer-p256"):
        ap.add_argument(f"--{name}", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    g, gt = read_log(args.general)
    p, pt = read_log(args.p256m)
    bf, _ = read_log(args.peer_full)
    bp, _ = read_log(args.peer_p256)
    blocks = [side_by_side(g, p, bf, bp), targets(g, gt, p, bp), breakdown(g, p),
              case_table(gt, pt)]
    text = "\n\n".join("\n".join(b) for b in blocks) + "\n"
    print(text, end="")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
