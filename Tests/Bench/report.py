#!/usr/bin/env python3
"""Turns the benchmark's raw results into the markdown report of `make bench`.

    report.py --timing build/bench/timing.json --callgrind build/bench/callgrind \
              [--callgrind-p256m build/bench/callgrind-p256m] [--readme build/bench-readme.md] \
              --core build/lib/core.o --port build/lib/port.o --out build/bench.md [--strict]

Inputs: timing.json from `bench --json` (medians, minima, checks, heap and port-call counts)
and the callgrind dumps of `bench --callgrind` (one dump per case and operation, labelled
"CASE OP REPS", holding only that operation's instructions). The report goes to stdout and
to --out. With --strict the exit status is 1 when a target is missed. --callgrind-p256m adds
the dumps of the same program over the heap-free P-256 port (P-256 cases only); --readme
writes the table README.md shows: instruction counts only, which repeat from run to run
(no times).
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys

# The targets.
FLOOR_RATIO_MAX = 1.02   # iotcert first verification / crypto floor, in instructions
MEMO_SPEEDUP_MIN = 200.0  # Mbed TLS verifier / iotcert memo-hit verification, in time

TRIGGER = re.compile(r"^desc: Trigger: Client Request: (\S+) (\S+) (\d+)$")


def read_dump(path):
    """(case, op, reps, total Ir, {(object, function): self Ir}) of one callgrind dump."""
    label = None
    total = None
    self_cost = collections.Counter()
    ob = fn = None
    after_calls = False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("desc: Trigger"):
                m = TRIGGER.match(line)
                label = m.groups() if m else None
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
            elif line.startswith("ob="):
                ob = line[3:]
            elif line.startswith("fn="):
                fn = line[3:]
            elif line.startswith("calls="):
                after_calls = True
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                if after_calls:  # the inclusive cost of a call, not this function's own
                    after_calls = False
                    continue
                self_cost[(ob, fn)] += int(line.split()[-1])
    if label is None or total is None:
        return None
    case, op, reps = label
    return case, op, int(reps), total, self_cost


def read_dumps(directory):
    dumps = {}
    for path in sorted(glob.glob(os.path.join(directory, "*"))):
        if path.endswith(".log"):
            continue
        d = read_dump(path)
        if d is not None:
            case, op, reps, total, self_cost = d
            dumps[(case, op)] = {"ir": total / reps, "reps": reps, "self": self_cost,
                                 "path": path}
    return dumps


def symbols(obj):
    """Names defined in an object file (text symbols, static ones included)."""
    try:
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.split()[-1] for line in out.splitlines()
            if len(line.split()) == 3 and line.split()[1] in "tT"}


def demangle(names):
    tool = shutil.which("swift-demangle")
    cmd = [tool, "--simplified"] if tool else None
    if cmd is None and shutil.which("swift"):
        cmd = ["swift", "demangle", "--simplified"]
    if cmd is None:
        return list(names)
    try:
        out = subprocess.run(cmd, input="\n".join(names) + "\n", capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return list(names)
    lines = out.splitlines()
    return lines if len(lines) == len(names) else list(names)


# Text symbols of build/lib/core.o and build/lib/port.o (set in main).
CORE, PORT = set(), set()


def classify(ob, fn, core, port):
    """Which part of the program a function belongs to."""
    base = fn.split("'")[0]  # callgrind marks recursion depth as name'2
    if base in core:
        return "core"
    if base in port:
        return "port glue"
    if ob and "libmbedcrypto" in ob:
        return "Mbed TLS crypto"
    if ob and "libmbedx509" in ob:
        return "Mbed TLS X.509"
    if ob and "libc.so" in ob:
        return "libc"
    return "harness"


# ---- formatting ------------------------------------------------------------------------------

def us(x):
    return f"{x:.1f} µs" if x < 100 else f"{x:.0f} µs"


def minstr(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def cell(t, ir):
    return f"{us(t)}, {minstr(ir)}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


# ---- the report ------------------------------------------------------------------------------

class Case:
    def __init__(self, spec, dumps):
        self.name = spec["name"]
        self.label = spec["label"]
        self.spec = spec
        self.ops = spec["ops"]
        self.ir = {op: dumps[(self.name, op)]["ir"]
                   for op in self.ops if (self.name, op) in dumps}
        self.dumps = {op: dumps[(self.name, op)] for op in self.ops
                      if (self.name, op) in dumps}

    def t(self, op):
        return self.ops[op]["median_us"]

    def tmin(self, op):
        return self.ops[op]["min_us"]


def summary_table(cases):
    rows = []
    for c in cases:
        rows.append([
            c.label,
            cell(c.t("iot_first"), c.ir["iot_first"]),
            cell(c.t("iot_hit"), c.ir["iot_hit"]),
            cell(c.t("mbed"), c.ir["mbed"]),
            cell(c.t("floor"), c.ir["floor"]),
            f"{c.ir['iot_first'] / c.ir['mbed']:.3f}; {c.t('iot_first') / c.t('mbed'):.2f}",
            f"{c.ir['iot_first'] / c.ir['floor']:.4f}; {c.t('iot_first') / c.t('floor'):.3f}",
            f"{c.t('mbed') / c.t('iot_hit'):.0f}x; {c.ir['mbed'] / c.ir['iot_hit']:.0f}x",
        ])
    return table(["case", "iotcert first", "iotcert memo hit", "Mbed TLS verify",
                  "crypto floor", "iotcert/Mbed TLS (instr; time)",
                  "iotcert/floor (instr; time)", "memo hit vs Mbed TLS (time; instr)"], rows)


def more_table(cases):
    rows = []
    for c in cases:
        rows.append([
            c.label,
            cell(c.t("iot_cold"), c.ir["iot_cold"]),
            cell(c.t("floor_cold"), c.ir["floor_cold"]),
            f"{c.ir['iot_cold'] / c.ir['floor_cold']:.4f}",
            cell(c.t("iot_fresh"), c.ir["iot_fresh"]),
            f"{c.ir['iot_fresh'] / c.ir['floor']:.4f}",
            cell(c.t("mbed_floor"), c.ir["mbed_floor"]),
            f"{c.ir['mbed'] / c.ir['mbed_floor']:.3f}",
            f"{us(c.tmin('iot_first'))} / {us(c.tmin('iot_hit'))} / {us(c.tmin('mbed'))}"
            f" / {us(c.tmin('floor'))}",
        ])
    return table(["case", "iotcert cold (after port release)", "floor cold",
                  "cold/floor cold (instr)", "iotcert first, fresh memo",
                  "fresh memo/floor (instr)", "Mbed TLS bare checks (md + pk_verify)",
                  "Mbed TLS verify/its bare checks (instr)",
                  "min time: first / hit / Mbed TLS / floor"], rows)


def heap_table(cases):
    rows = []
    for c in cases:
        o = c.ops
        rows.append([
            c.label,
            max(o[k]["allocs_core"] for k in ("iot_first", "iot_fresh", "iot_hit",
                                              "iot_cold")),
            o["iot_first"]["allocs_port"],
            o["iot_hit"]["allocs_core"] + o["iot_hit"]["allocs_port"],
            o["iot_cold"]["allocs_port"],
            o["mbed"]["allocs_core"] + o["mbed"]["allocs_port"],
            o["floor"]["allocs_port"],
            o["mbed_floor"]["allocs_core"] + o["mbed_floor"]["allocs_port"],
        ])
    return table(["case", "iotcert core (any verification)",
                  "iotcert first: port (Mbed TLS bignums)", "iotcert memo hit (all)",
                  "iotcert cold: port", "Mbed TLS parse + verify (all)", "floor: port",
                  "Mbed TLS bare checks"], rows)


def facts_lines(cases):
    out = []
    for c in cases:
        f, h, m, s = (c.ops["iot_first"], c.ops["iot_hit"], c.ops["mbed"],
                      c.ops["mbed_sysclk"])
        out.append(
            f"- {c.label} (`{c.name}`: {c.spec['presented']} presented, {c.spec['anchors']}"
            f" anchor(s), {c.spec['links']} links, {c.spec['tbs_bytes']} TBS bytes): "
            f"iotcert first checked {f['signatures_checked']} signatures in {f['steps']} "
            f"steps ({f['ecdsa']} port ECDSA calls, {f['hashes']} hashes over "
            f"{f['hash_bytes']} B); memo hit: {h['memo_hits']} hits, {h['ecdsa']} ECDSA calls,"
            f" {h['hashes']} hashes over {h['hash_bytes']} B (the memo keys). Mbed TLS at the "
            f"scenario's time: ret {m['status']}, flags 0x{m['mbed_flags']:x}; with the "
            f"system clock: flags 0x{s['mbed_flags']:x}"
            + (" (BADCERT_EXPIRED)" if s["mbed_flags"] == 1 else "")
            + f", median {us(s['median_us'])}.")
    return out


def parts(dump):
    """Self instructions per verification of each part of the program, and of each core
    function, in one dump."""
    by_class, core_fns = collections.Counter(), collections.Counter()
    for (ob, fn), ir in dump["self"].items():
        k = classify(ob, fn, CORE, PORT)
        by_class[k] += ir / dump["reps"]
        if k == "core":
            core_fns[fn.split("'")[0]] += ir / dump["reps"]
    return by_class, core_fns


def top_table(core_fns, top, base, base_name):
    names = [n for n, _ in core_fns.most_common(top)]
    rows = [[p.replace("|", "\\|"), f"{core_fns[n]:,.0f}",
             f"{100 * core_fns[n] / base:.3f}%"]
            for n, p in zip(names, demangle(names))]
    return [""] + ["  " + line for line in table(
        ["core function (self)", "instr/verification", f"of {base_name}"], rows)] + [""]


def profile_first(cases, top):
    """Where iotcert's first verification spends what the floor does not."""
    out = []
    for c in cases:
        by_class, core_fns = parts(c.dumps["iot_first"])
        floor_class, _ = parts(c.dumps["floor"])
        split = ", ".join(f"{k} {minstr(v)} (floor {minstr(floor_class[k])})"
                          for k, v in by_class.most_common())
        extra = c.ir["iot_first"] - c.ir["floor"]
        out.append(f"- {c.label}: iotcert first - floor = {minstr(extra)} instructions per "
                   f"verification ({100 * extra / c.ir['floor']:.2f}% of the floor). "
                   f"By part: {split}.")
        out += top_table(core_fns, top, c.ir["floor"], "floor")
    return out


def profile_hit(cases, top):
    """What a memo-hit verification is made of."""
    out = []
    for c in cases:
        by_class, core_fns = parts(c.dumps["iot_hit"])
        split = ", ".join(f"{k} {minstr(v)}" for k, v in by_class.most_common())
        out.append(f"- {c.label}: {minstr(c.ir['iot_hit'])} instructions per verification "
                   f"(Mbed TLS crypto here is the SHA-256 of the memo keys). By part: "
                   f"{split}.")
        out += top_table(core_fns, top, c.ir["iot_hit"], "memo hit")
    return out


def readme_table(cases, p256m):
    """Instructions only: what README.md shows between its bench markers."""
    rows = []
    for c in cases:
        p = p256m.get(c.name, {})
        first_p = p.get("iot_first")
        floor_p = p.get("floor")
        rows.append([
            c.label,
            minstr(c.ir["iot_first"]),
            minstr(first_p["ir"]) if first_p else "-",
            minstr(c.ir["iot_hit"]),
            minstr(c.ir["mbed"]),
            minstr(c.ir["floor"]),
            minstr(floor_p["ir"]) if floor_p else "-",
            f"{c.ir['iot_first'] / c.ir['floor']:.3f}",
            f"{c.ir['mbed'] / c.ir['iot_hit']:.0f}x",
        ])
    return table(["chain", "iotcert first (Mbed TLS port)", "iotcert first (p256-m port)",
                  "iotcert memo hit", "Mbed TLS verify", "crypto floor (Mbed TLS port)",
                  "crypto floor (p256-m)", "iotcert / floor (Mbed TLS port)",
                  "Mbed TLS / memo hit"], rows)


def verdict(ok):
    return "PASS" if ok else "MISS"


def targets(cases):
    lines, missed = [], False
    for c in cases:
        r = c.ir["iot_first"] / c.ir["floor"]
        ok = r <= FLOOR_RATIO_MAX
        missed |= not ok
        lines.append(f"- {verdict(ok)} first verification within {FLOOR_RATIO_MAX}x of the "
                     f"crypto floor in instructions, {c.label}: {r:.4f}x (time, for "
                     f"information: median {c.t('iot_first') / c.t('floor'):.3f}x, min "
                     f"{c.tmin('iot_first') / c.tmin('floor'):.3f}x)")
    for c in cases:
        by_time = c.t("mbed") / c.t("iot_hit")
        by_ir = c.ir["mbed"] / c.ir["iot_hit"]
        missed |= by_time < MEMO_SPEEDUP_MIN or by_ir < MEMO_SPEEDUP_MIN
        lines.append(f"- {verdict(by_time >= MEMO_SPEEDUP_MIN)} memo hit at least "
                     f"{MEMO_SPEEDUP_MIN:.0f}x faster than Mbed TLS's verifier, median time, "
                     f"{c.label}: {by_time:.0f}x (min times "
                     f"{c.tmin('mbed') / c.tmin('iot_hit'):.0f}x); "
                     f"{verdict(by_ir >= MEMO_SPEEDUP_MIN)} in instructions: {by_ir:.1f}x")
    allocs = max(c.ops[k]["allocs_core"] for c in cases
                 for k in ("iot_first", "iot_fresh", "iot_hit", "iot_cold"))
    missed |= allocs != 0
    lines.append(f"- {'PASS' if allocs == 0 else 'MISS'} the iotcert core allocates "
                 f"nothing: {allocs} allocations outside the port in every iotcert "
                 "verification measured")
    return lines, missed


HEAP_KEYS = ("allocs_core", "allocs_port", "frees", "alloc_bytes")


def merge_heap(timing, facts):
    """Takes the heap figures of each case and operation from bench-count's run."""
    by_name = {c["name"]: c for c in facts["cases"]}
    for c in timing["cases"]:
        for op, v in c["ops"].items():
            counted = by_name[c["name"]]["ops"][op]
            for k in HEAP_KEYS:
                v[k] = counted[k]


def noise_lines(timing, cases):
    """How far this run's medians are from its minima: on a quiet machine the medians of
    these CPU-bound operations sit within a few per cent of the minima."""
    worst = max(c.t(op) / c.tmin(op) for c in cases for op in ("iot_first", "mbed", "floor"))
    load = (f"load average {timing.get('loadavg_before', -1):.2f} before timing, "
            f"{timing.get('loadavg_after', -1):.2f} after, {os.cpu_count()} cores")
    if worst > 1.10:
        return [f"Timing noise: medians up to {worst:.2f}x their minima ({load}). Another "
                "workload shared the machine: the time ratios of this run are unreliable; "
                "the instruction counts are not affected.", ""]
    return [f"Timing noise: medians within {worst:.2f}x of their minima ({load}).", ""]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timing", required=True)
    ap.add_argument("--facts", required=True, help="bench-count's JSON: heap counts")
    ap.add_argument("--callgrind", required=True)
    ap.add_argument("--core", required=True)
    ap.add_argument("--port", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--callgrind-p256m")
    ap.add_argument("--readme")
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()

    with open(a.timing) as f:
        timing = json.load(f)
    with open(a.facts) as f:
        facts = json.load(f)
    if not facts.get("allocs_counted"):
        sys.exit("report: --facts does not come from bench-count (allocations not counted)")
    merge_heap(timing, facts)
    dumps = read_dumps(a.callgrind)
    cases = [Case(spec, dumps) for spec in timing["cases"]]
    for c in cases:
        missing = [op for op in ("iot_first", "iot_fresh", "iot_hit", "iot_cold", "mbed",
                                 "floor", "floor_cold", "mbed_floor") if op not in c.ir]
        if missing:
            sys.exit(f"report: no callgrind dump for {c.name}: {', '.join(missing)}")
    CORE.update(symbols(a.core))
    PORT.update(symbols(a.port))
    reps = sorted({d["reps"] for d in dumps.values()})
    target_lines, missed = targets(cases)

    md = ["# iotcert benchmark", "",
          f"Mbed TLS {timing['mbedtls']} (system library). Times: median of "
          f"{timing['rounds']} interleaved rounds, µs. Instructions: valgrind callgrind, "
          f"average of {', '.join(map(str, reps))} runs per operation, counted around the "
          "operation only (M = million, k = thousand). Port curve groups warm unless "
          "'cold'. Mbed TLS is timed with parse (chain and anchors) + verify + free, at "
          "the scenario's time.", ""]
    md += summary_table(cases) + [""]
    md += noise_lines(timing, cases)
    md += ["Floor: the port's hash of each TBS and its ECDSA check, for the links of the "
           "expected path only. Memo hit: a memo holding the path's links (no curve math; "
           "time, names, policy still checked).", ""]
    md += ["## Cold start, fresh memo, Mbed TLS's own bare checks", ""]
    md += more_table(cases) + [""]
    md += ["## Heap allocations per verification", ""]
    md += heap_table(cases) + [""]
    md += ["The core never allocates; the port's Mbed TLS ECDSA allocates its big numbers "
           "(mbedtls_mpi) through Mbed TLS's calloc, counted apart. Mbed TLS's verifier "
           "allocates for parsing as well as for its big numbers.", ""]
    md += ["## Targets", ""] + target_lines + [""]
    md += ["## What each verification did", ""] + facts_lines(cases) + [""]
    md += ["## Where iotcert's instructions beyond the floor go (first verification)", ""]
    md += profile_first(cases, a.top)
    md += ["## What a memo-hit verification is made of", ""]
    md += profile_hit(cases, a.top)
    md += [f"Raw profiles: `callgrind_annotate --inclusive=yes {a.callgrind}/<case>.<pid>.1` "
           "(dump 1 of each case is iot_first).", ""]
    p256m = {}
    if a.callgrind_p256m:
        for (case, op), d in read_dumps(a.callgrind_p256m).items():
            p256m.setdefault(case, {})[op] = d
        md += ["## The heap-free P-256 port (p256-m), instructions", ""]
        md += readme_table(cases, p256m) + [""]
    if a.readme:
        with open(a.readme, "w") as f:
            f.write("\n".join(readme_table(cases, p256m)) + "\n")
    text = "\n".join(md)
    print(text)
    with open(a.out, "w") as f:
        f.write(text + "\n")
    if a.strict and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
