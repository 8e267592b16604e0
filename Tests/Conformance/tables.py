#!/usr/bin/env python3
"""README.md's conformance tables, counted from what `make limbo` just decided.

    tables.py LIMBO_SUITE THIRD_PARTY_SUITE > build/conformance.md

Reads the suites (for each case's expected result), the results run-limbo.sh wrote
(build/limbo-results.json, build/limbo-results-default.json, build/third-party-results.json:
the presented placement; run-limbo.sh has already checked that the stored placement agrees)
and the lists in Tests/Conformance (exceptions, default-profile relaxations). It prints three
tables: limbo under both profiles, the third-party suite by source, and the deliberate
differences by reason. Every case that does not agree with its suite must fall in exactly one
row of the last table, or this script fails: a new kind of difference needs its own row, with
its reason, before the README can show it. Python 3 standard library only.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent.parent / "build"


def load(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def expected(suite: Path) -> dict[str, str]:
    return {case["id"]: case["expected_result"] for case in load(suite)["testcases"]}


def results(name: str) -> dict[str, dict]:
    return {r["id"]: r for r in load(BUILD / f"{name}.json")["results"]}


def tally(want: dict[str, str], got: dict[str, dict], ids) -> dict[str, int]:
    counts = {"cases": 0, "agree": 0, "wrongly accepted": 0, "wrongly rejected": 0,
              "skipped": 0}
    for case in ids:
        counts["cases"] += 1
        actual = got[case]["actual_result"]
        if actual == "SKIPPED":
            counts["skipped"] += 1
        elif actual == want[case]:
            counts["agree"] += 1
        elif actual == "SUCCESS":
            counts["wrongly accepted"] += 1
        else:
            counts["wrongly rejected"] += 1
    return counts


# The deliberate differences: (what, why, suite, test). `test` sees one disagreeing or skipped
# case as (profile, expected, actual, context, listed reason) and says whether the row holds it.
def context_starts(prefix, profile="default"):
    return lambda p, e, a, ctx, why: p == profile and ctx.startswith(prefix)


def refused_by(*codes):
    return lambda p, e, a, ctx, why: p == "default" and bool(why) and ctx.split(" ")[0] in codes


DIFFERENCES = [
    ("SHA-1, MD5 signatures refused", "collisions are practical (SHAttered)", "Mbed TLS",
     refused_by("certWeakSignatureAlgorithm")),
    ("SHA-224, P-192 refused",
     "outside the supported set (SHA-256/384/512, P-256/P-384, RSA 2048-4096)", "Mbed TLS",
     refused_by("certUnsupportedSignatureAlgorithm", "certUnsupportedCurve")),
    ("a host name only in the commonName is not an identity",
     "RFC 6125 6.4.4, RFC 9525, CABF BRs", "Mbed TLS", refused_by("pathNoSubjectAltName")),
    ("a CA certificate is not a leaf (unless it is itself the anchor)",
     "CABF BR 7.1.2.7.8; webpki", "limbo", context_starts("pathCAUsedAsLeaf")),
    ("certificate policies are not processed; critical policy extensions refused",
     "RFC 5280 4.2", "limbo", context_starts("has-policy-constraints", "skipped")),
    ("a leaf without EKU is valid; anyExtendedKeyUsage honoured", "RFC 5280 4.2.1.12", "limbo",
     context_starts("pedantic-webpki-eku", "skipped")),
    ("no public suffix list on a device", "", "limbo",
     context_starts("pedantic-public-suffix-wildcard", "skipped")),
    ("depthMax counts self-issued certificates too", "each costs a workspace frame", "limbo",
     context_starts("pathDepthExceeded")),
    ("a purpose the core does not check: emailProtection", "", "Go",
     context_starts("unsupported-eku", "skipped")),
    ("strict only: issuance rules", "docs/validation-rules.md", "limbo",
     lambda p, e, a, ctx, why: p == "strict"),
]


def source(case_id: str) -> str:
    return {"go": "Go", "mbedtls": "Mbed TLS"}.get(case_id.split("::")[0], "limbo")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    limbo_want, third_want = expected(Path(sys.argv[1])), expected(Path(sys.argv[2]))
    strict, default = results("limbo-results"), results("limbo-results-default")
    third = results("third-party-results")
    exceptions = load(HERE / "limbo-exceptions.json")
    third_exceptions = load(HERE / "third-party-exceptions.json")
    relaxations = load(HERE / "limbo-default-relaxations.json")
    for name, got, want in (("limbo", strict, limbo_want), ("limbo default", default, limbo_want),
                            ("third-party", third, third_want)):
        if set(got) != set(want):
            print(f"tables: {name} results do not cover the suite's cases; run make limbo",
                  file=sys.stderr)
            return 1

    s, d = tally(limbo_want, strict, limbo_want), tally(limbo_want, default, limbo_want)
    lines = [f"| x509-limbo, {s['cases']} cases outside BetterTLS | strict | default |",
             "| --- | ---: | ---: |",
             f"| agree with limbo | {s['agree']} | {d['agree']} |",
             f"| wrongly accepted | {s['wrongly accepted']} | {d['wrongly accepted']}, each an "
             "issuance rule listed in `limbo-default-relaxations.json` |",
             f"| wrongly rejected, each listed with its reason | {s['wrongly rejected']} "
             f"(`limbo-exceptions.json`) | {d['wrongly rejected']} |",
             f"| skipped (features deliberately not supported) | {s['skipped']} | "
             f"{d['skipped']} |",
             f"| verdict changed by the default profile, each listed with the rule it relaxes "
             f"| | {len(relaxations)} |", ""]

    by_source = {}
    for case in third_want:
        by_source.setdefault(source(case), []).append(case)
    names = sorted(by_source)
    counts = {n: tally(third_want, third, by_source[n]) for n in names}
    listed = {n: sum(1 for c in by_source[n] if c in third_exceptions) for n in names}
    row = lambda label, values: f"| {label} | " + " | ".join(str(v) for v in values) + " |"
    lines += [row("third-party suite, default profile", names),
              "| --- |" + " ---: |" * len(names),
              row("cases", [counts[n]["cases"] for n in names]),
              row("agree with the source", [counts[n]["agree"] for n in names]),
              row("refused by documented algorithm or name policy, listed in "
                  "`third-party-exceptions.json`", [listed[n] for n in names]),
              row("skipped (a purpose the core does not check: emailProtection)",
                  [counts[n]["skipped"] for n in names]),
              row("wrongly accepted", [counts[n]["wrongly accepted"] for n in names]), ""]

    # Every difference, in exactly one row.
    differing = []
    for profile, got, want, why in (("strict", strict, limbo_want, exceptions),
                                    ("default", default, limbo_want, exceptions),
                                    ("default", third, third_want, third_exceptions)):
        for case, r in got.items():
            actual, ctx = r["actual_result"], r.get("context", "")
            if actual == "SKIPPED":
                # A skip is the same in both profiles: count it once.
                if got is not default:
                    differing.append((case, "skipped", want[case], actual, ctx, ""))
            elif actual != want[case] and not (actual == "SUCCESS" and case in relaxations):
                if profile == "strict" and default[case]["actual_result"] == actual:
                    continue  # refused by both profiles: the default row counts it
                differing.append((case, profile, want[case], actual, ctx, why.get(case, "")))
    rows = [0] * len(DIFFERENCES)
    skipped_rows = set()
    for case, profile, want, actual, ctx, why in differing:
        hits = [i for i, (_, _, src, test) in enumerate(DIFFERENCES)
                if src == source(case) and test(profile, want, actual, ctx, why)]
        if len(hits) != 1:
            print(f"tables: {case} ({profile}: {actual}, {ctx!r}) falls in {len(hits)} rows of "
                  "the differences table; give it exactly one", file=sys.stderr)
            return 1
        rows[hits[0]] += 1
        if profile == "skipped":
            skipped_rows.add(hits[0])
    lines += ["| difference | why | cases |", "| --- | --- | --- |"]
    for i, ((what, why, src, _), n) in enumerate(zip(DIFFERENCES, rows)):
        if n == 0:
            print(f"tables: no case shows the difference {what!r}; drop its row",
                  file=sys.stderr)
            return 1
        skipped = " skipped" if i in skipped_rows else ""
        lines.append(f"| {what} | {why} | {src} {n}{skipped} |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
