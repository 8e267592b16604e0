#!/usr/bin/env python3
"""Print the footprint tables of README.md from the runs of `make footprint`.

    footprint.py --general RUN_LOG --p256m RUN_LOG --peer-full RUN_LOG --peer-p256 RUN_LOG
                 --product-general LOG --product-general-memo LOG
                 --product-p256m LOG --product-p256m-memo LOG [--out FILE.md]

The logs are what the images printed under QEMU (-icount shift=0): the test harness (main.c)
of iotcert's general build (Mbed TLS 2.28 port) and of its P-256 build (p256-m port), BearSSL
0.6's x509_minimal with iotcert's algorithm set and with P-256 only, and the product image
(product.c) of each build, without and with the signature memo (each product log ends with
size-report.sh's figures for its image). The flash targets are read from the product images:
what a product that verifies a chain against a DER root links, and nothing it does not call.
RAM and instructions are read from the harness, which runs every case. Every figure comes from
the images: flash from the linker's symbols, stack from painting, workspace from
iotcert_result, heap from Mbed TLS's allocator, instructions from SysTick ticks (40
instructions a tick). All of them repeat exactly from run to run, so the tables can be checked
in CI (`make readme-check`). With --out the tables are also written to FILE.md. Python 3
standard library only.
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


def crypto_flash(log: dict) -> int:
    return log["flash.port"] + log["flash.mbedtls"]


def product_flash(log: dict) -> int:
    """What the product links for verification: core + port + crypto."""
    return log["flash.core"] + crypto_flash(log)


# What the product images (product.c) link, for the row labels.
PRODUCT_LINKS = ("product.c: a DER root, iotcert_options_init, iotcert_verify; no "
                 "iotcert_strerror, memo, bundle, store or revocation")


def side_by_side(g: dict, p: dict, bf: dict, bp: dict, products: dict) -> list[str]:
    """The P-256 chain in four builds, with iotcert-to-BearSSL ratios. Flash is the product
    images' (product.c), the harness's core beside it; RAM and instructions the harness's."""
    g_ram = max(g["ref.first_ram"], g["ref.warm_ram"])
    p_ram = max(p["ref.first_ram"], p["ref.warm_ram"])
    pg, pp = products["general"], products["p256m"]
    mg, mp = products["general-memo"], products["p256m-memo"]
    rows = [
        ("flash, X.509 logic (iotcert: the core, product image)", bf["peer.flash.x509"],
         bp["peer.flash.x509"], pg["flash.core"], pp["flash.core"]),
        ("flash, crypto (iotcert: port + crypto library, product image)",
         bf["peer.flash.crypto"], bp["peer.flash.crypto"], crypto_flash(pg),
         crypto_flash(pp)),
        ("flash, total of what the product links", bf["peer.flash.product"],
         bp["peer.flash.product"], product_flash(pg), product_flash(pp)),
        ("flash, the core of the product image with the signature memo",
         bf["peer.flash.x509"], bp["peer.flash.x509"], mg["flash.core"], mp["flash.core"]),
        ("flash, the core of the test harness (calls iotcert_strerror, the memo, every "
         "option)", bf["peer.flash.x509"], bp["peer.flash.x509"], g["flash.core"],
         p["flash.core"]),
        ("RAM of one verification, all of it (test harness)", bf["peer.ram"], bp["peer.ram"],
         g_ram, p_ram),
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


def targets(g: dict, gt: str, p: dict, bp: dict, products: dict) -> list[str]:
    """Issue 11's targets, each with what was reached. The flash targets are the product
    images'; the harness's flash follows each of them, as a figure without a target."""
    pg, pp = products["general"], products["p256m"]
    harness = "(harness: no target)"
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
        (f"P-256 build: flash of core + port + crypto, product image ({PRODUCT_LINKS})",
         product_flash(pp), f"<= {n(TARGET_PRODUCT_FLASH)}",
         product_flash(pp) <= TARGET_PRODUCT_FLASH),
        ("P-256 build: flash of the core, product image", pp["flash.core"],
         f"<= {n(TARGET_CORE_FLASH)}", pp["flash.core"] <= TARGET_CORE_FLASH),
        ("P-256 build: flash of core + port + crypto, test harness (calls iotcert_strerror)",
         p["flash.product"], "-", None),
        ("P-256 build: flash of the core, test harness (calls iotcert_strerror)",
         p["flash.core"], "-", None),
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
        ("general build: flash of the core, product image (the same calls, Mbed TLS 2.28 "
         "port)", pg["flash.core"], f"<= {n(TARGET_GENERAL_CORE_FLASH)}",
         pg["flash.core"] <= TARGET_GENERAL_CORE_FLASH),
        ("general build: flash of the core, test harness (calls iotcert_strerror)",
         g["flash.core"], "-", None),
    ]
    out = ["| target | reached | target | |", "| --- | ---: | --- | --- |"]
    for label, value, goal, ok in rows:
        shown = n(value) if isinstance(value, int) else value
        out.append(f"| {label} | {shown} | {goal} | {harness if ok is None else verdict(ok)} |")
    return out


def product_breakdown(products: dict) -> list[str]:
    """Where each product image's bytes go (size-report.sh on product.c's images)."""
    names = ["general", "general-memo", "p256m", "p256m-memo"]
    rows = [
        ("flash, whole image (text + rodata, unwind index, .data initializers)", "flash"),
        ("&nbsp;&nbsp;core (Embedded Swift), code", "flash.core.code"),
        ("&nbsp;&nbsp;core, read-only data", "flash.core.rodata"),
        ("&nbsp;&nbsp;port (C)", "flash.port"),
        ("&nbsp;&nbsp;crypto (Mbed TLS 2.28 / p256-m + Mbed TLS's sha256.c)", "flash.mbedtls"),
        ("&nbsp;&nbsp;firmware (startup, console, measurement, product.c)", "flash.firmware"),
        ("&nbsp;&nbsp;the three test chains and the status names", "flash.chains"),
        ("&nbsp;&nbsp;newlib-nano + libgcc", "flash.libc"),
        ("static RAM (.data + .bss)", "static_ram"),
        ("&nbsp;&nbsp;Mbed TLS heap buffer", "static_ram.heap_buffer"),
        ("&nbsp;&nbsp;iotcert workspace buffer (IOTCERT_WORKSPACE_BYTES(4))",
         "static_ram.workspace"),
    ]
    out = ["| product image (product.c), bytes | general (Mbed TLS 2.28) | general + memo | "
           "P-256 (p256-m) | P-256 + memo |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, key in rows:
        out.append(f"| {label} | " + " | ".join(n(products[m][key]) for m in names) + " |")
    out.append("| core + port + crypto | " +
               " | ".join(n(product_flash(products[m])) for m in names) + " |")
    return out


def breakdown(g: dict, p: dict) -> list[str]:
    """Where each test harness image's bytes go, and its RAM."""
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
    out = ["| test harness image (main.c), bytes | general (Mbed TLS 2.28) | P-256 (p256-m) |",
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
    product_names = ("general", "general-memo", "p256m", "p256m-memo")
    for name in ("general", "p256m", "peer-full", "peer-p256"):
        ap.add_argument(f"--{name}", required=True)
    for name in product_names:
        ap.add_argument(f"--product-{name}", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    g, gt = read_log(args.general)
    p, pt = read_log(args.p256m)
    bf, _ = read_log(args.peer_full)
    bp, _ = read_log(args.peer_p256)
    products = {name: read_log(getattr(args, "product_" + name.replace("-", "_")))[0]
                for name in product_names}
    blocks = [side_by_side(g, p, bf, bp, products), targets(g, gt, p, bp, products),
              product_breakdown(products), breakdown(g, p), case_table(gt, pt)]
    text = "\n\n".join("\n".join(b) for b in blocks) + "\n"
    print(text, end="")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
